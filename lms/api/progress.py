"""Progress and quizzes: beacons of the player (video items), texts marked read, quiz attempts."""
from __future__ import annotations

from flask import jsonify

from lms.api import bp
from lms.api.common import authenticated, bearer_token, caller, json_body
from lms.authoring.permissions import require_view_course
from lms.core.db import commit
from lms.learning import services as learning
from lms.learning.services import quizzes


@bp.post("/items/<int:item_id>/progress")
def record_progress(item_id: int):
    """200 ``{watched_ratio, completed}``: video ``{position_s, watched: [[start_s, end_s], ...]}``, text ``{}``.
    The service checks the bearer token itself, in the query that reads the learner's row."""
    state = learning.record_beacon(bearer_token(), item_id, json_body())
    commit()  # SQLite's transaction, or the full path's (the steady statements of PostgreSQL committed alone)
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
    """201 ``{id, number, score, passed, attempts_left, feedback}``; 409 ``no_attempts_left``. The service checks
    the bearer token itself, in the query that reads the learner's state."""
    answer = learning.answer(bearer_token(), quiz_id, json_body())
    commit()
    return jsonify(answer), 201
