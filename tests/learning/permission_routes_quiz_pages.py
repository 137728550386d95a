"""The quiz pages in the permission matrix (tests/test_permissions.py).

A graded quiz is added to ctx["published"]; attempts belong to people[OWNER]: another
person (learner, trainer or coordinator) gets 404 on them, as if they did not exist.
Starting an attempt is open to everyone signed in (302 to the answer page).
"""
from lms.authoring.models import QUIZ, Item
from lms.authoring.services import build_quiz, validate_quiz
from lms.core.db import commit
from lms.extensions import db
from lms.learning.services import quizzes
from tests.learningtools import quiz_spec, right_answers
from tests.permission_matrix import ANON, OWNER, everyone, signed_in

PAGES = "/formations/<int:course_id>/elements/<int:item_id>/quiz"
ATTEMPT = PAGES + "/tentatives/<int:attempt_id>"


def owner_only(ok):
    """The owner's attempt: others are told nothing (404); anonymous goes to sign in."""
    return {**everyone(404), ANON: 302, OWNER: ok}


def _quiz_item(ctx) -> Item:
    course = ctx["published"]
    module = course.modules[0]
    item = Item(module=module, key="quiz-pages", kind=QUIZ, title="Quiz", position=len(module.items) + 1)
    item.quiz = build_quiz(validate_quiz(quiz_spec("graded", max_attempts=3)))
    db.session.add(item)
    commit()
    return item


def _base(item) -> str:
    return f"/formations/{item.module.course_id}/elements/{item.id}/quiz"


def _start(ctx) -> str:
    return f"{_base(_quiz_item(ctx))}/commencer"


def _open_attempt(ctx) -> str:
    item = _quiz_item(ctx)
    attempt = quizzes.start_attempt(ctx["people"][OWNER], item.quiz)
    commit()
    return f"{_base(item)}/tentatives/{attempt.id}"


def _submitted_attempt(ctx) -> str:
    item = _quiz_item(ctx)
    attempt = quizzes.submit_attempt(ctx["people"][OWNER], item.quiz, right_answers(item.quiz))
    commit()
    return f"{_base(item)}/tentatives/{attempt.id}"


ROUTES = [
    ("POST", PAGES + "/commencer", {}, signed_in(302)),
    ("GET", ATTEMPT, None, owner_only(200)),
    ("POST", ATTEMPT, {}, owner_only(302)),  # no box ticked: saved as "no answer", then the review
    ("GET", ATTEMPT + "/relecture", None, owner_only(200)),
    ("POST", ATTEMPT + "/envoi", {}, owner_only(302)),
    ("GET", ATTEMPT + "/resultats", None, owner_only(200)),
]

PATHS = {
    PAGES + "/commencer": _start,
    ATTEMPT: _open_attempt,
    ATTEMPT + "/relecture": lambda ctx: f"{_open_attempt(ctx)}/relecture",
    ATTEMPT + "/envoi": lambda ctx: f"{_open_attempt(ctx)}/envoi",
    ATTEMPT + "/resultats": lambda ctx: f"{_submitted_attempt(ctx)}/resultats",
}
