"""Wiring is explicit (ARCHITECTURE rule 2): every list of hooks is declared in lms/wiring.py, complete,
and importing a module registers nothing."""
from __future__ import annotations

import pkgutil
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import lms
from lms import wiring
from lms.core.jobs import run_due
from lms.learning.signals import course_completed
from tests.conftest import api_headers

ROOT = Path(__file__).resolve().parent.parent
# Celery tasks that the outbox never triggers by name: the beat's scan itself, and mail (outbox messages
# have their own dispatch, lms.core.outbox.dispatch, and their in-process equivalent lms.core.mail.deliver).
NOT_TRIGGERED = {"worker.tasks.jobs.run_due", "worker.tasks.mail.send_email"}


def lms_modules() -> list[str]:
    skip = {"lms.devserver", "lms.gunicorn_conf"}  # launchers, not part of the app
    return sorted(m.name for m in pkgutil.walk_packages(lms.__path__, "lms.") if m.name not in skip)


def test_every_celery_task_has_its_in_process_handler_and_every_trigger_its_task():
    from worker import beat_schedule, celery, flask_app

    celery_tasks = {name for name in celery.tasks if name.startswith("worker.tasks.")}
    assert set(wiring.TASK_HANDLERS) == celery_tasks - NOT_TRIGGERED
    triggered = {value for name in lms_modules() for attr, value in vars(import_module(name)).items()
                 if attr.endswith("_TASK") and isinstance(value, str)}  # the names enqueue_task is called with
    assert triggered == set(wiring.TASK_HANDLERS)
    assert {entry["task"] for entry in beat_schedule(flask_app).values()} <= celery_tasks


def test_the_periodic_scan_runs_every_listed_job_in_order(app):
    assert len(set(wiring.DUE_JOBS)) == len(wiring.DUE_JOBS)
    report = run_due(deliver_now=True)
    assert list(report)[:len(wiring.DUE_JOBS)] == [job.__name__ for job in wiring.DUE_JOBS]


def test_the_export_holds_every_listed_section(app, client, make):
    learner = make.learner()
    export = client.get("/api/v1/me/export", headers=api_headers(app, learner)).json
    assert set(export) == {"exported_at", *wiring.EXPORT_SECTIONS}
    assert export["profile"]["email"] == learner.email and export["api_tokens"] != []


def test_importing_the_modules_registers_nothing():
    """In a fresh interpreter, without create_app: no signal has a receiver and no module-level list, dict or
    set holds a function of another module (as ``@due_job`` or ``privacy.exporter(...)`` filled them)."""
    script = f"""
import types
from importlib import import_module
modules = {lms_modules()!r}
for name in modules:
    import_module(name)
from lms.learning.signals import signals
filled = [f"{{name}} receivers" for name, signal in signals.items() if signal.receivers]
for name in modules:
    if name == "lms.wiring":
        continue  # the declarations themselves
    for attr, value in vars(import_module(name)).items():
        items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, set)) else ()
        if any(isinstance(item, types.FunctionType) and item.__module__ != name for item in items):
            filled.append(f"{{name}}.{{attr}}")
print(filled)
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"


def test_each_app_connects_the_listed_receivers_once(app):
    from config import TestConfig
    from lms import create_app

    create_app(TestConfig)  # a second app (as the worker makes its own): still one connection each
    assert list(course_completed.receivers_for(None)) == list(wiring.ON_COURSE_COMPLETED)
