"""Shared fixtures: the app on a migrated database, a transaction per test, a real SMTP server.

Database: ``LMS_TEST_DATABASE_URL`` (PostgreSQL in CI) or a SQLite file in a
temporary folder. The schema is made by the Alembic migrations, as in production.
"""
from __future__ import annotations

import asyncio
import os
import re
import socket
import threading
from collections import Counter
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import g, has_app_context
from flask.globals import app_ctx
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession
from hypothesis import settings as hypothesis_settings
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from config import TestConfig
from lms import create_app
from lms.core.outbox import OutboxMessage
from lms.extensions import db, limiter
from tests import factories
from tests.learningtools import small_course, watch_clock  # noqa: F401  (fixtures: a small published course, the beacons' clock)

# Properties are checked for correctness, not speed: no per-example deadline (a shared 2-core CI
# machine makes timings noisy), and a failing example is printed so it can be replayed.
hypothesis_settings.register_profile("lms", deadline=None, print_blob=True)
hypothesis_settings.load_profile("lms")

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ConnectionBoundSession(FlaskSession):
    """Flask-SQLAlchemy's session picks the engine itself; in a test it must use the test's connection."""

    def get_bind(self, *args, **kwargs):
        return self.bind


def reset_schema(app) -> None:
    """Drop whatever a previous run left, then build the schema with the migrations."""
    from flask_migrate import upgrade

    with app.app_context():
        with db.engine.begin() as conn:
            db.metadata.drop_all(conn)
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        db.session.remove()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return os.environ.get("LMS_TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        INSTANCE_PATH=str(tmp_path_factory.mktemp("instance")),
        MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
        ARGON2_PROFILE="fast",
    )
    reset_schema(app)
    return app


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Every test runs inside a transaction rolled back at the end; commits become savepoints."""
    if request.node.get_closest_marker("no_transaction"):
        yield
        return
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        test_thread = threading.get_ident()
        bound = db._make_session_factory(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": ConnectionBoundSession}
        )

        def factory():
            # Only the test's own thread joins its transaction. Another thread (the browser tests'
            # live server answering a late request, e.g. a page's last beacon when its context
            # closed) gets an ordinary session of its own app, never this test's connection.
            return bound() if threading.get_ident() == test_thread else original.session_factory()

        db.session = scoped_session(factory, scopefunc=lambda: id(app_ctx._get_current_object()))  # as Flask-SQLAlchemy
        limiter.reset()
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            if outer.is_active:
                outer.rollback()
            connection.close()


class FreshGlobalsClient(FlaskClient):
    """Each test holds an app context (for its transaction); requests then reuse it,
    so ``g`` (CSRF token, Flask-Login's cached user) is cleared before each request
    as it would be on a real server."""

    def open(self, *args, **kwargs):
        if has_app_context():
            g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = FreshGlobalsClient
    return app.test_client()


@pytest.fixture
def make():
    """Factories: make.user(role=...), make.coordinator(), ..."""
    return factories


def csrf_token(client, path: str = "/connexion") -> str:
    page = client.get(path)
    match = CSRF_RE.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client, path: str, data: dict | None = None, *, token_from: str | None = None, **kwargs):
    """Submit an HTML form as a browser would: with the CSRF token of the page."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, token_from or path)
    return client.post(path, data=data, **kwargs)


def page_text(response) -> str:
    """A page's HTML with its entities decoded (« l'élément » rather than « l&#39;élément »)."""
    import html

    return html.unescape(response.get_data(as_text=True))


def login_as(client, user, password: str = factories.PASSWORD, **fields):
    """Sign ``client`` in through the form (``remember="y"`` ticks "Rester connecté·e")."""
    response = post_form(client, "/connexion", {"email": user.email, "password": password, **fields})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def browser(app, **environ) -> FreshGlobalsClient:
    """A browser of its own (cookies, CSRF token), e.g. at a client address: ``browser(app, REMOTE_ADDR=...)``."""
    client = FreshGlobalsClient(app, app.response_class)
    client.environ_base.update(environ)
    return client


def signed_in_browser(app, user, *, remember: bool = False, password: str = factories.PASSWORD) -> FreshGlobalsClient:
    """A browser of its own signed in as ``user`` (with "Rester connecté·e" when ``remember``)."""
    return login_as(browser(app), user, password, **({"remember": "y"} if remember else {}))


def api_headers(app, user, password: str = factories.PASSWORD) -> dict:
    client = FreshGlobalsClient(app, app.response_class, use_cookies=False)
    response = client.post("/api/v1/auth/token", json={"email": user.email, "password": password})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


@pytest.fixture
def learner(make):
    return make.learner()


@pytest.fixture
def trainer_headers(app, make):
    """The API headers of a new trainer."""
    return api_headers(app, make.trainer())


@pytest.fixture
def coordinator_headers(app, make):
    """The API headers of a new coordinator."""
    return api_headers(app, make.coordinator())


def error_of(response, status: int | None = None) -> dict:
    """The error of an API answer, in the contract's shape: ``{"error": {"code", "message", "fields"}}``."""
    if status is not None:
        assert response.status_code == status, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert set(body) == {"error"} and {"code", "message", "fields"} <= set(body["error"]), body
    assert body["error"]["code"] and body["error"]["message"], body
    return body["error"]


def fields_of(response) -> dict:
    """The fields of a 422 answer, each with why it was refused."""
    return error_of(response, 422)["fields"]


def run_due_command(app) -> str:
    """``flask jobs run-due``, as cron or a coordinator runs it; its output."""
    result = app.test_cli_runner().invoke(args=["jobs", "run-due"])
    assert result.exit_code == 0, result.output
    return result.output


def media_files(app) -> set[Path]:
    """Every file in the media store."""
    return {p for p in Path(app.config["MEDIA_ROOT"]).rglob("*") if p.is_file()}


# -- mail ----------------------------------------------------------------------

class Mailbox:
    """What a real SMTP server on 127.0.0.1 received. Tests take what they expect with pop().

    With ``delay``, the message is recorded first and "250" answered only after the
    delay: a sender killed meanwhile leaves a message the server has but the sender
    never saw accepted (the one window in which a resend is a duplicate).
    """

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def snapshot(self) -> list[EmailMessage]:
        with self.lock:
            return list(self.messages)

    def message_ids(self) -> Counter:
        return Counter(message["Message-ID"] for message in self.snapshot())

    def pop(self, to: str | None = None) -> EmailMessage:
        with self.lock:
            for index, message in enumerate(self.messages):
                if to is None or message["To"] == to:
                    return self.messages.pop(index)
        raise AssertionError(f"no email to {to!r}; received: {[m['To'] for m in self.messages]}")


@contextmanager
def smtp_server_for(app, handler):
    """Serve ``handler`` (with a ``messages`` list) on 127.0.0.1 and point the app at it.

    Mail received and not taken by the test fails it."""
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = app.config["SMTP_HOST"], app.config["SMTP_PORT"]
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port)
    try:
        yield handler
    finally:
        app.config["SMTP_HOST"], app.config["SMTP_PORT"] = saved
        controller.stop()
    assert not handler.messages, f"unexpected email(s): {[(m['To'], m['Subject']) for m in handler.messages]}"


@pytest.fixture
def smtp(app):
    """A real SMTP server; the app delivers to it. Unexpected (not popped) mail fails the test."""
    with smtp_server_for(app, Mailbox()) as mailbox:
        yield mailbox


@pytest.fixture(autouse=True)
def _no_unexpected_email(request, app, _transaction):
    """A test that did not ask for ``smtp`` or ``outbox`` must not write any email.

    It depends on ``_transaction`` so that it looks before the rollback (autouse fixtures
    would otherwise run in name order, and the rollback would hide every row)."""
    if {"smtp", "outbox"} & set(request.fixturenames) or request.node.get_closest_marker("no_transaction"):
        yield
        return
    yield
    with app.app_context():
        leaked = db.session.scalars(select(OutboxMessage)).all()
        assert not leaked, f"unexpected email(s) in the outbox: {[(m.recipient, m.subject) for m in leaked]}"


@pytest.fixture
def outbox(app):
    """Read the outbox rows written by the test (mail kept, no SMTP server)."""

    def rows(**filters):
        stmt = select(OutboxMessage).filter_by(**filters).order_by(OutboxMessage.id)
        return db.session.scalars(stmt).all()

    return rows
