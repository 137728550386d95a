"""Authoring pages for courses (/edition) in the permission matrix of tests/test_permissions.py.

The draft course of the matrix is owned by people[TRAINER] (module 1 holds one text item, so it is
publishable). Learners get 403 on every authoring page; anonymous people are sent to sign in (302).
Another trainer reaches the list of their own courses but gets 403 on every page of this course.
Quiz routes use a quiz item (one true/false question) added to that draft."""
from lms.authoring import services
from lms.core.db import commit
from tests.permission_matrix import TRAINER, editors_only, staff_only


def authors(ok=200):
    """The course's owner and coordinators; another trainer 403."""
    return editors_only(ok, anon=302)


ROUTES = [
    ("GET", "/edition", None, staff_only(200, anon=302)),
    ("POST", "/edition", {}, staff_only(422, anon=302)),  # no title
    ("GET", "/edition/parcours/<int:course_id>", None, authors(200)),
    ("POST", "/edition/parcours/<int:course_id>", {}, authors(422)),  # no title
    ("POST", "/edition/parcours/<int:course_id>/modules", {"module-title": "Module 2"}, authors(302)),
    ("POST", "/edition/parcours/<int:course_id>/publier", {}, authors(302)),
    ("POST", "/edition/parcours/<int:course_id>/depublier", {}, authors(409)),  # it is a draft
    ("POST", "/edition/modules/<int:module_id>/titre", {}, authors(422)),  # no title
    ("POST", "/edition/modules/<int:module_id>/deplacer", {"direction": "down"}, authors(422)),  # the only module
    ("GET", "/edition/modules/<int:module_id>/supprimer", None, authors(200)),
    ("POST", "/edition/modules/<int:module_id>/supprimer", {}, authors(302)),
    ("POST", "/edition/modules/<int:module_id>/elements", {}, authors(422)),  # no title
    ("GET", "/edition/elements/<int:item_id>", None, authors(200)),
    ("POST", "/edition/elements/<int:item_id>", {}, authors(302)),  # absent text fields keep their values
    ("POST", "/edition/elements/<int:item_id>/deplacer", {"direction": "up"}, authors(422)),  # already first
    ("GET", "/edition/elements/<int:item_id>/supprimer", None, authors(200)),
    ("POST", "/edition/elements/<int:item_id>/supprimer", {}, authors(302)),
    ("GET", "/edition/elements/<int:item_id>/quiz", None, authors(200)),
    ("POST", "/edition/elements/<int:item_id>/quiz", {"role": "graded", "pass_mark": "70"}, authors(302)),
    ("GET", "/edition/elements/<int:item_id>/quiz/questions", None, authors(200)),
    ("POST", "/edition/elements/<int:item_id>/quiz/questions", {}, authors(422)),  # no prompt, no choices
    ("GET", "/edition/questions/<int:question_id>", None, authors(200)),
    ("POST", "/edition/questions/<int:question_id>", {}, authors(422)),
    ("POST", "/edition/questions/<int:question_id>/deplacer", {"direction": "up"}, authors(422)),  # already first
    ("GET", "/edition/questions/<int:question_id>/supprimer", None, authors(200)),
    ("POST", "/edition/questions/<int:question_id>/supprimer", {}, authors(302)),
]


def quiz_item(ctx):
    trainer = ctx["people"][TRAINER]
    item = services.add_item(trainer, ctx["draft"].modules[0], "quiz", "Idées reçues", quiz={
        "pass_mark": 50, "role": "graded", "questions": [{"kind": "true_false", "prompt": "Vrai ?", "choices": [
            {"text": "Vrai", "correct": True}, {"text": "Faux", "correct": False}]}]})
    commit()
    return item


def _quiz_path(suffix=""):
    return lambda ctx: f"/edition/elements/{quiz_item(ctx).id}/quiz{suffix}"


def _question_path(suffix=""):
    return lambda ctx: f"/edition/questions/{quiz_item(ctx).quiz.questions[0].id}{suffix}"


PATHS = {
    "/edition/elements/<int:item_id>/quiz": _quiz_path(),
    "/edition/elements/<int:item_id>/quiz/questions": _quiz_path("/questions"),
    "/edition/questions/<int:question_id>": _question_path(),
    "/edition/questions/<int:question_id>/deplacer": _question_path("/deplacer"),
    "/edition/questions/<int:question_id>/supprimer": _question_path("/supprimer"),
}
