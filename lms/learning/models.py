"""What a learner did: per-item progress (watched intervals, position), quiz attempts, course completions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.authoring.models import Item
from lms.core.clock import utcnow
from lms.extensions import db


class ItemProgress(db.Model):
    """One learner on one item. Video coverage is a union of intervals in milliseconds
    (lms.learning.services.intervals); ``watched_ms`` is its total, kept for queries and reports."""

    __tablename__ = "item_progress"
    __table_args__ = (UniqueConstraint("user_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    watched: Mapped[list] = mapped_column(JSON, default=list)             # [[start_ms, end_ms], ...]
    watched_ms: Mapped[int] = mapped_column(Integer, default=0)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)          # of the video when last seen
    position_ms: Mapped[int] = mapped_column(Integer, default=0)          # where to resume
    time_spent_ms: Mapped[int] = mapped_column(Integer, default=0)        # played time, within the wall clock
    beacons: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_beacon_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    item: Mapped[Item] = relationship()

    @property
    def completed(self) -> bool:
        return self.completed_at is not None

    @property
    def watched_ratio(self) -> float:
        return coverage_ratio(self.watched_ms, self.duration_ms, self.completed)


def coverage_ratio(watched_ms: int, duration_ms: int, completed: bool) -> float:
    """The share of a film watched, rounded for display; 1 or 0 for an item that has no duration."""
    if not duration_ms:
        return 1.0 if completed else 0.0
    return round(min(watched_ms / duration_ms, 1.0), 4)


class QuizAttempt(db.Model):
    """One attempt at a quiz. Opened when the learner starts (its shuffled order and the time
    spent are kept), answers saved as they go, then submitted once and graded."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (UniqueConstraint("user_id", "quiz_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)                          # 1, 2, ... per learner and quiz
    role: Mapped[str] = mapped_column(String(20))                         # graded / pre_test / post_test, frozen
    order: Mapped[dict] = mapped_column(JSON, default=dict)               # {"questions": [...], "choices": {qid: [...]}}
    answers: Mapped[dict] = mapped_column(JSON, default=dict)             # {"<question_id>": [choice_id, ...]}
    score: Mapped[int | None] = mapped_column(Integer)                    # 0-100 once submitted
    passed: Mapped[bool | None] = mapped_column(Boolean)
    results: Mapped[list] = mapped_column(JSON, default=list)             # [{question_id, score, correct}]
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class CourseCompletion(db.Model):
    """A course completed by a learner: recorded once, with the time actually spent."""

    __tablename__ = "course_completions"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    time_spent_s: Mapped[int] = mapped_column(Integer, default=0)          # watched time + quiz time
    pre_test_score: Mapped[int | None] = mapped_column(Integer)
    post_test_score: Mapped[int | None] = mapped_column(Integer)
