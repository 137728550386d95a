"""Permission matrix entries of progress and quizzes (see tests/test_permissions.py)."""
from lms.authoring.models import QUIZ, Item
from lms.authoring.services import build_quiz, validate_quiz
from lms.core.db import commit
from lms.extensions import db
from tests.learningtools import quiz_spec
from tests.permission_matrix import signed_in


def published_video_item(ctx) -> int:
    return ctx["published"].modules[0].items[0].id


def published_quiz(ctx) -> int:
    module = ctx["published"].modules[0]
    item = Item(module=module, key="quiz", kind=QUIZ, title="Quiz", position=len(module.items) + 1)
    item.quiz = build_quiz(validate_quiz(quiz_spec("graded")))
    db.session.add(item)
    commit()
    return item.quiz.id


ROUTES = [
    ("POST", "/api/v1/items/<int:item_id>/progress", {"position_s": 1, "watched": [[0, 1]]}, signed_in(200, anon=401)),
    ("GET", "/api/v1/quizzes/<int:quiz_id>", None, signed_in(200, anon=401)),
    ("POST", "/api/v1/quizzes/<int:quiz_id>/attempts", {"answers": {}}, signed_in(201, anon=401)),
]

PATHS = {
    "/api/v1/items/<int:item_id>/progress": lambda ctx: f"/api/v1/items/{published_video_item(ctx)}/progress",
    "/api/v1/quizzes/<int:quiz_id>": lambda ctx: f"/api/v1/quizzes/{published_quiz(ctx)}",
    "/api/v1/quizzes/<int:quiz_id>/attempts": lambda ctx: f"/api/v1/quizzes/{published_quiz(ctx)}/attempts",
}
