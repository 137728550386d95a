"""Taking quizzes: attempts with a shuffled order, answers saved as the learner goes, one grading.

Roles (``Quiz.role``): ``graded`` and ``post_test`` complete their item when passed;
``pre_test`` (positioning) completes on submission whatever the score and never
blocks. The correct answers leave the server only in the feedback of a submitted
attempt. Scoring rules: lms.learning.services.scoring.
"""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, selectinload

from lms.auth.models import User
from lms.authoring.models import PRE_TEST, PUBLISHED, Course, Item, Module, Question, Quiz
from lms.core.cache import cached
from lms.core.clock import as_utc, utcnow
from lms.core.db import insert_once
from lms.core.errors import Conflict, Invalid, NotFound
from lms.extensions import db
from lms.learning.models import QuizAttempt
from lms.learning.services import scoring
from lms.learning.services.completion import complete_item
from lms.learning.services.progress import progress_row_of

MAX_QUIZ_TIME = timedelta(hours=2)  # time counted for one attempt, at most (a tab left open overnight)


@dataclass(frozen=True)
class ChoicePaper:
    id: int
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class QuestionPaper:
    id: int
    kind: str
    prompt: str
    explanation: str
    choices: tuple[ChoicePaper, ...]


@dataclass(frozen=True)
class QuizPaper:
    """A quiz as learners take it, answers included (they stay on the server): plain values, built once per
    content key of its course (lms.core.cache) and shared between requests. The rules below take it, or a
    ``Quiz`` row, which they turn into its paper (the attributes they read have the same names)."""
    id: int
    item_id: int
    course_id: int
    title: str
    role: str
    pass_mark: int
    max_attempts: int | None
    questions: tuple[QuestionPaper, ...]


AnyQuiz = Quiz | QuizPaper


def get_quiz(quiz_id: int) -> Quiz:
    """The quiz with its item's module and course, then its questions with their choices: two queries."""
    quiz = db.session.get(Quiz, quiz_id, options=[
        selectinload(Quiz.questions).joinedload(Question.choices),
        joinedload(Quiz.item).joinedload(Item.module).joinedload(Module.course)])
    if quiz is None:
        raise NotFound(_("Ce questionnaire n'existe pas."), code="quiz_not_found")
    return quiz


def _paper(quiz: Quiz) -> QuizPaper:
    return QuizPaper(
        id=quiz.id, item_id=quiz.item_id, course_id=quiz.item.module.course_id, title=quiz.item.title,
        role=quiz.role, pass_mark=quiz.pass_mark, max_attempts=quiz.max_attempts,
        questions=tuple(QuestionPaper(
            id=question.id, kind=question.kind, prompt=question.prompt, explanation=question.explanation or "",
            choices=tuple(ChoicePaper(id=choice.id, text=choice.text, correct=choice.correct,
                                      feedback=choice.feedback or "") for choice in question.choices))
            for question in quiz.questions))


def paper_of(quiz: AnyQuiz) -> QuizPaper:
    if isinstance(quiz, QuizPaper):
        return quiz
    return cached_paper(quiz.id, quiz.item.module.course.content_key, quiz)


_COURSE_OF_QUIZ = (select(Course).join(Module, Module.course_id == Course.id).join(Item, Item.module_id == Module.id)
                   .join(Quiz, Quiz.item_id == Item.id).where(Quiz.id == bindparam("quiz_id")))


def quiz_in_course(quiz_id: int) -> tuple[QuizPaper, Course]:
    """The quiz as learners take it and its course: one query for the course (which holds the content key),
    the quiz from the cache when it was built for this key already."""
    course = db.session.scalar(_COURSE_OF_QUIZ, {"quiz_id": quiz_id})
    if course is None:
        raise NotFound(_("Ce questionnaire n'existe pas."), code="quiz_not_found")
    return cached_paper(quiz_id, course.content_key), course


def cached_paper(quiz_id: int, content_key: str, quiz: Quiz | None = None) -> QuizPaper:
    """The paper of a quiz whose course's content key was just read (on a miss, built from ``quiz`` or from
    the rows)."""
    return cached(("quiz", quiz_id, content_key), lambda: _paper(quiz if quiz is not None else get_quiz(quiz_id)))


