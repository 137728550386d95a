"""Progress and quizzes: beacons of the player (video items), texts marked read, quiz attempts."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _

from lms.api import bp
from lms.api.common import authenticated, bearer_token, caller, json_body
from lms.authoring.permissions import require_view_course
from lms.core.db import commit
from lms.core.errors import Invalid
from lms.learning import services as learning
from lms.learning.services import quizzes


@bp.post("/items/<int:item_id>/progress")
def record_progress(item_id: int):
    """200 ``{watched_ratio, completed}``: video ``{position_s, watched: [[start_s, end_s], ...]}``, text ``{}``.

    The common case (a started film, a bearer token) in two statements that also check the token, each
    committing alone (lms.core.statements.plain_statements); anything else authenticates as every route does, then
    takes the full path in one transaction."""
    token = bearer_token()
    if token is not None and request.mimetype == "application/json":  # the same media type json_body() wants
        state = learning.record_steady_beacon(None, item_id, request.get_json(silent=True), token=token)
        if state is not None:
            commit()  # SQLite's transaction (PostgreSQL's statements have committed alone)
            return jsonify(state)
    return record_any_progress(item_id)


@authenticated
def record_any_progress(item_id: int):
    item = learning.get_item(item_id)
    require_view_course(caller(), item.module.course)
    row = learning.record_item_progress(caller(), item, json_body())
    state = learning.progress_state(row)
    commit()
    return jsonify(state)


def quiz_state(user, quiz) -> dict:
    attempt = quizzes.open_attempt(user, quiz)
    left = quizzes.attempts_left(user, quiz)
    return {"id": quiz.id, "item_id": quiz.item_id, "title": quiz.title, "role": quiz.role,
            "pass_mark": quiz.pass_mark, "max_attempts": quiz.max_attempts, "attempts_left": left,
            "questions": quizzes.questions_for(quiz, attempt)}


@bp.get("/quizzes/<int:quiz_id>")
@authenticated
def get_quiz(quiz_id: int):
    """Questions and choices without ``correct`` (in the order of the learner's open attempt, if any)."""
    quiz, course = quizzes.quiz_in_course(quiz_id)
    require_view_course(caller(), course)
    quizzes.check_open(course)
    return jsonify(quiz_state(caller(), quiz))


@bp.post("/quizzes/<int:quiz_id>/attempts")
def submit_attempt(quiz_id: int):
    """201 ``{score, passed, attempts_left, feedback}``; 409 ``no_attempts_left``.

    The common case (a bearer token, a learner answering again) in two statements that also check the
    token, each committing alone (lms.learning.services.answers); anything else authenticates as every route
    does, then takes the full path in one transaction."""
    token = bearer_token()
    if token is not None and request.mimetype == "application/json":  # the same media type json_body() wants
        answer = learning.submit_steady_answers(token, quiz_id, request.get_json(silent=True))
        if answer is not None:
            commit()  # as above
            return jsonify(answer), 201
    return submit_any_attempt(quiz_id)


@authenticated
def submit_any_attempt(quiz_id: int):
    quiz, course = quizzes.quiz_in_course(quiz_id)
    require_view_course(caller(), course)
    body = json_body()
    if "answers" not in body:
        raise Invalid(fields={"answers": _("Ce champ est obligatoire.")})
    attempt = quizzes.submit_attempt(caller(), quiz, body["answers"])
    answer = {"id": attempt.id, "number": attempt.number, "score": attempt.score, "passed": attempt.passed,
              "attempts_left": quizzes.attempts_left(caller(), quiz),
              "feedback": quizzes.feedback(quiz, attempt)}
    commit()
    return jsonify(answer), 201
