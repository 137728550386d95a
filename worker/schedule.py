"""THE beat schedule: every periodic task, in one place. Run exactly one beat."""
from __future__ import annotations

from flask import Flask


def beat_schedule(app: Flask) -> dict:
    return {
        # Reminders, survey dispatch, follow-ups and mail retries: one scan of what is due.
        "run-due": {
            "task": "worker.tasks.jobs.run_due",
            "schedule": float(app.config["RUN_DUE_INTERVAL_SECONDS"]),
            "options": {"expires": float(app.config["RUN_DUE_INTERVAL_SECONDS"])},
        },
    }
