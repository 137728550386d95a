"""A private PostgreSQL for the benchmarks: its own cluster in a temporary folder, on 127.0.0.1 and a free port.

Never the system service: ``initdb`` and ``pg_ctl`` from /usr/lib/postgresql/<newest>/bin, run as the
``postgres`` user when we are root (PostgreSQL refuses to run as root), stopped (``-m fast``) and removed
at exit. The server keeps PostgreSQL's defaults — fsync, synchronous_commit and full_page_writes on, as a
production server would — except for where it listens (``listen_addresses``, ``port``,
``unix_socket_directories``) and whatever ``settings`` the caller adds (e.g. ``{"synchronous_commit": "off"}``).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.serve import free_port


def pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise RuntimeError("PostgreSQL is needed: apt-get install postgresql")
    return found[-1].parent


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class Postgres:
    url: str          # SQLAlchemy URL of the benchmark database, over TCP on 127.0.0.1
    socket_url: str   # the same database through the server's Unix socket (a PostgreSQL on the web host)
    data: Path
    version: str
    settings: dict

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])


@contextmanager
def private_postgresql(database: str = "lms_bench", settings: Mapping[str, str] | None = None) -> Iterator[Postgres]:
    """Yield a running private PostgreSQL with an empty ``database``; stopped and removed at exit."""
    binaries = pg_bin()
    tmp = Path(tempfile.mkdtemp(prefix="lms-bench-pg-"))
    data = tmp / "data"
    port = free_port()
    started = False
    try:
        if os.geteuid() == 0:
            shutil.chown(tmp, "postgres", "postgres")
        tmp.chmod(0o700)
        # --no-sync only skips flushing the freshly created files: the server itself runs with fsync on.
        subprocess.run(_as_postgres([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                                     "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
                       check=True, capture_output=True)
        options = [f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={tmp}"]
        options += [f"-c {name}={value}" for name, value in (settings or {}).items()]
        done = subprocess.run(_as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(tmp / "server.log"),
                                            "-w", "-t", "60", "start", "-o", " ".join(options)]),
                              capture_output=True, text=True)
        if done.returncode != 0:
            log = (tmp / "server.log").read_text() if (tmp / "server.log").exists() else ""
            raise RuntimeError(f"PostgreSQL did not start:\n{done.stderr}\n{log[-2000:]}")
        started = True
        subprocess.run(_as_postgres([str(binaries / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                                     database]), check=True, capture_output=True)
        version = subprocess.run([str(binaries / "postgres"), "--version"], capture_output=True,
                                 text=True).stdout.split()[2]
        yield Postgres(url=f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}",
                       socket_url=f"postgresql+psycopg://postgres@/{database}?host={tmp}&port={port}",
                       data=data, version=version, settings=dict(settings or {}))
    finally:
        if started:
            subprocess.run(_as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                           capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
