"""Course completion: recorded once, when every required item is complete, with the time spent.

The certificate follows through the ``course_completed`` signal, whose receivers
write outbox rows in the same transaction: nothing is issued inside the request.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select

from lms.auth.models import User
from lms.authoring.models import POST_TEST, PRE_TEST, PUBLISHED, Course
from lms.core.clock import as_utc, utcnow
from lms.core.db import insert_once
from lms.extensions import db
from lms.learning.models import CourseCompletion, ItemProgress, QuizAttempt
from lms.learning.signals import course_completed

_COMPLETION = select(CourseCompletion).where(CourseCompletion.user_id == bindparam("user_id"),
                                             CourseCompletion.course_id == bindparam("course_id"))


def completion_of(user: User, course: Course) -> CourseCompletion | None:
    return db.session.scalars(_COMPLETION, {"user_id": user.id, "course_id": course.id}).one_or_none()


def test_scores(user: User, course: Course) -> tuple[int | None, int | None]:
    """The first pre-test score (positioning) and the best post-test score."""
    attempts = db.session.scalars(select(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.course_id == course.id, QuizAttempt.submitted_at.is_not(None))
        .order_by(QuizAttempt.submitted_at, QuizAttempt.id)).all()
    pre = next((a.score for a in attempts if a.role == PRE_TEST), None)
    post = max((a.score for a in attempts if a.role == POST_TEST), default=None)
    return pre, post


def check_course_completion(user: User, course: Course, *, now: datetime | None = None) -> CourseCompletion | None:
    """Record the completion if every required item is complete; once only, even when two requests race."""
    if course.status != PUBLISHED:
        return None
    existing = completion_of(user, course)
    if existing is not None:
        return existing
    required = {item.id for item in course.items() if item.required}
    if not required:
        return None
    rows = db.session.scalars(select(ItemProgress).where(
        ItemProgress.user_id == user.id, ItemProgress.course_id == course.id)).all()
    if not required <= {row.item_id for row in rows if row.completed_at is not None}:
        return None
    pre, post = test_scores(user, course)
    completion = CourseCompletion(
        user_id=user.id, course_id=course.id, started_at=min(as_utc(row.started_at) for row in rows),
        completed_at=now or utcnow(), time_spent_s=sum(row.time_spent_ms for row in rows) // 1000,
        pre_test_score=pre, post_test_score=post)
    recorded = insert_once(completion, lambda: completion_of(user, course))
    if recorded is not completion:  # recorded by a concurrent request
        return recorded
    course_completed.send(course, completion=completion)
    return completion


def complete_item(user: User, row: ItemProgress, course: Course, now: datetime) -> None:
    """The learner's row on an item marked complete (once: a film watched, a text read, a quiz passed), and the
    course's completion recorded when that was its last required item."""
    if row.completed_at is not None:
        return
    row.completed_at = now
    db.session.flush()
    check_course_completion(user, course, now=now)