def check_open(course: Course) -> None:
    """Quizzes are answered in published courses only (a draft is previewed, never answered)."""
    if course.status != PUBLISHED:
        raise NotFound(_("Ce questionnaire n'existe pas."), code="quiz_not_found")


def _course_of(quiz: QuizPaper) -> Course:
    return db.session.get(Course, quiz.course_id)  # no query when the caller loaded it (quiz_in_course does)


def submitted_count(user: User, quiz: AnyQuiz) -> int:
    return db.session.scalar(select(func.count()).select_from(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id, QuizAttempt.submitted_at.is_not(None))) or 0


def attempts_left(user: User, quiz: AnyQuiz) -> int | None:
    """None: unlimited."""
    if quiz.max_attempts is None:
        return None
    return max(quiz.max_attempts - submitted_count(user, quiz), 0)


def open_attempt(user: User, quiz: AnyQuiz) -> QuizAttempt | None:
    return db.session.scalars(select(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id, QuizAttempt.submitted_at.is_(None))
        .order_by(QuizAttempt.id.desc())).first()


def attempts(user: User, quiz: AnyQuiz) -> list[QuizAttempt]:
    return list(db.session.scalars(select(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id, QuizAttempt.submitted_at.is_not(None))
        .order_by(QuizAttempt.number)))


def shuffled_order(quiz: AnyQuiz, rng: random.Random) -> dict:
    """Questions keep the trainer's order (they build on each other); choices are shuffled,
    except true/false ("Vrai" before "Faux" reads naturally)."""
    choices = {}
    for question in quiz.questions:
        ids = [choice.id for choice in question.choices]
        if question.kind != "true_false":
            rng.shuffle(ids)
        choices[str(question.id)] = ids
    return {"questions": [question.id for question in quiz.questions], "choices": choices}


_LATEST_ATTEMPT = (select(QuizAttempt).where(QuizAttempt.user_id == bindparam("user_id"),
                                             QuizAttempt.quiz_id == bindparam("quiz_id"))
                   .order_by(QuizAttempt.number.desc()).limit(1))


def latest_attempt(user: User, quiz: AnyQuiz) -> QuizAttempt | None:
    """The learner's attempt with the highest number. Attempts are numbered 1, 2, ... and a new one is only
    opened when none is open, so an open attempt is always the latest one."""
    return db.session.scalars(_LATEST_ATTEMPT, {"user_id": user.id, "quiz_id": quiz.id}).first()


def _next_attempt(user: User, quiz: QuizPaper, latest: QuizAttempt | None, now: datetime | None) -> QuizAttempt:
    """A new attempt after ``latest`` (not yet added), or 409 ``no_attempts_left``."""
    # every attempt before a new one was submitted
    return new_attempt(user.id, quiz, latest.number if latest is not None else 0, now)


def new_attempt(user_id: int, quiz: QuizPaper, submitted: int, now: datetime | None) -> QuizAttempt:
    """Attempt number ``submitted + 1`` with its shuffled order (not added to the session), or 409
    ``no_attempts_left``."""
    if quiz.max_attempts is not None and submitted >= quiz.max_attempts:
        raise Conflict(_("Vous avez utilisé toutes vos tentatives pour ce questionnaire."), code="no_attempts_left")
    return QuizAttempt(user_id=user_id, quiz_id=quiz.id, course_id=quiz.course_id, number=submitted + 1,
                       role=quiz.role, order=shuffled_order(quiz, random.Random(secrets.randbits(64))),
                       answers={}, results=[], started_at=now or utcnow())


def _insert_attempt(user: User, quiz: AnyQuiz, attempt: QuizAttempt) -> QuizAttempt:
    """Insert a new attempt; when the same learner opened one at the same moment, theirs (409 when it was
    submitted at once)."""
    return insert_once(attempt, lambda: _opened_meanwhile(user, quiz))


