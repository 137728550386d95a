from celery import shared_task

from lms.core.mail import deliver


@shared_task(name="worker.tasks.mail.send_email", acks_late=True, reject_on_worker_lost=True)
def send_email(message_id: int) -> str:
    """Idempotent: the claim in deliver() lets only one run send a given message."""
    return deliver(int(message_id))
