"""The common quiz answer in three statements instead of the ORM's nine: a learner who already has a row on
the quiz's item, no attempt open, answering a quiz of a published course through the API, with answers
that do not complete the item for the first time. The same idea as the steady beacon
(lms.learning.progress.record_steady_beacon), and the same rules: lms.learning.quizzes grades, numbers and
shuffles; this module only reads and writes the rows with plain statements.

1. one SELECT checks the bearer token (auth's rule as a subquery), reads the course's state and content key,
   the learner's row on the item (locked, as the full path locks it: one submission at a time) and their
   latest attempt's number and whether one is open;
2. one INSERT of the graded attempt (``ON CONFLICT DO NOTHING``: an attempt opened by the quiz page at the
   same moment takes the number, and the full path then grades that one, as it would have);
3. one UPDATE of the row (one more answer, its time), whose commit does not wait for the disk on PostgreSQL.

Anything else (first answer, an open attempt, no attempt left, bad answers or token, a draft course, the
answer that completes the item...) returns None before writing: the API then takes the full path, which
handles every case with the same rules and errors.
"""
from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import Connection, bindparam, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from lms.auth.services import TOKEN_USER_ID, token_parameters
from lms.authoring.models import PUBLISHED, Course, Item, Module, Quiz
from lms.core.clock import utcnow
from lms.core.errors import Conflict, Invalid
from lms.extensions import db
from lms.learning import quizzes
from lms.learning.models import ItemProgress, QuizAttempt

_attempts = QuizAttempt.__table__
_rows = ItemProgress.__table__
_STATE = (
    select(ItemProgress.id, ItemProgress.user_id, ItemProgress.completed_at, Module.course_id,
           Course.status.label("course_status"), Course.content_key,
           select(func.max(QuizAttempt.number))
           .where(QuizAttempt.user_id == ItemProgress.user_id, QuizAttempt.quiz_id == Quiz.id)
           .scalar_subquery().label("latest_number"),
           exists().where(QuizAttempt.user_id == ItemProgress.user_id, QuizAttempt.quiz_id == Quiz.id,
                          QuizAttempt.submitted_at.is_(None)).label("has_open"))
    .select_from(Quiz).join(Item, Item.id == Quiz.item_id).join(Module, Module.id == Item.module_id)
    .join(Course, Course.id == Module.course_id)
    .join(ItemProgress, (ItemProgress.item_id == Item.id) & (ItemProgress.user_id == TOKEN_USER_ID))
    .where(Quiz.id == bindparam("quiz_id"))
    .with_for_update(of=ItemProgress)
)
_ATTEMPT_COLUMNS = ("user_id", "quiz_id", "course_id", "number", "role", "order", "answers", "score", "passed",
                    "results", "started_at", "submitted_at")
# A new attempt is submitted as it starts: it adds no time spent (the full path counts started → submitted).
_ANSWERED = (update(_rows).where(_rows.c.id == bindparam("row_id"))
             .values(beacons=_rows.c.beacons + 1, last_beacon_at=bindparam("now")))
# PostgreSQL: as for steady beacons, this transaction's commit does not wait for its WAL flush (SET LOCAL as an
# expression of the same UPDATE). A server crash in the next ~0.6 s could lose this one attempt, which neither
# completes anything nor is the first pass (those take the full path and wait for the disk): the learner
# would find one more attempt left, never a half-written one.
_ANSWERED_ASYNC_COMMIT = _ANSWERED.where(func.set_config("synchronous_commit", "off", True).is_not(None))


@cache
def _insert(dialect: str):
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    return (insert(_attempts).values({name: bindparam(name) for name in _ATTEMPT_COLUMNS})
            .on_conflict_do_nothing().returning(_attempts.c.id))


def submit_steady_answers(token: str, quiz_id: int, body, *, now: datetime | None = None) -> dict | None:
    """The API's answer ``{id, number, score, passed, attempts_left, feedback}`` to ``POST
    /quizzes/<id>/attempts`` by the holder of ``token``, or None for the full path (nothing written)."""
    if not isinstance(body, dict) or "answers" not in body:
        return None
    connection: Connection = db.session.connection()
    state = connection.execute(_STATE, {"quiz_id": quiz_id, **token_parameters(token)}).one_or_none()
    if state is None or state.course_status != PUBLISHED or state.has_open:
        return None
    quiz = quizzes.cached_paper(quiz_id, state.content_key)
    now = now or utcnow()
    try:
        attempt = quizzes.new_attempt(state.user_id, quiz, state.latest_number or 0, now)
        answers = quizzes.check_answers(quiz, body["answers"])
    except (Conflict, Invalid):
        return None
    quizzes.grade_attempt(quiz, attempt, answers, now)
    if state.completed_at is None and attempt.passed:
        return None  # completes the item: the full path records it and checks the course
    attempt.id = connection.execute(_insert(connection.dialect.name),
                                    {name: getattr(attempt, name) for name in _ATTEMPT_COLUMNS}).scalar()
    if attempt.id is None:  # the quiz page opened this number at the same moment
        return None
    answered = _ANSWERED_ASYNC_COMMIT if connection.dialect.name == "postgresql" else _ANSWERED
    connection.execute(answered, {"row_id": state.id, "now": now})
    return {"id": attempt.id, "number": attempt.number, "score": attempt.score, "passed": attempt.passed,
            "attempts_left": None if quiz.max_attempts is None else max(quiz.max_attempts - attempt.number, 0),
            "feedback": quizzes.feedback(quiz, attempt)}