def _opened_meanwhile(user: User, quiz: AnyQuiz) -> QuizAttempt:
    attempt = open_attempt(user, quiz)
    if attempt is None:
        raise Conflict(_("Cette tentative vient d'être envoyée."), code="already_answered")
    return attempt


def start_attempt(user: User, quiz: AnyQuiz, *, now: datetime | None = None) -> QuizAttempt:
    """The open attempt, or a new one when attempts are left (409 ``no_attempts_left`` otherwise)."""
    quiz = paper_of(quiz)
    check_open(_course_of(quiz))
    latest = latest_attempt(user, quiz)
    if latest is not None and latest.submitted_at is None:
        return latest
    return _insert_attempt(user, quiz, _next_attempt(user, quiz, latest, now))  # or the other, started at once


def check_answers(quiz: AnyQuiz, answers) -> dict[str, list[int]]:
    """``{"<question_id>": [choice_id, ...]}``: known questions, their own choices, one choice where one is asked."""
    if not isinstance(answers, dict):
        raise Invalid(fields={"answers": _("Un objet {\"<question_id>\": [<choice_id>, ...]} est attendu.")})
    questions = {str(question.id): question for question in quiz.questions}
    errors, clean = {}, {}
    for key, chosen in answers.items():
        question = questions.get(str(key))
        field = f"answers.{key}"
        if question is None:
            errors[field] = _("Cette question n'appartient pas à ce questionnaire.")
            continue
        if not isinstance(chosen, list) or not all(isinstance(c, int) and not isinstance(c, bool) for c in chosen):
            errors[field] = _("Une liste d'identifiants de choix est attendue.")
            continue
        offered = {choice.id for choice in question.choices}
        if set(chosen) - offered:
            errors[field] = _("Un de ces choix n'appartient pas à cette question.")
            continue
        if question.kind != "multiple" and len(set(chosen)) > 1:
            errors[field] = _("Une seule réponse est attendue pour cette question.")
            continue
        clean[str(question.id)] = sorted(set(chosen))
    if errors:
        raise Invalid(_("Certaines réponses ne sont pas valables."), code="invalid_answers", fields=errors)
    return clean


def save_answers(user: User, attempt: QuizAttempt, quiz: AnyQuiz, answers) -> QuizAttempt:
    """Answers kept on the server before the final submission (the review step)."""
    if attempt.user_id != user.id:
        raise NotFound(_("Cette tentative n'existe pas."), code="attempt_not_found")
    if attempt.submitted:
        raise Conflict(_("Cette tentative a déjà été envoyée."), code="already_answered")
    attempt.answers = {**attempt.answers, **check_answers(quiz, answers)}
    db.session.flush()
    return attempt


def grade(quiz: AnyQuiz, answers: dict[str, list[int]]) -> tuple[int, list[dict]]:
    results, scores = [], []
    for question in quiz.questions:
        correct = [choice.id for choice in question.choices if choice.correct]
        score = scoring.question_score(question.kind, answers.get(str(question.id), []), correct,
                                       [choice.id for choice in question.choices])
        scores.append(score)
        results.append({"question_id": question.id, "score": float(score), "correct": score == 1})
    return scoring.quiz_score(scores), results


