"""Thin tasks: ids in, one service call, commit."""
from celery import shared_task

from lms.core.db import commit
from lms.learning import retention


@shared_task(name=retention.PROCESS_TASK, acks_late=True, reject_on_worker_lost=True)
def process_expired_evidence() -> int:
    """Idempotent: evidence already dropped is no longer found, so a retried or repeated run does nothing more."""
    dropped = retention.process_expired_evidence()
    commit()
    return dropped
