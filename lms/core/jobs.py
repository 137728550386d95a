"""The periodic scan: what is due, found in the database (never long broker countdowns).

The scans are listed in lms/wiring.py (``DUE_JOBS``), installed by create_app; the
beat schedule runs ``run_due`` every minute through one task, and ``flask jobs run-due``
runs it once, now, delivering the mail it made before returning.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from flask import Flask, current_app

from lms.core import outbox
from lms.core.db import commit
from lms.core.triggers import dispatch_tasks, run_task_now

log = logging.getLogger(__name__)

DueJob = Callable[[], int]  # a scan: returns how many things it did; adds and flushes, never commits
EXTENSION = "lms.due_jobs"


def install_due_jobs(app: Flask, jobs: Sequence[DueJob]) -> None:
    """The app's scans, in the order they run (create_app passes lms.wiring.DUE_JOBS)."""
    app.extensions[EXTENSION] = tuple(jobs)


def due_jobs() -> tuple[DueJob, ...]:
    return current_app.extensions[EXTENSION]


def run_due(*, deliver_now: bool) -> dict[str, int]:
    """Run every scan, then hand due tasks and mail on. Returns counts for the log."""
    report: dict[str, int] = {}
    for job in due_jobs():
        report[job.__name__] = job()
        commit()
    tasks_due = outbox.due_task_ids()
    commit()
    report["tasks_due"] = len(tasks_due)
    if tasks_due:
        if deliver_now:
            for task_id in tasks_due:
                run_task_now(task_id)
        else:
            dispatch_tasks(tasks_due, expires=float(current_app.config["RUN_DUE_INTERVAL_SECONDS"]))
    report["released_claims"] = outbox.release_stale_claims()
    commit()
    due = outbox.due_message_ids()
    # End the read transaction before sending: no transaction stays open while the broker or
    # the SMTP server answers, and on SQLite each claim then starts with its write lock.
    commit()
    report["mail_due"] = len(due)
    if due and current_app.config["SMTP_HOST"]:
        if deliver_now:
            from lms.core.mail import deliver

            report["mail_sent"] = sum(deliver(message_id) == outbox.SENT for message_id in due)
        else:
            outbox.dispatch(due, expires=float(current_app.config["RUN_DUE_INTERVAL_SECONDS"]))
    return report
