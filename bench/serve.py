"""Shared by the benchmarks: a migrated database, demo users and gunicorn on 127.0.0.1, stopped at exit.

Uses LMS_DATABASE_URL when set (PostgreSQL for figures that matter), else a
fresh SQLite file in a temporary folder.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(workers: int = 2, users: list[tuple[str, str, str]] = ()):
    """Yield the base URL of gunicorn serving a fresh database with ``users`` (role, email, password)."""
    tmp = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    env = {**os.environ, "LMS_INSTANCE_PATH": str(tmp), "LMS_RATELIMIT_ENABLED": "false",
           "LMS_OUTBOX_DISPATCH": "none", "LMS_SECRET_KEY": "bench"}
    env.setdefault("LMS_DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite'}")
    flask = [str(BIN / "flask"), "--app", "lms"]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    for role, email, password in users:
        subprocess.run([*flask, "create-user", "--if-missing", "--role", role, "--email", email, "--password", password],
                       env=env, cwd=ROOT, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning",
         "lms:create_app()"], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/connexion", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=10)


def api_token(base: str, email: str, password: str) -> str:
    request = urllib.request.Request(base + "/api/v1/auth/token", data=json.dumps({"email": email, "password": password}).encode(),
                                     headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))["token"]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (gunicorn master + workers), in MB."""
    pids = [pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()]
    total = 0
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024
