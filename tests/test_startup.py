"""A production refuses to start with a missing, public or weak LMS_SECRET_KEY, whatever the entry point.

Each entry point runs for real in a subprocess, as the README's systemd units start it: ``flask --app lms``,
``celery -A worker worker``, ``celery -A worker beat`` and gunicorn with ``lms.gunicorn_conf``. They run in a
temporary folder (the code found through PYTHONPATH), which also shows that they leave nothing in the folder they
start from: the embedded broker keeps all its files under the instance folder.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from config import DEVELOPMENT_SECRET_KEY, DevelopmentConfig, ProductionConfig
from lms import create_app
from lms.core.startup import EXIT_STATUS
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GOOD_KEY = "k3Jq8vR2-xN5pW7tY0zA4bC6dE9fG1hLmQsUvXyZ"  # 40 characters, random-looking
README_EXAMPLE = "…64 random characters…"
BAD_KEYS = {
    "unset": None,
    "empty": "",
    "development default": DEVELOPMENT_SECRET_KEY,
    "test value": "test-secret-key",
    "README example": README_EXAMPLE,
    "change-me, long": "please-change-me-before-going-to-production-0123",
    "your secret key, long": "your_secret_key_for_the_platform_in_production",
    "short": "Zq8!vR2xN5pW7tY0zA4bC6dE9fG1hL",  # 30 random characters
    "not random": "a" * 20 + "b" * 20,
}
ENTRY_POINTS = {
    "flask command": [str(BIN / "flask"), "--app", "lms", "routes"],
    "celery worker": [str(BIN / "celery"), "-A", "worker", "worker", "--pool=solo", "--loglevel=INFO"],
    "celery beat": [str(BIN / "celery"), "-A", "worker", "beat", "--loglevel=INFO"],
    "gunicorn": [str(BIN / "gunicorn"), "-c", "python:lms.gunicorn_conf", "--workers", "1", "--bind", "127.0.0.1:{port}",
                 "lms:create_app()"],
}


def production_env(tmp_path: Path, secret_key: str | None) -> dict:
    """The environment of a production process (no LMS_* of the test run leaks in), on local files."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("LMS_")}
    env.update(LMS_ENV="production", LMS_INSTANCE_PATH=str(tmp_path / "instance"), LMS_MEDIA_ROOT=str(tmp_path / "media"),
               LMS_DATABASE_URL=f"sqlite:///{tmp_path / 'lms.sqlite'}", PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    if secret_key is not None:
        env["LMS_SECRET_KEY"] = secret_key
    return env


def command(entry_point: str) -> list[str]:
    return [part.format(port=free_port()) for part in ENTRY_POINTS[entry_point]]


def assert_refused(result, capture: str) -> None:
    lines = capture.splitlines()
    assert result != 0, capture
    assert len(lines) == 1 and "LMS_SECRET_KEY" in lines[0], capture


@pytest.mark.parametrize("kind", BAD_KEYS)
def test_the_app_factory_refuses_a_weak_secret_in_production(kind, capsys):
    with pytest.raises(SystemExit) as refused:
        create_app(ProductionConfig, SECRET_KEY=BAD_KEYS[kind])
    assert_refused(refused.value.code, capsys.readouterr().err)
    assert refused.value.code == EXIT_STATUS


def test_a_strong_secret_starts_in_production_and_a_laptop_keeps_its_default(capsys):
    assert create_app(ProductionConfig, SECRET_KEY=GOOD_KEY).config["SECRET_KEY"] == GOOD_KEY
    assert create_app(DevelopmentConfig, SECRET_KEY=DEVELOPMENT_SECRET_KEY).config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY
    assert "LMS_SECRET_KEY" not in capsys.readouterr().err


# Every entry point with an unset key, and each kind of bad key through the cheapest entry point.
REFUSALS = [(entry_point, "unset") for entry_point in ENTRY_POINTS] + [
    ("flask command", kind) for kind in ("development default", "README example", "short")
] + [("gunicorn", "development default")]


@pytest.mark.parametrize(("entry_point", "kind"), REFUSALS)
def test_every_entry_point_refuses_to_start_with_a_weak_secret(entry_point, kind, tmp_path):
    result = subprocess.run(command(entry_point), cwd=tmp_path, env=production_env(tmp_path, BAD_KEYS[kind]),
                            capture_output=True, text=True, timeout=120)
    assert_refused(result.returncode, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr


def test_a_flask_command_runs_with_a_strong_secret(tmp_path):
    result = subprocess.run(command("flask command"), cwd=tmp_path, env=production_env(tmp_path, GOOD_KEY),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "auth.login" in result.stdout


def run_until(cmd: list[str], env: dict, ready, timeout: float = 90.0) -> str:
    """Start a long-running process, wait until ``ready(output)`` holds, then stop it; its output."""
    folder = Path(env["LMS_INSTANCE_PATH"]).parent
    log = folder / "process.log"
    with open(log, "w") as out:
        process = subprocess.Popen(cmd, cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            output = log.read_text()
            if ready(output):
                return output
            assert process.poll() is None, f"exited with {process.returncode}:\n{output}"
            time.sleep(0.2)
        raise AssertionError(f"not started in {timeout} s:\n{log.read_text()}")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_the_celery_worker_starts_with_a_strong_secret(tmp_path):
    output = run_until(command("celery worker"), production_env(tmp_path, GOOD_KEY), lambda out: " ready." in out)
    assert "LMS_SECRET_KEY" not in output
    # kombu's filesystem transport keeps its exchange tables in ./control unless told otherwise
    assert not (tmp_path / "control").exists()
    assert (tmp_path / "instance" / "broker" / "control").is_dir()


def test_the_celery_beat_starts_with_a_strong_secret(tmp_path):
    output = run_until(command("celery beat"), production_env(tmp_path, GOOD_KEY), lambda out: "beat: Starting" in out)
    assert "LMS_SECRET_KEY" not in output


def test_gunicorn_serves_with_a_strong_secret(tmp_path):
    port = free_port()
    cmd = [part.format(port=port) for part in ENTRY_POINTS["gunicorn"]]

    def serves(_output: str) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    output = run_until(cmd, production_env(tmp_path, GOOD_KEY), serves)
    assert "LMS_SECRET_KEY" not in output
