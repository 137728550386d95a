"""Quizzes: definitions as received (API body, files) checked whole, and a quiz edited piece by piece.

``quiz_errors(data)`` returns ``{"quiz.questions[1].choices": "why", ...}`` (empty when valid);
``validate_quiz(data)`` returns the normalised definition or raises Invalid with those fields.
``question_errors`` / ``validate_question`` and ``settings_errors`` do the same for one question and for the
settings alone. The HTML editor changes a quiz with ``update_quiz_settings`` then one question at a time
(``add_question``, ``update_question``, ``move_question``, ``remove_question``), with the same rules, messages
and field paths as the API ("quiz.pass_mark", "question.choices[1].text"); choices keep their rows (and ids)
when a question is saved again.
"""
from __future__ import annotations

from flask_babel import gettext as _

from lms.auth.models import User
from lms.authoring.models import MULTIPLE, QUESTION_KINDS, QUIZ_ROLES, SINGLE, TRUE_FALSE, Choice, Question, Quiz
from lms.authoring.permissions import require_edit_course
from lms.authoring.services.common import _dense, _move
from lms.authoring.services.publication import keeping_publishable
from lms.core.errors import Invalid
from lms.extensions import db

MAX_QUESTIONS = 200
MAX_CHOICES = 20
MAX_TEXT = 5000


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(errors: dict, data: dict, name: str, path: str, *, required: bool) -> None:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[f"{path}.{name}"] = _("Ce champ est obligatoire.")
    elif not isinstance(value, str):
        errors[f"{path}.{name}"] = _("Une chaîne de caractères est attendue.")
    elif len(value) > MAX_TEXT:
        errors[f"{path}.{name}"] = _("%(n)d caractères au plus.", n=MAX_TEXT)


def _question_errors(errors: dict, question, path: str) -> None:
    if not isinstance(question, dict):
        errors[path] = _("Un objet est attendu.")
        return
    kind = question.get("kind")
    if kind not in QUESTION_KINDS:
        errors[f"{path}.kind"] = _("Valeurs permises : %(values)s.", values=", ".join(QUESTION_KINDS))
    _text(errors, question, "prompt", path, required=True)
    _text(errors, question, "explanation", path, required=False)
    choices = question.get("choices")
    if not isinstance(choices, list):
        errors[f"{path}.choices"] = _("Une liste de réponses est attendue.")
        return
    all_valid = True
    for c, choice in enumerate(choices):
        cpath = f"{path}.choices[{c}]"
        if not isinstance(choice, dict):
            errors[cpath] = _("Un objet est attendu.")
            all_valid = False
            continue
        before = len(errors)
        _text(errors, choice, "text", cpath, required=True)
        _text(errors, choice, "feedback", cpath, required=False)
        if not isinstance(choice.get("correct"), bool):
            errors[f"{cpath}.correct"] = _("Un booléen est attendu (true ou false).")
        all_valid = all_valid and len(errors) == before
    if not all_valid:
        return
    correct = sum(1 for choice in choices if choice["correct"])
    if kind == TRUE_FALSE and len(choices) != 2:
        errors[f"{path}.choices"] = _("Une question vrai/faux a exactement deux réponses.")
    elif len(choices) < 2:
        errors[f"{path}.choices"] = _("Au moins deux réponses sont attendues.")
    elif len(choices) > MAX_CHOICES:
        errors[f"{path}.choices"] = _("%(n)d réponses au plus.", n=MAX_CHOICES)
    elif kind in (SINGLE, TRUE_FALSE) and correct != 1:
        errors[f"{path}.choices"] = _("Exactement une réponse doit être correcte.")
    elif kind == MULTIPLE and correct < 1:
        errors[f"{path}.choices"] = _("Au moins une réponse doit être correcte.")


def question_errors(data, path: str = "question") -> dict[str, str]:
    errors: dict[str, str] = {}
    _question_errors(errors, data, path)
    return errors


def _normal_question(q: dict) -> dict:
    return {"kind": q["kind"], "prompt": q["prompt"].strip(), "explanation": (q.get("explanation") or "").strip(),
            "choices": [{"text": c["text"].strip(), "correct": c["correct"], "feedback": (c.get("feedback") or "").strip()}
                        for c in q["choices"]]}


def validate_question(data, path: str = "question") -> dict:
    """One question, normalised as in ``validate_quiz``, or Invalid listing every fault."""
    errors = question_errors(data, path)
    if errors:
        raise Invalid(fields=errors)
    return _normal_question(data)


def settings_errors(data, path: str = "quiz") -> dict[str, str]:
    """pass_mark, max_attempts and role only."""
    if not isinstance(data, dict):
        return {path: _("Un objet est attendu.")}
    errors: dict[str, str] = {}
    pass_mark = data.get("pass_mark")
    if not _is_int(pass_mark) or not 0 <= pass_mark <= 100:
        errors[f"{path}.pass_mark"] = _("Un entier entre 0 et 100 est attendu.")
    max_attempts = data.get("max_attempts")
    if max_attempts is not None and (not _is_int(max_attempts) or not 1 <= max_attempts <= 1000):
        errors[f"{path}.max_attempts"] = _("Un entier entre 1 et 1000 est attendu, ou null (sans limite).")
    if data.get("role") not in QUIZ_ROLES:
        errors[f"{path}.role"] = _("Valeurs permises : %(values)s.", values=", ".join(QUIZ_ROLES))
    return errors


def quiz_errors(data, path: str = "quiz") -> dict[str, str]:
    if not isinstance(data, dict):
        return {path: _("Un objet est attendu.")}
    errors = settings_errors(data, path)
    questions = data.get("questions", [])
    if not isinstance(questions, list):
        errors[f"{path}.questions"] = _("Une liste de questions est attendue.")
    elif len(questions) > MAX_QUESTIONS:
        errors[f"{path}.questions"] = _("%(n)d questions au plus.", n=MAX_QUESTIONS)
    else:
        for q, question in enumerate(questions):
            _question_errors(errors, question, f"{path}.questions[{q}]")
    return errors


def validate_quiz(data, path: str = "quiz") -> dict:
    """The definition, normalised (optional texts as ""), or Invalid listing every fault."""
    errors = quiz_errors(data, path)
    if errors:
        raise Invalid(fields=errors)
    return {
        "pass_mark": data["pass_mark"], "max_attempts": data.get("max_attempts"), "role": data["role"],
        "questions": [_normal_question(q) for q in data.get("questions", [])],
    }


def build_quiz(spec: dict) -> Quiz:
    """Rows for a validated definition (positions from 1)."""
    quiz = Quiz(role=spec["role"], pass_mark=spec["pass_mark"], max_attempts=spec["max_attempts"])
    for q, question in enumerate(spec["questions"], start=1):
        row = Question(position=q, kind=question["kind"], prompt=question["prompt"], explanation=question["explanation"])
        row.choices = [Choice(position=c, text=choice["text"], correct=choice["correct"], feedback=choice["feedback"])
                       for c, choice in enumerate(question["choices"], start=1)]
        quiz.questions.append(row)
    return quiz


# -- the HTML editor: settings, then one question at a time ---------------------------

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
