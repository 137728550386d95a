"""The common quiz answer in two statements instead of the ORM's nine: a learner who already has a row on
the quiz's item, no attempt open, answering a quiz of a published course through the API, with answers
that do not complete the item for the first time. The same idea as the steady beacon
(lms.learning.services.progress.record_steady_beacon), and the same rules: lms.learning.services.quizzes grades, numbers and
shuffles; this module only reads and writes the rows with plain statements.

1. one SELECT checks the bearer token (auth's rule as a subquery), reads the course's state and content key,
   the learner's row on the item and their latest attempt's number and whether one is open;
2. one statement writes the graded attempt and counts it on the row: on PostgreSQL an INSERT … ON CONFLICT
   DO NOTHING inside the UPDATE of the row (a data-modifying WITH), whose commit does not wait for the disk;
   on SQLite, where a WITH cannot write, the same INSERT then the UPDATE, in the request's transaction.

No lock is held from the SELECT to the write: the attempt's number is unique per learner and quiz, so of
two answers numbered alike (two tabs, or the quiz page opening an attempt at the same moment) the second
INSERT does nothing, its UPDATE with it, and the full path then numbers or grades it as it would have. On
PostgreSQL the two statements therefore commit alone (``lms.core.statements.plain_statements``: no BEGIN or COMMIT
round trip, outside the request's session); the write locks the row only for itself, before its INSERT, in
the full path's order.

Anything else (first answer, an open attempt, no attempt left, bad answers or token, a draft course, the
answer that completes the item...) returns None before writing: the API then takes the full path, which
handles every case with the same rules and errors.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from lms.auth.services import TOKEN_USER_ID, token_parameters
from lms.authoring.models import PUBLISHED, Course, Item, Module, Quiz
from lms.core.clock import utcnow
from lms.core.errors import Conflict, Invalid
from lms.core.statements import plain_statements
from lms.learning.models import ItemProgress, QuizAttempt
from lms.learning.services import quizzes

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


_INSERT = (sqlite.insert(_attempts).values({name: bindparam(name) for name in _ATTEMPT_COLUMNS})
           .on_conflict_do_nothing().returning(_attempts.c.id))
# PostgreSQL: the attempt and its count on the row in one statement; no row when the INSERT did nothing. It
# locks the row first, as the full path does before it inserts (the INSERT reads from that lock): taken in the
# other order, the unique number's index entry then the row, a full path doing the same would deadlock.
_locked_row = select(_rows.c.id).where(_rows.c.id == bindparam("row_id")).with_for_update().cte("locked_row")
_new_attempt = (postgresql.insert(_attempts)
                .from_select(_ATTEMPT_COLUMNS, select(*(bindparam(f"a_{name}", type_=_attempts.c[name].type)
                                                        for name in _ATTEMPT_COLUMNS)).select_from(_locked_row))
                .on_conflict_do_nothing().returning(_attempts.c.id, _attempts.c.user_id).cte("new_attempt"))
_INSERT_AND_COUNT = (_ANSWERED_ASYNC_COMMIT.where(_rows.c.user_id == _new_attempt.c.user_id)
                     .returning(_new_attempt.c.id))


def submit_steady_answers(token: str, quiz_id: int, body, *, now: datetime | None = None) -> dict | None:
    """The API's answer ``{id, number, score, passed, attempts_left, feedback}`` to ``POST
    /quizzes/<id>/attempts`` by the holder of ``token``, or None for the full path (nothing written)."""
    if not isinstance(body, dict) or "answers" not in body:
        return None
    with plain_statements() as statements:
        state = statements.one_or_none(_STATE, {"quiz_id": quiz_id, **token_parameters(token)})
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
        values = {name: getattr(attempt, name) for name in _ATTEMPT_COLUMNS}
        if statements.dialect_name == "postgresql":
            attempt.id = statements.scalar(_INSERT_AND_COUNT, {**{f"a_{name}": value for name, value in values.items()},
                                                             "row_id": state.id, "now": now})
        else:
            attempt.id = statements.scalar(_INSERT, values)
            if attempt.id is not None:
                statements.rowcount(_ANSWERED, {"row_id": state.id, "now": now})
    if attempt.id is None:  # this number was taken at the same moment (another tab, the quiz page)
        return None
    return {"id": attempt.id, "number": attempt.number, "score": attempt.score, "passed": attempt.passed,
            "attempts_left": None if quiz.max_attempts is None else max(quiz.max_attempts - attempt.number, 0),
            "feedback": quizzes.feedback(quiz, attempt)}
