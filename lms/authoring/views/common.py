"""What the course editor and the quiz editor share: load a row and check the signed-in person may edit its
course, read a move button, say which button to focus after a move, and show a refused change (its field
errors next to the fields, 422; the reasons a published course refuses it above the page)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from lms.authoring.forms import place_errors
from lms.authoring.models import Course, Item, Module, Quiz
from lms.authoring.permissions import require_author, require_edit_course
from lms.core.db import commit
from lms.core.errors import Conflict, DomainError, Invalid


def course_of(row) -> Course:
    if isinstance(row, Course):
        return row
    if isinstance(row, Module):
        return row.course
    if isinstance(row, Item):
        return row.module.course
    quiz = row if isinstance(row, Quiz) else row.quiz  # a Question
    return quiz.item.module.course


def editable(load, row_id: int):
    """Load a row by id and check the signed-in person may edit its course; returns (row, course)."""
    require_author(current_user)
    row = load(row_id)
    course = course_of(row)
    require_edit_course(current_user, course)
    return row, course


def refused(exc: DomainError) -> dict:
    """The page's reasons for a refused publication or change (``reasons``, ``reasons_title``)."""
    return {"reasons": list(exc.extra.get("reasons") or []) or [exc.message], "reasons_title": exc.message}


def refusal(form, exc: Invalid, **place) -> dict:
    """Put the service's field errors next to the form's fields (``place``: see forms.place_errors); when some
    name no field (a published course refusing the change), the reasons for the page too, else nothing more."""
    return refused(exc) if place_errors(form, exc.fields, **place) else {}


def button(change, refused_page, back, done: str | None = None):
    """A button's change (a move, a removal, publishing): commit it, then redirect to ``back()`` (read after the
    change) with ``done`` flashed; or ``refused_page(exc)`` with the reasons it was refused."""
    try:
        change()
    except (Invalid, Conflict) as exc:
        return refused_page(exc)
    commit()
    if done:
        flash(done, "success")
    return redirect(back())


def direction() -> int:
    """The move button pressed: -1 up, +1 down (Invalid otherwise)."""
    pressed = request.form.get("direction")
    if pressed not in ("up", "down"):
        raise Invalid(fields={"direction": _("Valeurs permises : %(values)s.", values="up, down")})
    return -1 if pressed == "up" else 1


def after_move(prefix: str, row, count: int) -> str:
    """The button to focus after a move: the same one, or the other when the row reached an end."""
    pressed = request.form.get("direction")
    if (pressed == "up" and row.position == 1) or (pressed == "down" and row.position == count):
        pressed = "down" if pressed == "up" else "up"
    return f"{prefix}-{row.id}-{pressed}"


def confirm_removal(course, thing, question: str, back: str | None = None):
    """The page that asks before a removal (its form posts back to the same address)."""
    return render_template("authoring/course_confirm.html", course=course, thing=thing, question=question, back=back)
