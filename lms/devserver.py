"""`make run`: the web app, one Celery worker and the single beat, side by side, stopped together."""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
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


class FilmProgress:
    """The line `make run` prints while the worker prepares the sample course's films ("Préparation des films
    d'exemple : 2/6"), once per change, and nothing when they were ready already."""

    def __init__(self) -> None:
        self.last: tuple[int, int] | None = None
        self.done = False

    def line(self, states) -> str | None:
        total = sum(states.values())
        finished = states.get("ready", 0) + states.get("failed", 0)
        if self.done or total == 0 or (self.last is None and finished == total):
            self.done = True  # nothing to prepare, or ready already
            return None
        if (finished, total) == self.last:
            return None
        self.last = (finished, total)
        if finished < total:
            return f"  Préparation des films d'exemple : {finished}/{total}"
        self.done = True
        failed = states.get("failed", 0)
        return (f"  Films d'exemple prêts : {total}/{total}" if not failed else
                f"  Films d'exemple : {total - failed} prêts, {failed} en échec (voir la Vidéothèque)")


def watch_films(slug: str, stopped) -> None:
    """Print the preparation of the films of course ``slug`` until they are all ready (or `make run` stops)."""
    from lms import create_app
    from lms.authoring.services.importer import film_states
    from lms.extensions import db

    app, progress = create_app(), FilmProgress()
    while not stopped() and not progress.done:
        with app.app_context():
            states = film_states(slug)
            db.session.remove()
        if (line := progress.line(states)) is not None:
            print(line, flush=True)
        time.sleep(2)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="5000")
    parser.add_argument("--films-of", default=None, help="slug of a course whose films' preparation is reported")
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

    if args.films_of:
        threading.Thread(target=watch_films, args=(args.films_of, lambda: stopping), daemon=True).start()

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
