"""A real Redis, a real Celery worker (a subprocess, as in production) and a real SMTP server.

Tests here are marked ``worker`` and ``no_transaction``: the worker is another
process, so what the test writes is committed for real. Database: a fresh
SQLite file per test (schema built by the migrations), or the PostgreSQL
database of ``LMS_TEST_DATABASE_URL`` (migrated by the session ``app``
fixture), cleaned of the rows these tests make at the start and at the end.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import delete, select

from config import TestConfig
from lms import create_app
from lms.auth.models import ApiToken, AuditEvent, EmailToken, User
from lms.core.outbox import MailSuppression, OutboxMessage, OutboxTask
from lms.extensions import db
from lms.videos.models import Video
from tests.conftest import Mailbox, free_port, reset_schema

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CELERY = BIN / "celery" if (BIN / "celery").exists() else ROOT / ".venv" / "bin" / "celery"
#: Every address these tests write ends with this, so a shared database can be cleaned.
DOMAIN = "worker-test.example"
LEASE_SECONDS = 3

def wait_until(predicate, timeout: float, what: str, interval: float = 0.05):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


# -- Redis -----------------------------------------------------------------------

@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """LMS_TEST_REDIS_URL, or a private redis-server on a free port (no persistence)."""
    import redis

    url = os.environ.get("LMS_TEST_REDIS_URL")
    process = None
    if not url:
        server = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)
        if server is None:
            pytest.skip("redis-server is not installed (apt install redis-server) and LMS_TEST_REDIS_URL is not set")
        port = free_port()
        folder = tmp_path_factory.mktemp("redis")
        process = subprocess.Popen(
            [server, "--port", str(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1", "--dir", str(folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)

    def ready():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"redis-server exited with {process.returncode}")
        try:
            return client.ping()
        except redis.RedisError:
            return False

    try:
        wait_until(ready, 10, "redis-server")
        yield url
    finally:
        client.close()
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def redis_client(redis_url):
    """The broker's database, emptied before and after each test (no task left over)."""
    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


# -- database --------------------------------------------------------------------

@pytest.fixture
def database_for_worker(app, tmp_path):
    """A database URL the worker and the test share; rows committed for real."""
    shared = os.environ.get("LMS_TEST_DATABASE_URL")
    if shared:
        _clean_shared_database(app)
        yield shared
        _clean_shared_database(app)
    else:
        yield f"sqlite:///{tmp_path / 'worker.sqlite'}"


def _clean_shared_database(app) -> None:
    """Delete what these tests commit: the whole outbox (messages and task triggers) and suppression list,
    and their users and videos."""
    with app.app_context():
        ours = select(User.id).where(User.email.like(f"%@{DOMAIN}"))
        with db.engine.begin() as conn:
            conn.execute(delete(OutboxMessage))
            conn.execute(delete(OutboxTask))  # the triggers the scans wrote (the day's evidence retention)
            conn.execute(delete(MailSuppression))
            conn.execute(delete(ApiToken).where(ApiToken.user_id.in_(ours)))
            conn.execute(delete(EmailToken).where(EmailToken.user_id.in_(ours)))
            conn.execute(delete(AuditEvent).where(AuditEvent.actor_id.in_(ours) | AuditEvent.subject_id.in_(ours)))
            conn.execute(delete(Video).where(Video.owner_id.in_(ours)))
            conn.execute(delete(User).where(User.email.like(f"%@{DOMAIN}")))
        db.session.remove()


# -- SMTP ------------------------------------------------------------------------

@pytest.fixture
def smtp_server():
    """Start with ``smtp_server(delay=...)``; returns (handler, port)."""
    controllers = []

    def start(delay: float = 0.0):
        handler = Mailbox(delay)
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return handler, port

    yield start
    for controller in controllers:
        controller.stop()


# -- apps ------------------------------------------------------------------------