def submit_attempt(user: User, quiz: AnyQuiz, answers=None, *, attempt: QuizAttempt | None = None,
                   graded: QuizAttempt | None = None, now: datetime | None = None) -> QuizAttempt:
    """Grade the open attempt (opened now if there is none) with its saved answers and ``answers``.

    With ``attempt`` (a page's form names the attempt it shows), that attempt is graded, or returned
    as it is when it was already submitted: a second POST of the form (double click, back button,
    two tabs) never opens and grades an empty new attempt. ``graded``: the new attempt the steady path
    numbered and graded with these answers before declining (lms.learning.services.answers), used as it is
    when its number is still the next one."""
    now = now or utcnow()
    quiz = paper_of(quiz)
    course = _course_of(quiz)
    # locks the learner's row on this item: one submission at a time
    row = progress_row_of(user, quiz.item_id, quiz.course_id)
    new = None
    if attempt is not None:
        db.session.refresh(attempt)  # a concurrent submission, seen now that the row is locked
        if attempt.submitted_at is not None:
            return attempt
    else:
        check_open(course)
        attempt = latest_attempt(user, quiz)
        if attempt is None or attempt.submitted_at is not None:  # none open: a new one, graded before its INSERT
            if graded is not None and graded.number == (attempt.number if attempt is not None else 0) + 1:
                attempt = new = graded
            else:
                attempt = new = _next_attempt(user, quiz, attempt, now)
    if attempt is graded:
        clean = graded.answers  # checked and graded by the steady path
    else:
        clean = check_answers(quiz, answers) if answers is not None else {}
        grade_attempt(quiz, attempt, clean, now)
    if new is not None:
        attempt = _insert_attempt(user, quiz, new)
        if attempt is not new:  # opened at the same moment (a quiz page): grade that one
            grade_attempt(quiz, attempt, clean, now)
    spent = min(now - as_utc(attempt.started_at), MAX_QUIZ_TIME)
    row.time_spent_ms += max(int(spent.total_seconds() * 1000), 0)
    row.beacons += 1
    row.last_beacon_at = now
    if attempt.passed:
        complete_item(user, row, course, now)
    db.session.flush()
    return attempt


def reply(quiz: AnyQuiz, attempt: QuizAttempt) -> dict:
    """What a submitted answer gets back (API.md): ``{id, number, score, passed, attempts_left, feedback}``.
    Every attempt before this one was submitted (a new one is opened only when none is open), so the
    attempts left follow from its number."""
    return {"id": attempt.id, "number": attempt.number, "score": attempt.score, "passed": attempt.passed,
            "attempts_left": None if quiz.max_attempts is None else max(quiz.max_attempts - attempt.number, 0),
            "feedback": feedback(quiz, attempt)}


def grade_attempt(quiz: AnyQuiz, attempt: QuizAttempt, answers: dict[str, list[int]], now: datetime) -> None:
    """Add ``answers`` (checked) to the attempt's saved ones, score and submit it."""
    attempt.answers = {**attempt.answers, **answers}
    attempt.score, attempt.results = grade(quiz, attempt.answers)
    attempt.passed = quiz.role == PRE_TEST or scoring.passed(attempt.score, quiz.pass_mark)
    attempt.submitted_at = now


def feedback(quiz: AnyQuiz, attempt: QuizAttempt) -> list[dict]:
    """What the learner sees after submitting: per question, right or not, the explanation,
    and each chosen choice's feedback."""
    results = {result["question_id"]: result for result in attempt.results}
    out = []
    for question in quiz.questions:
        chosen = set(attempt.answers.get(str(question.id), []))
        result = results.get(question.id, {"correct": False, "score": 0.0})
        out.append({
            "question_id": question.id, "correct": result["correct"], "score": result["score"],
            "explanation": question.explanation,
            "choices": [{"id": choice.id, "text": choice.text, "chosen": choice.id in chosen,
                         "correct": choice.correct, "feedback": choice.feedback} for choice in question.choices],
        })
    return out


def questions_for(quiz: AnyQuiz, attempt: QuizAttempt | None = None) -> list[dict]:
    """Questions and choices WITHOUT the correct flags, in the attempt's order when there is one."""
    order = attempt.order if attempt is not None else None
    by_id = {question.id: question for question in quiz.questions}
    question_ids = order["questions"] if order else [question.id for question in quiz.questions]
    out = []
    for question_id in question_ids:
        question = by_id.get(question_id)
        if question is None:  # removed since the attempt began
            continue
        choices = {choice.id: choice for choice in question.choices}
        choice_ids = order["choices"].get(str(question_id), list(choices)) if order else list(choices)
        choice_ids = [c for c in choice_ids if c in choices] + [c for c in choices if c not in choice_ids]
        out.append({"id": question.id, "kind": question.kind, "prompt": question.prompt,
                    "choices": [{"id": c, "text": choices[c].text} for c in choice_ids]})
    return out
