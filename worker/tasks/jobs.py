from celery import shared_task

from lms.core.jobs import run_due as scan


@shared_task(name="worker.tasks.jobs.run_due")
def run_due() -> dict:
    """The periodic scan; it dispatches one send task per due message."""
    return scan(deliver_now=False)
