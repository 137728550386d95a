"""The parts of a course's page that are the same for every learner (the sheet "Avant de commencer", the
outline), rendered once per content key of the course and locale (lms.core.cache). The learner's own state
(progress, each item's status, completion) is added to them on every request.

An item's status sits in the cached outline as a comment ``<!--item-status:<id>-->``: text from a course can
never produce it, since autoescaping turns every ``<`` of a title or summary into ``&lt;``.
"""
from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass

from flask import get_template_attribute, render_template
from flask_babel import get_locale
from markupsafe import Markup

from lms.authoring import services as authoring
from lms.authoring.models import Course
from lms.core.cache import cached
from lms.learning.queries import CourseHead, Outline

STATUS_SLOT = re.compile(r"<!--item-status:(\d+)-->")


@dataclass(frozen=True)
class CoursePageParts:
    sheet: Markup                      # the "Avant de commencer" section
    outline: tuple[str | int, ...]     # HTML, item id, HTML, item id ..., HTML: an item's status goes at its id
    done: Markup                       # an item's status, in words
    todo: Markup

    def outline_with(self, done: Container[int] | None) -> Markup:
        """The outline with each item's status, or none at all (``done`` None: a staff preview)."""
        if done is None:
            return Markup("".join(part for part in self.outline if isinstance(part, str)))
        return Markup("".join(part if isinstance(part, str) else (self.done if part in done else self.todo)
                              for part in self.outline))


def course_page_parts(course: CourseHead, outline: Outline) -> CoursePageParts:
    return cached(("course_page", course.id, course.content_key, str(get_locale())),
                  lambda: _render(authoring.get_course(course.id, outline=False), outline))


def _render(course: Course, outline: Outline) -> CoursePageParts:
    pieces = STATUS_SLOT.split(render_template("learning/_course_outline.html", course=course, outline=outline))
    item_status = get_template_attribute("learning/_macros.html", "item_status")
    return CoursePageParts(
        sheet=Markup(render_template("learning/_course_sheet.html", course=course)),
        outline=tuple(int(piece) if index % 2 else piece for index, piece in enumerate(pieces)),
        done=Markup(item_status(True)), todo=Markup(item_status(False)))
