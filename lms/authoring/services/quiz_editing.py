"""A quiz edited piece by piece (the HTML editor): its settings, then one question at a time.

Checks are those of lms.authoring.quizzes, with the same field paths as the API ("quiz.pass_mark",
"question.choices[1].text"). Choices keep their rows (and ids) when a question is saved again."""
from __future__ import annotations

from flask_babel import gettext as _

from lms.auth.models import User
from lms.authoring.models import Choice, Question, Quiz
from lms.authoring.permissions import require_edit_course
from lms.authoring.quizzes import MAX_QUESTIONS, settings_errors, validate_question
from lms.authoring.services.common import _dense, _move
from lms.authoring.services.publication import keeping_publishable
from lms.core.errors import Invalid
from lms.extensions import db


def _course(quiz: Quiz):
    return quiz.item.module.course


def update_quiz_settings(actor: User, quiz: Quiz, *, pass_mark, max_attempts, role) -> None:
    require_edit_course(actor, _course(quiz))
    errors = settings_errors({"pass_mark": pass_mark, "max_attempts": max_attempts, "role": role})
    if errors:
        raise Invalid(fields=errors)
    with keeping_publishable(_course(quiz)):
        quiz.pass_mark, quiz.max_attempts, quiz.role = pass_mark, max_attempts, role
        db.session.flush()


def _set_choices(question: Question, choices: list[dict], ids: list) -> None:
    """Rows for the choices, in order: a known id keeps its row, a choice without id gets a new one,
    rows left out are removed."""
    mine = {choice.id: choice for choice in question.choices}
    errors = {f"question.choices[{n}].id": _("Cette réponse n'appartient pas à la question.")
              for n, choice_id in enumerate(ids) if choice_id is not None and choice_id not in mine}
    if errors:
        raise Invalid(fields=errors)
    rows = []
    for choice, choice_id in zip(choices, ids, strict=True):
        row = mine.get(choice_id) or Choice()
        row.text, row.correct, row.feedback = choice["text"], choice["correct"], choice["feedback"]
        rows.append(row)
    question.choices = rows  # delete-orphan removes the others
    _dense(question.choices)


def _choice_ids(data: dict) -> list:
    return [c.get("id") if isinstance(c, dict) else None for c in data.get("choices") or []]


def add_question(actor: User, quiz: Quiz, data) -> Question:
    """``data``: {kind, prompt, explanation?, choices:[{text, correct, feedback?}]} → the question, at the end."""
    require_edit_course(actor, _course(quiz))
    spec = validate_question(data)
    if len(quiz.questions) >= MAX_QUESTIONS:
        raise Invalid(fields={"quiz.questions": _("%(n)d questions au plus.", n=MAX_QUESTIONS)})
    question = Question(kind=spec["kind"], prompt=spec["prompt"], explanation=spec["explanation"],
                        position=len(quiz.questions) + 1)
    _set_choices(question, spec["choices"], [None] * len(spec["choices"]))
    with keeping_publishable(_course(quiz)):
        quiz.questions.append(question)
        db.session.flush()
    return question


def update_question(actor: User, question: Question, data) -> None:
    """As ``add_question``; each choice may carry the ``id`` of the row it was read from."""
    require_edit_course(actor, _course(question.quiz))
    spec = validate_question(data)
    with keeping_publishable(_course(question.quiz)):
        question.kind, question.prompt, question.explanation = spec["kind"], spec["prompt"], spec["explanation"]
        _set_choices(question, spec["choices"], _choice_ids(data))
        db.session.flush()


def move_question(actor: User, question: Question, position: int) -> None:
    require_edit_course(actor, _course(question.quiz))
    with keeping_publishable(_course(question.quiz)):
        _move(question.quiz.questions, question, position)
        db.session.flush()


def remove_question(actor: User, question: Question) -> None:
    quiz = question.quiz
    require_edit_course(actor, _course(quiz))
    with keeping_publishable(_course(quiz)):
        quiz.questions.remove(question)
        _dense(quiz.questions)
        db.session.flush()
