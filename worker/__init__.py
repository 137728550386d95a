"""The Celery app, built from create_app() (``celery -A worker worker`` / ``celery -A worker beat``)."""
from lms import create_app
from worker.schedule import beat_schedule

flask_app = create_app()
celery = flask_app.extensions["celery"]
celery.conf.beat_schedule = beat_schedule(flask_app)
celery.conf.imports = ("worker.tasks.mail", "worker.tasks.jobs")
# Import now too, so the tasks are registered whichever way the app is loaded.
from worker.tasks import jobs, mail  # noqa: E402,F401

app = celery