@pytest.fixture
def make_web_app(app, database_for_worker, tmp_path):
    """An app configured like the web process: mail handed to Celery over the given broker.

    The first app on a SQLite file builds its schema with the migrations.
    """
    made = []

    def make(*, broker_url: str, smtp_port: int | None):
        web = create_app(
            TestConfig,
            SQLALCHEMY_DATABASE_URI=database_for_worker,
            OUTBOX_DISPATCH="celery",
            CELERY_BROKER_URL=broker_url,
            SMTP_HOST="127.0.0.1" if smtp_port else None,
            SMTP_PORT=smtp_port or 25,
            INSTANCE_PATH=str(tmp_path / "instance"),
            MEDIA_ROOT=str(tmp_path / "media"),
            ARGON2_PROFILE="fast",
            MAIL_SENDING_LEASE_SECONDS=LEASE_SECONDS,
            MAIL_RETRY_BASE_SECONDS=1,
        )
        if database_for_worker.startswith("sqlite") and not made:
            reset_schema(web)
        made.append(web)
        return web

    yield make
    for web in made:
        with web.app_context():
            db.engine.dispose()
    app.extensions["celery"].set_default()  # create_app made the last Celery app the default


def outbox_statuses(web_app) -> dict[int, str]:
    """Status of every outbox row, read on a fresh connection (never a stale snapshot)."""
    with web_app.app_context():
        with db.engine.connect() as conn:
            rows = conn.execute(select(OutboxMessage.id, OutboxMessage.status)).all()
    return dict(rows)


def outbox_rows(web_app, *columns):
    with web_app.app_context():
        with db.engine.connect() as conn:
            return conn.execute(select(*columns).order_by(OutboxMessage.id)).all()


def status_counts(web_app) -> Counter:
    return Counter(outbox_statuses(web_app).values())


def redis_queue_length(redis_client, queue: str = "celery") -> int:
    return int(redis_client.llen(queue))


# -- the worker ------------------------------------------------------------------

class Worker:
    """``celery -A worker worker`` in its own process group, logging to a file."""

    def __init__(self, env: dict, log_path: Path):
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen(
            [str(CELERY), "-A", "worker", "worker", "--loglevel=INFO", "--concurrency=2", "-n", "w@%h"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 30) -> None:
        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"the worker exited with {self.process.returncode}:\n{self.output()[-3000:]}")
            return " ready." in self.output()

        wait_until(ready, timeout, "the Celery worker to be ready", interval=0.1)

    def kill(self) -> None:
        """SIGKILL the whole process group (the main process and its pool), as a crash or OOM would."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _group_alive(self.process.pid):
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
            except ProcessLookupError:
                pass
        elif _group_alive(self.process.pid):
            self.kill()
        self.log.close()


def _group_alive(pgid: int) -> bool:
    """Whether a live (not zombie) process is left in the group."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


@pytest.fixture
def start_worker(database_for_worker, redis_url, tmp_path):
    """``start_worker(smtp_port)`` starts a worker and waits until it is ready; all are stopped at the end."""
    workers: list[Worker] = []

    def start(smtp_port: int) -> Worker:
        env = {name: value for name, value in os.environ.items() if not name.startswith("LMS_")}
        env.update(
            LMS_DATABASE_URL=database_for_worker,
            LMS_REDIS_URL=redis_url,
            LMS_SMTP_HOST="127.0.0.1",
            LMS_SMTP_PORT=str(smtp_port),
            LMS_SMTP_TIMEOUT="10",
            LMS_INSTANCE_PATH=str(tmp_path / "worker-instance"),
            LMS_MEDIA_ROOT=str(tmp_path / "media"),  # the web app's (make_web_app): uploads the worker processes
            LMS_BEAT_SCHEDULE_FILE=str(tmp_path / "celerybeat-schedule"),
            LMS_MAIL_SENDING_LEASE_SECONDS=str(LEASE_SECONDS),
            LMS_MAIL_RETRY_BASE_SECONDS="1",
            LMS_RATELIMIT_ENABLED="false",
            PYTHONUNBUFFERED="1",
        )
        worker = Worker(env, tmp_path / f"worker-{len(workers) + 1}.log")
        workers.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in workers:
        worker.stop()
