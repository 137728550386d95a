"""Shared by the benchmarks: a migrated database, demo users and gunicorn on 127.0.0.1, stopped at exit.

Uses LMS_DATABASE_URL when set (PostgreSQL for figures that matter), else a
fresh SQLite file in a temporary folder. The media root is a temporary folder
too; the whole folder is removed at exit.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so that ``finally`` blocks stop what a benchmark started."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def wait_http(url: str, seconds: float = 20, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def stop(process: subprocess.Popen | None, timeout: float = 10) -> None:
    """Stop one process we started (SIGTERM, then SIGKILL), by its pid only."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def run(command: list[str], env: dict) -> str:
    """Run a command in the project folder; its stdout, or RuntimeError with the end of its stderr."""
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


@dataclass
class Instance:
    """A running app: its temporary folder, environment, base URL and gunicorn master process."""

    tmp: Path
    env: dict
    base: str
    server: subprocess.Popen

    @property
    def media_root(self) -> Path:
        return Path(self.env["LMS_MEDIA_ROOT"])

    def python(self, code: str) -> str:
        """Run Python code in a fresh process with the app's environment (``app`` = create_app(), in its context)."""
        prologue = "from lms import create_app\napp = create_app()\nctx = app.app_context()\nctx.push()\n"
        return run([sys.executable, "-c", prologue + code], self.env)

    def worker_pids(self) -> list[int]:
        return children(self.server.pid)


@contextmanager
def app_instance(workers: int = 2, users: Sequence[tuple[str, str, str]] = (), env: dict | None = None,
                 gunicorn_args: Sequence[str] = ()) -> Iterator[Instance]:
    """gunicorn serving a fresh database with ``users`` (role, email, password); everything removed at exit."""
    tmp = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    try:
        full_env = {**os.environ, "LMS_INSTANCE_PATH": str(tmp), "LMS_RATELIMIT_ENABLED": "false",
                    "LMS_OUTBOX_DISPATCH": "none", "LMS_SECRET_KEY": "bench", "LMS_MEDIA_ROOT": str(tmp / "media"),
                    **(env or {})}
        full_env.setdefault("LMS_DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite'}")
        (tmp / "media").mkdir()
        flask = [str(BIN / "flask"), "--app", "lms"]
        run([*flask, "db", "upgrade"], full_env)
        for role, email, password in users:
            run([*flask, "create-user", "--if-missing", "--role", role, "--email", email, "--password", password],
                full_env)
        with gunicorn(full_env, workers=workers, gunicorn_args=gunicorn_args) as (base, server):
            yield Instance(tmp=tmp, env=full_env, base=base, server=server)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def gunicorn(env: dict, workers: int = 2, gunicorn_args: Sequence[str] = (), app: str = "lms:create_app()",
             ready_path: str = "/connexion") -> Iterator[tuple[str, subprocess.Popen]]:
    """gunicorn on a free port of 127.0.0.1 with ``env`` (an already migrated database); stopped at exit."""
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning",
         *gunicorn_args, app], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + ready_path, process=server)
        yield base, server
    finally:
        stop(server)


@contextmanager
def running_app(workers: int = 2, users: Sequence[tuple[str, str, str]] = ()):
    """Yield the base URL and the gunicorn master process (the original interface of accounts_load.py)."""
    with app_instance(workers=workers, users=users) as instance:
        yield instance.base, instance.server


def api_token(base: str, email: str, password: str) -> str:
    request = urllib.request.Request(base + "/api/v1/auth/token", data=json.dumps({"email": email, "password": password}).encode(),
                                     headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))["token"]


def children(pid: int) -> list[int]:
    return [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()]


def process_rss_kb(pid: int) -> int:
    """VmRSS of one process in kB (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of processes and their children still alive (from /proc/<pid>/stat)."""
    total = 0
    for pid in {p for root in pids for p in [root, *children(root)]}:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (gunicorn master + workers), in MB."""
    return sum(process_rss_kb(p) for p in [pid, *children(pid)]) / 1024
