"""`make schemathesis`: fuzz the running API described by /api/v1/openapi.json.

1. a fresh SQLite database in a temporary folder, built by the migrations;
2. a coordinator and a learner;
3. the app under gunicorn with the production settings (lms/gunicorn_conf.py) on 127.0.0.1 and a free
   port (rate limits off, mail left in the outbox);
4. bearer tokens from POST /api/v1/auth/token;
5. the schemathesis CLI, once per role, with the token as ``Authorization: Bearer``.

``DELETE /api/v1/me`` erases the caller (and revokes its tokens), and the sign-outs and the password
change end its token, so they are fuzzed last, in a run of their own, after everything else has been
tested with that token.

Exits non-zero when schemathesis reports a failed check (above all: a 5xx), when
the server cannot start, or when a run exceeds its time bound (a timeout on the CLI
process: its own --max-time is a budget that fuzzing keeps filling, not a cap). Options through
the environment: ST_MAX_EXAMPLES (default 30), ST_TIMEOUT (seconds per run,
default 300), ST_CHECKS (default below), ST_SEED, ST_KEEP=1 to keep the folder.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "fuzzing-password-123"
USERS = (("coordinator", "st-coordinator@example.org"), ("learner", "st-learner@example.org"))
# Every check that holds for this API. Left out: positive_data_acceptance, because some
# rules are not expressible in the description: an address must pass email-validator (no
# special-use domains such as .test), and a CSV body must start with its header line.
DEFAULT_CHECKS = ",".join((
    "not_a_server_error", "status_code_conformance", "response_schema_conformance",
    "content_type_conformance", "negative_data_rejection", "ignored_auth", "use_after_free",
))
REVOKING = ("DELETE /api/v1/me", "POST /api/v1/auth/logout", "POST /api/v1/me/sign-out-everywhere",
            "POST /api/v1/me/password")


def log(message: str) -> None:
    print(f"[schemathesis] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_environment(tmp: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("LMS_")}
    env.update({
        "LMS_ENV": "development",
        "LMS_INSTANCE_PATH": str(tmp / "instance"),
        "LMS_DATABASE_URL": f"sqlite:///{tmp / 'lms.sqlite'}",
        "LMS_MEDIA_ROOT": str(tmp / "media"),
        "LMS_RATELIMIT_ENABLED": "false",
        "LMS_OUTBOX_DISPATCH": "none",
        "LMS_SECRET_KEY": "schemathesis-secret-key",
        "LMS_BEAT_SCHEDULE_FILE": str(tmp / "celerybeat-schedule"),
        "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "PYTHONUNBUFFERED": "1",
    })
    (tmp / "media").mkdir()
    return env


SETUP = """
from flask_migrate import upgrade
from lms import create_app
from lms.auth import services
from lms.core.db import commit

app = create_app()
with app.app_context():
    upgrade()
    for role, email in {users!r}:
        services.create_user(None, email=email, full_name="Schemathesis " + role, role=role, password={password!r})
    commit()
