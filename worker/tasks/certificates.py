"""Thin tasks: ids in, one service call, commit."""
from celery import shared_task

from lms.certificates import services
from lms.core.db import commit


@shared_task(name=services.ISSUE_TASK, acks_late=True, reject_on_worker_lost=True)
def issue_certificate(completion_id: int) -> str | None:
    """Idempotent: a completion that already has its certificate gets the same one back (one per
    completion, decided by a unique column), and the email has a unique key."""
    certificate = services.issue_certificate(int(completion_id))
    commit()
    return certificate.display_code if certificate is not None else None
