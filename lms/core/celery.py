"""The Celery app, configured from the Flask app (Flask's "Background Tasks with Celery" pattern).

The web process uses it only to send tasks by name; ``worker/`` imports the
tasks and the beat schedule.
"""
from __future__ import annotations

from pathlib import Path

from celery import Celery, Task
from flask import Flask

from lms.extensions import db


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                try:
                    return self.run(*args, **kwargs)
                finally:
                    db.session.remove()

    config = app.config
    celery = Celery(app.import_name, task_cls=FlaskTask)
    broker_url = config["CELERY_BROKER_URL"]
    # Redis: bounded socket waits, so that a broker that is down, unreachable or hung
    # costs the web request that publishes a task a few seconds at most (the outbox row
    # waits for the periodic scan), instead of the system's connect timeout or forever.
    transport_options: dict = {"visibility_timeout": 3600, "socket_connect_timeout": 2, "socket_timeout": 2}
    if broker_url.startswith("filesystem://"):
        # Embedded broker for a laptop: messages (and the exchange tables kombu keeps in its
        # control folder, by default ./control wherever the process starts) are files under instance/broker.
        folder = Path(config["INSTANCE_PATH"]) / "broker"
        for part in ("queue", "processed", "control"):
            (folder / part).mkdir(parents=True, exist_ok=True)
        transport_options = {
            "control_folder": str(folder / "control"),
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
        }
    celery.conf.update(
        broker_url=broker_url,
        broker_transport_options=transport_options,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=3,
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,
        timezone=config["TIMEZONE"],
        enable_utc=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        # One immediate retry (a pooled connection dropped by a Redis restart), then give up.
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2},
        beat_schedule_filename=config["BEAT_SCHEDULE_FILE"],
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