"""


def build_database(env: dict[str, str]) -> None:
    """Migrations and accounts in a child process: config.py reads LMS_* when first imported."""
    code = SETUP.format(users=USERS, password=PASSWORD)
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, timeout=120,
                   stdout=subprocess.DEVNULL)


def http(method: str, url: str, body: dict | None = None) -> tuple[int, dict | None]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


def wait_until_up(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            if http("GET", f"{base}/api/v1/openapi.json")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the app did not answer on {base} within {timeout:.0f} s")


def token_for(base: str, email: str) -> str:
    status, body = http("POST", f"{base}/api/v1/auth/token", {"email": email, "password": PASSWORD})
    if status != 200 or not body:
        raise RuntimeError(f"POST /api/v1/auth/token for {email} answered {status}")
    return body["token"]


def schemathesis(base: str, token: str, name: str, tmp: Path, *, erase: bool) -> tuple[int, str]:
    checks = os.environ.get("ST_CHECKS", DEFAULT_CHECKS)
    command = [
        str(BIN / "schemathesis"), "run", f"{base}/api/v1/openapi.json",
        "--checks", checks,
        "--header", f"Authorization: Bearer {token}",
        "--max-examples", os.environ.get("ST_MAX_EXAMPLES", "30"),
        "--workers", "1",
        "--request-timeout", "20",
        "--generation-database", "none",
        "--suppress-health-check", "too_slow,filter_too_much",
        "--report", "junit",
        "--report-junit-path", str(tmp / f"junit-{name}.xml"),
        "--no-color",
    ]
    if seed := os.environ.get("ST_SEED"):
        command += ["--seed", seed]
    for label in REVOKING:  # the operations' labels
        command += ["--include-name" if erase else "--exclude-name", label]
    timeout = int(os.environ.get("ST_TIMEOUT", "300"))
    started = time.monotonic()
    log(f"run '{name}': {' '.join(c if not c.startswith('Authorization') else 'Authorization: Bearer ***' for c in command[2:])}")
    try:
        result = subprocess.run(command, cwd=tmp, timeout=timeout, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    except subprocess.TimeoutExpired as exc:
        output = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        print(output.replace(token, "***"))
        log(f"run '{name}' exceeded its time bound of {timeout} s")
        return 124, output
    output = result.stdout.replace(token, "***")
    print(output, flush=True)
    log(f"run '{name}' finished with exit code {result.returncode} in {time.monotonic() - started:.1f} s")
    return result.returncode, output


ACCESS_LINE = re.compile(r"^\d{3} [A-Z]+ /")
APP_ERROR = re.compile(r"^\d{4}-\d\d-\d\d [\d:,]+ ERROR (.*)")


def server_errors(lines: list[str]) -> dict[str, int]:
    """What the app logged for its 5xx: the message and the exception it ended with, counted."""
    found: dict[str, int] = {}
    current: list[str] | None = None
    for line in lines + [""]:
        if current is not None and (not line or ACCESS_LINE.match(line) or APP_ERROR.match(line) or line.startswith("[")):
            last = next((text for text in reversed(current[1:]) if text and not text.startswith(" ")), "")
            key = f"{current[0]}\n    -> {last}"
            found[key] = found.get(key, 0) + 1
            current = None
        if match := APP_ERROR.match(line):
            current = [match.group(1)]
        elif current is not None:
            current.append(line)
    return found


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="lms-schemathesis-"))
    server = None
    failures: list[str] = []
    try:
        env = prepare_environment(tmp)
        log(f"fresh database in {tmp}")
        build_database(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log_file = tmp / "gunicorn.log"
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "python:lms.gunicorn_conf",  # the production settings
             "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "60",
             "--access-logfile", "-", "--access-logformat", '%(s)s %(m)s %(U)s %(L)ss',
             "lms:create_app()"],
            env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log_file.open("w"), stderr=subprocess.STDOUT,
        )
        wait_until_up(base, server)
        log(f"app under gunicorn on {base}")
        tokens = {role: token_for(base, email) for role, email in USERS}
        for role in tokens:
            for erase in (False, True):
                name = f"{role}{'-erase' if erase else ''}"
                code, _output = schemathesis(base, tokens[role], name, tmp, erase=erase)
                if code != 0:
                    failures.append(f"{name} (exit {code})")
        lines = log_file.read_text(errors="replace").splitlines()
        statuses = [line.split()[0] for line in lines if ACCESS_LINE.match(line)]
        counts = {status: statuses.count(status) for status in sorted(set(statuses))}
        log(f"{len(statuses)} requests served, by status: {counts}")
        five_xx = sum(n for status, n in counts.items() if status.startswith("5"))
        if five_xx:
            failures.append(f"{five_xx} responses >= 500")
            log("errors logged by the app (full tracebacks with ST_KEEP=1, in gunicorn.log):")
            for error, count in server_errors(lines).items():
                print(f"  {count} x {error}", flush=True)
    except Exception as exc:  # setup problems: report and fail
        failures.append(f"{type(exc).__name__}: {exc}")
        server_log = tmp / "gunicorn.log"
        if server_log.exists():
            print("\n".join(server_log.read_text(errors="replace").splitlines()[-40:]), file=sys.stderr)
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        if os.environ.get("ST_KEEP") == "1":
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        log("FAILED: " + "; ".join(failures))
        return 1
    log("OK: no failed check, no response >= 500")
    return 0


if __name__ == "__main__":
    sys.exit(main())
