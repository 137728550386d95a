"""Task triggers after the commit: hand them to Celery, or run them in this process.

A unit of work of its own, like core.mail: it commits what it records.
"""
from __future__ import annotations

import logging

from flask import current_app

from lms.core.db import commit, rollback
from lms.core.outbox import FAILED, PENDING, OutboxTask, mark_tasks_sent, publish_tasks, task_handler
from lms.extensions import db

log = logging.getLogger(__name__)


def dispatch_tasks(task_ids: list[int], *, expires: float | None = None) -> None:
    """After a commit: start the triggered tasks (a Celery task each, or in-process with "inline")."""
    mode = current_app.config["OUTBOX_DISPATCH"]
    if mode == "inline":
        for task_id in task_ids:
            run_task_now(task_id)
    elif mode == "celery":
        sent = publish_tasks(task_ids, expires=expires)
        mark_tasks_sent(sent)
        commit()


def run_task_now(task_id: int) -> None:
    """Run a trigger's handler (lms/wiring.py TASK_HANDLERS) in this process, then commit (tests, ``flask jobs run-due``).

    A handler that raises is logged and its trigger left pending: the commit that wrote
    the trigger has already succeeded and must not be reported as failed."""
    row = db.session.get(OutboxTask, task_id)
    if row is None or row.status != PENDING:
        return
    name, args = row.task, list(row.args)
    try:
        task_handler(name)(*args)
        mark_tasks_sent([task_id])
        commit()
    except Exception as exc:
        rollback()
        log.exception("Task %s%r failed in process", name, args)
        row = db.session.get(OutboxTask, task_id)
        if row is not None:
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            row.attempts += 1
            if row.attempts >= 3:  # a trigger that keeps failing stops being retried
                row.status = FAILED
            commit()
