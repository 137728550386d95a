"""HTML routes of quizzes: start an attempt, answer, review, submit, results.

The rules live in lms.learning.services.quizzes; these views load, authorise, call one service,
commit and redirect. The answer and review pages never carry the correct answers: they
leave the server only on the results page of a submitted attempt.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.authoring.models import Course, Item, Quiz
from lms.core.db import commit, rollback
from lms.core.errors import Conflict, Invalid, NotFound
from lms.learning import bp, queries, services
from lms.learning.models import QuizAttempt
from lms.learning.services import quizzes

QUIZ = "/formations/<int:course_id>/elements/<int:item_id>/quiz"
ATTEMPT = QUIZ + "/tentatives/<int:attempt_id>"


@bp.context_processor
def quiz_helpers():
    """The quiz intro (templates/learning/_quiz.html, inside the item page) reads the learner's attempts."""
    return {"quiz_state": lambda quiz: queries.quiz_state(current_user, quiz)}


def _quiz(course_id: int, item_id: int, *, answering: bool = True) -> tuple[Course, Item, Quiz]:
    item = services.learner_item(current_user, item_id, course_id=course_id)
    course = item.module.course
    if item.quiz is None:
        raise NotFound(_("Ce questionnaire n'existe pas."), code="quiz_not_found")
    if answering:
        quizzes.check_open(course)  # a draft is previewed, never answered
    return course, item, item.quiz


def _attempt(course_id: int, item_id: int, attempt_id: int, *, answering: bool = True
             ) -> tuple[Course, Item, Quiz, QuizAttempt]:
    """The caller's own attempt at this quiz (anyone else's, or another quiz's: 404)."""
    course, item, quiz = _quiz(course_id, item_id, answering=answering)
    attempt = queries.attempt_of(current_user, quiz, attempt_id)
    if attempt is None:
        raise NotFound(_("Cette tentative n'existe pas."), code="attempt_not_found")
    return course, item, quiz, attempt


def _to(endpoint: str, item: Item, attempt: QuizAttempt | None = None, **kwargs) -> str:
    ids = {"course_id": item.module.course_id, "item_id": item.id}
    if attempt is not None:
        ids["attempt_id"] = attempt.id
    return url_for(endpoint, **ids, **kwargs)


def _already_sent(item: Item, attempt: QuizAttempt):
    flash(_("Ces réponses ont déjà été envoyées : voici leurs résultats."), "success")
    return redirect(_to("learning.show_results", item, attempt))


def _choice_id(value: str):
    """A choice id as the service expects it; anything else is left for its validation to refuse."""
    try:
        return int(value)
    except ValueError:
        return value


def _questions_page(course, item, quiz, attempt, answers, errors=None, status=200):
    questions = quizzes.questions_for(quiz, attempt)
    return render_template("learning/quiz_answer.html", course=course, item=item, quiz=quiz, attempt=attempt,
                           questions=questions, answers=answers, errors=errors or {}), status


@bp.post(QUIZ + "/commencer")
@login_required
def start_attempt(course_id: int, item_id: int):
    """Start an attempt, or resume the open one; no attempt left: back to the intro, which says so."""
    _course, item, quiz = _quiz(course_id, item_id)
    try:
        attempt = quizzes.start_attempt(current_user, quiz)
    except Conflict as exc:
        rollback()
        flash(exc.message, "error")
        return redirect(_to("learning.show_item", item))
    commit()
    return redirect(_to("learning.show_questions", item, attempt))


@bp.get(ATTEMPT)
@login_required
def show_questions(course_id: int, item_id: int, attempt_id: int):
    course, item, quiz, attempt = _attempt(course_id, item_id, attempt_id)
    if attempt.submitted:
        return redirect(_to("learning.show_results", item, attempt))
    return _questions_page(course, item, quiz, attempt, attempt.answers)


@bp.post(ATTEMPT)
@login_required
def save_answers(course_id: int, item_id: int, attempt_id: int):
    """Every question of the page is sent (an unticked question becomes "no answer"), then the review."""
    course, item, quiz, attempt = _attempt(course_id, item_id, attempt_id)
    if attempt.submitted:
        return _already_sent(item, attempt)
    answers = {str(question["id"]): [_choice_id(value) for value in request.form.getlist(f"q-{question['id']}")]
               for question in quizzes.questions_for(quiz, attempt)}
    try:
        quizzes.save_answers(current_user, attempt, quiz, answers)
    except Invalid as exc:
        errors = {key.removeprefix("answers."): message for key, message in exc.fields.items()}
        return _questions_page(course, item, quiz, attempt, answers, errors, status=422)
    commit()
    return redirect(_to("learning.review_answers", item, attempt))


@bp.get(ATTEMPT + "/relecture")
@login_required
def review_answers(course_id: int, item_id: int, attempt_id: int):
    course, item, quiz, attempt = _attempt(course_id, item_id, attempt_id)
    if attempt.submitted:
        return redirect(_to("learning.show_results", item, attempt))
    return render_template("learning/quiz_review.html", course=course, item=item, quiz=quiz, attempt=attempt,
                           questions=quizzes.questions_for(quiz, attempt), answers=attempt.answers)


@bp.post(ATTEMPT + "/envoi")
@login_required
def submit_answers(course_id: int, item_id: int, attempt_id: int):
    """Grade the attempt once: a second POST (double click, back button) shows the same results."""
    _course, item, quiz, attempt = _attempt(course_id, item_id, attempt_id)
    if attempt.submitted:
        return _already_sent(item, attempt)
    submitted = services.answer(current_user, quiz.id, {"answers": {}}, attempt=attempt)  # answers saved already
    commit()
    return redirect(url_for("learning.show_results", course_id=course_id, item_id=item_id, attempt_id=submitted["id"]))


@bp.get(ATTEMPT + "/resultats")
@login_required
def show_results(course_id: int, item_id: int, attempt_id: int):
    course, item, quiz, attempt = _attempt(course_id, item_id, attempt_id, answering=False)
    if not attempt.submitted:
        return redirect(_to("learning.show_questions", item, attempt))
    _previous, following = queries.course_outline(course).neighbours(item.id)
    return render_template("learning/quiz_results.html", course=course, item=item, quiz=quiz, attempt=attempt,
                           feedback=quizzes.feedback(quiz, attempt), state=queries.quiz_state(current_user, quiz),
                           following=following)
