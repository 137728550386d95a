"""`make run`: the web app, one Celery worker and the single beat, side by side, stopped together."""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

DEMO = (
    ("coordination", "coordination@demo.clsm-metz.fr", "coordination-demo"),
    ("formateur·rice", "formation@demo.clsm-metz.fr", "formation-demo"),
    ("apprenant·e", "apprenant@demo.clsm-metz.fr", "apprenant-demo"),
)


def child_environment(environ, host: str, port: str) -> dict:
    """The web app, worker and beat learn where the site listens (LMS_HOST, LMS_PORT): config.py derives the
    links of emails and certificates from them unless LMS_BASE_URL is set."""
    return {**environ, "LMS_HOST": host, "LMS_PORT": str(port)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="5000")
    args = parser.parse_args()
    bin_dir = os.path.dirname(sys.executable)
    commands = {
        "web": [os.path.join(bin_dir, "flask"), "--app", "lms", "run", "--host", args.host, "--port", args.port],
        "worker": [os.path.join(bin_dir, "celery"), "-A", "worker", "worker", "--loglevel=INFO", "--concurrency=2"],
        "beat": [os.path.join(bin_dir, "celery"), "-A", "worker", "beat", "--loglevel=INFO"],
    }
    environment = child_environment(os.environ, args.host, args.port)
    processes = {name: subprocess.Popen(cmd, env=environment) for name, cmd in commands.items()}
    print(f"\n  lms is running on http://{args.host}:{args.port}  (Ctrl-C to stop)\n  Demo accounts:")
    for role, email, password in DEMO:
        print(f"    {role:<15} {email:<34} {password}")
    print("  Mail stays in the outbox: sign in as coordination and open « Journal des envois ».\n", flush=True)
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"{name} exited with {process.returncode}; stopping the others", file=sys.stderr)
                    stopping = True
            time.sleep(0.5)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
