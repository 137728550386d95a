"""Answering a quiz: answer() is the one verb every caller uses (the API, the quiz pages).

The steady path first, for the common API answer: a learner who already has a row on the quiz's item, no
attempt open, answering a quiz of a published course, with answers that do not complete the item for the
first time. The same idea as the steady beacon (lms.learning.services.progress.steady_beacon) and the same
rules (lms.learning.services.quizzes grades, numbers and shuffles); it only reads and writes the rows with
plain statements (lms.core.statements):

1. one SELECT checks the bearer token (auth's rule as a subquery), reads the course's state and content key,
   the learner's row on the item and their latest attempt's number and whether one is open;
2. one statement writes the graded attempt and counts it on the row: on PostgreSQL an INSERT … ON CONFLICT
   DO NOTHING inside the UPDATE of the row (a data-modifying WITH), whose commit does not wait for the disk;
   on SQLite, where a WITH cannot write, the same INSERT then the UPDATE, in the request's transaction.

No lock is held from the SELECT to the write: the attempt's number is unique per learner and quiz, so of
two answers numbered alike (two tabs, or the quiz page opening an attempt at the same moment) the second
INSERT does nothing, its UPDATE with it, and the full path then numbers or grades it as it would have. On
PostgreSQL the two statements commit alone, outside the request's session; the write locks the row only for
itself, before its INSERT, in the full path's order.

Anything else (first answer, an open attempt, no attempt left, bad answers or token, a draft course, the
answer that completes the item...) is declined before writing, and goes once through the full path.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from lms.auth.models import User
from lms.auth.services import TOKEN_USER_ID, token_parameters
from lms.authoring.models import PUBLISHED, Course, Item, Module, Quiz
from lms.authoring.permissions import require_view_course
from lms.core.clock import utcnow
from lms.core.errors import Conflict, Invalid
from lms.core.statements import plain_statements
from lms.extensions import db
from lms.learning.models import ItemProgress, QuizAttempt
from lms.learning.services import quizzes
from lms.learning.services.progress import learner_of

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
# expression of the same UPDATE). A server crash just after could lose this one attempt, which neither
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


def answer(learner: User | str, quiz_id: int, body: dict, *, attempt: QuizAttempt | None = None,
           now: datetime | None = None) -> dict:
    """A learner's answers ``body`` (``{"answers": {"<question_id>": [<choice_id>, ...]}}``) to a quiz, by a user
    or the holder of an API bearer token: the graded attempt's reply (quizzes.reply). ``attempt``: the one a
    quiz page submits, its answers saved as the learner went.

    The steady path first (steady_answer); whatever it declines goes once through the full path, which
    authenticates, loads and authorises the quiz and handles every case with the same rules and errors. The
    answer it graded before declining (the one that completes the item) is not graded again."""
    now = now or utcnow()
    graded = None
    if attempt is None and isinstance(learner, str):
        steady, graded = steady_answer(learner, quiz_id, body, now=now)
        if steady is not None:
            return steady
    user = learner_of(learner)
    if attempt is not None:  # its page loaded the course (no query) and the quiz is cached for its content key
        course = db.session.get(Course, attempt.course_id)
        quiz = quizzes.cached_paper(attempt.quiz_id, course.content_key)
    else:
        quiz, course = quizzes.quiz_in_course(quiz_id)
    require_view_course(user, course)
    if "answers" not in body:
        raise Invalid(fields={"answers": _("Ce champ est obligatoire.")})
    submitted = quizzes.submit_attempt(user, quiz, body["answers"], attempt=attempt, graded=graded, now=now)
    return quizzes.reply(quiz, submitted)


def steady_answer(token: str, quiz_id: int, body, *, now: datetime | None = None
                  ) -> tuple[dict | None, QuizAttempt | None]:
    """The reply to an answer by the holder of ``token`` in two statements, or None having written nothing
    (then, with it, the attempt it graded when that answer completes the item)."""
    if not isinstance(body, dict) or "answers" not in body:
        return None, None
    with plain_statements() as statements:
        state = statements.one_or_none(_STATE, {"quiz_id": quiz_id, **token_parameters(token)})
        if state is None or state.course_status != PUBLISHED or state.has_open:
            return None, None
        quiz = quizzes.cached_paper(quiz_id, state.content_key)
        now = now or utcnow()
        try:
            attempt = quizzes.new_attempt(state.user_id, quiz, state.latest_number or 0, now)
            answers = quizzes.check_answers(quiz, body["answers"])
        except (Conflict, Invalid):
            return None, None
        quizzes.grade_attempt(quiz, attempt, answers, now)
        if state.completed_at is None and attempt.passed:
            return None, attempt  # completes the item: the full path records it and checks the course
        values = {name: getattr(attempt, name) for name in _ATTEMPT_COLUMNS}
        if statements.dialect_name == "postgresql":
            attempt.id = statements.scalar(_INSERT_AND_COUNT, {**{f"a_{name}": value for name, value in values.items()},
                                                             "row_id": state.id, "now": now})
        else:
            attempt.id = statements.scalar(_INSERT, values)
            if attempt.id is not None:
                statements.rowcount(_ANSWERED, {"row_id": state.id, "now": now})
    if attempt.id is None:  # this number was taken at the same moment (another tab, the quiz page)
        return None, None
    return quizzes.reply(quiz, attempt), None
