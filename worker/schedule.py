"""THE beat schedule: every periodic task, in one place. Run exactly one beat."""
from __future__ import annotations

from flask import Flask


def beat_schedule(app: Flask) -> dict:
    return {
        # One scan of what is due: the jobs of lms/wiring.py DUE_JOBS, then the task triggers and mail left waiting.
        "run-due": {
            "task": "worker.tasks.jobs.run_due",
            "schedule": float(app.config["RUN_DUE_INTERVAL_SECONDS"]),
            "options": {"expires": float(app.config["RUN_DUE_INTERVAL_SECONDS"])},
        },
    }
