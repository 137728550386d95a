"""The Celery app, built from create_app() (``celery -A worker worker`` / ``celery -A worker beat``)."""
from celery.signals import worker_process_init

from lms import create_app
from lms.extensions import db
from worker.schedule import beat_schedule

flask_app = create_app()
celery = flask_app.extensions["celery"]
celery.conf.beat_schedule = beat_schedule(flask_app)
celery.conf.imports = ("worker.tasks.mail", "worker.tasks.jobs", "worker.tasks.videos", "worker.tasks.certificates",
                       "worker.tasks.learning")
# Import now too, so the tasks are registered whichever way the app is loaded.
from worker.tasks import certificates, jobs, learning, mail, videos  # noqa: E402,F401


@worker_process_init.connect
def _fresh_database_connections(**_kwargs) -> None:
    """A forked pool process never reuses a connection opened by its parent."""
    with flask_app.app_context():
        db.engine.dispose(close=False)


app = celery
