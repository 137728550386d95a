"""A private nginx for the benchmarks: its own prefix and config in a temporary folder, on 127.0.0.1.

Never the system service: ``nginx -p <tmp> -c <tmp>/nginx.conf -g "daemon off;"``
started as a child process and stopped (SIGQUIT then SIGTERM, by pid) at exit.
"""
from __future__ import annotations

import getpass
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.serve import free_port, wait_http

CONFIG = """
worker_processes {workers};
{user}
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    default_type application/octet-stream;
    types {{ video/mp4 mp4; }}
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
{http_extra}
    server {{
        listen 127.0.0.1:{port};
{locations}
    }}
}}
"""


@contextmanager
def running_nginx(locations: str, workers: int = 2, http_extra: str = "") -> Iterator[tuple[str, subprocess.Popen]]:
    """Yield the base URL and master process of a private nginx whose server block holds ``locations``
    (``http_extra``: more of the http block, e.g. an ``upstream`` with keepalive connections)."""
    if shutil.which("nginx") is None:
        raise RuntimeError("nginx is needed: apt-get install nginx-light")
    tmp = Path(tempfile.mkdtemp(prefix="lms-bench-nginx-"))
    port = free_port()
    # As root, nginx workers would switch to "nobody", who cannot read our temporary folders.
    user = "user root;" if getpass.getuser() == "root" else ""
    (tmp / "nginx.conf").write_text(CONFIG.format(workers=workers, user=user, tmp=tmp, port=port, locations=locations,
                                                    http_extra=http_extra))
    (tmp / "logs").mkdir()  # nginx -p wants it even when every log has its own path
    process = None
    try:
        subprocess.run(["nginx", "-t", "-q", "-p", str(tmp), "-c", str(tmp / "nginx.conf")], check=True,
                       capture_output=True)
        process = subprocess.Popen(["nginx", "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"])
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/", process=process)
        yield base, process
    finally:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGQUIT)  # graceful: the master stops its workers
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.terminate()
                process.wait(timeout=10)
        errors = (tmp / "error.log").read_text() if (tmp / "error.log").exists() else ""
        if errors.strip():
            print("nginx error.log:\n" + errors[-2000:])
        shutil.rmtree(tmp, ignore_errors=True)
