"""Retention of training evidence (STANDARDS: certificates kept at least 3 years, proofs at least 6, then
anonymised or deleted by a job).

A learner's evidence on a course is their progress rows, quiz attempts and completion here, and the
certificate that the certificates domain issued for it. It is all kept ``EVIDENCE_RETENTION_DAYS`` (six years
by default, never less) after their last activity on the course: the last beacon or text read, the last quiz
attempt, the completion. Then this domain deletes its rows, and every expirer (lms/wiring.py EXPIRERS) drops
what its own domain holds (the certificate stays, verifiable, without its holder's identity).

It also exports (GDPR) what the platform recorded of a learner's progress.

The scan runs once a day: the minute scan (lms/wiring.py DUE_JOBS) writes one task trigger per day, whose unique key
makes the second writing of the day a no-op, and the worker runs it. Running it twice changes nothing more.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select, union_all

from lms.auth.models import User
from lms.core import outbox, privacy
from lms.core.clock import isoformat, utcnow
from lms.extensions import db
from lms.learning.models import CourseCompletion, ItemProgress, QuizAttempt

PROCESS_TASK = "worker.tasks.learning.process_expired_evidence"
MIN_RETENTION_DAYS = 2192  # six years: the longest minimum of STANDARDS (proofs of attendance and follow-up)
BATCH = 500                # learner-course pairs per run; more wait for the next day's run


def check_retention(days: int) -> None:
    """At start-up: a retention shorter than the legal minimum is refused, with the setting to change."""
    if days < MIN_RETENTION_DAYS:
        raise ValueError(f"LMS_EVIDENCE_RETENTION_DAYS is {days}: training evidence must be kept at least "
                         f"{MIN_RETENTION_DAYS} days (six years, STANDARDS)")


def schedule_evidence_retention() -> int:
    """The day's run of process_expired_evidence, written once (1 the first time of the day, then 0)."""
    key = f"evidence-retention:{utcnow().date().isoformat()}"
    if outbox.has_task(key):
        return 0
    outbox.enqueue_task(PROCESS_TASK, [], dedupe_key=key)
    return 1


# Every trace a learner leaves on a course, with its time: a progress row's last beacon (or start), an attempt's
# submission (or start), the completion.
_TRACES = union_all(
    select(ItemProgress.user_id, ItemProgress.course_id,
           func.coalesce(ItemProgress.last_beacon_at, ItemProgress.started_at).label("at")),
    select(QuizAttempt.user_id, QuizAttempt.course_id,
           func.coalesce(QuizAttempt.submitted_at, QuizAttempt.started_at).label("at")),
    select(CourseCompletion.user_id, CourseCompletion.course_id, CourseCompletion.completed_at.label("at")),
).subquery("traces")


def expired_pairs(now: datetime, limit: int = BATCH) -> list[tuple[int, int]]:
    """(user_id, course_id) whose last trace is older than the retention period."""
    cutoff = now - timedelta(days=current_app.config["EVIDENCE_RETENTION_DAYS"])
    pair = (_TRACES.c.user_id, _TRACES.c.course_id)
    query = select(*pair).group_by(*pair).having(func.max(_TRACES.c.at) <= cutoff).order_by(*pair).limit(limit)
    return [(user_id, course_id) for user_id, course_id in db.session.execute(query)]


def process_expired_evidence(*, now: datetime | None = None) -> int:
    """Drop the evidence past its retention period; returns how many learner-course pairs it dropped."""
    pairs = expired_pairs(now or utcnow())
    for user_id, course_id in pairs:
        for expire in privacy.expirers():  # the other domains first (the certificate), while the evidence is there
            expire(user_id, course_id)
        for model in (QuizAttempt, ItemProgress, CourseCompletion):
            db.session.execute(delete(model).where(model.user_id == user_id, model.course_id == course_id)
                               .execution_options(synchronize_session=False))
    db.session.flush()
    return len(pairs)


def export_progress(user: User) -> list[dict]:
    """GDPR export: what the platform recorded of the person's learning, item by item."""
    rows = db.session.scalars(select(ItemProgress).where(ItemProgress.user_id == user.id).order_by(ItemProgress.id))
    return [{
        "course_id": row.course_id, "item_id": row.item_id, "item_title": row.item.title,
        "watched_seconds": round(row.watched_ms / 1000, 3), "watched_intervals_s": [
            [start / 1000, end / 1000] for start, end in row.watched],
        "position_s": row.position_ms / 1000, "time_spent_s": round(row.time_spent_ms / 1000, 3),
        "beacons": row.beacons, "started_at": isoformat(row.started_at),
        "last_activity_at": isoformat(row.last_beacon_at), "completed_at": isoformat(row.completed_at),
    } for row in rows]
