"""HTML routes of the learning domain: the catalogue, a course's page, an item's page (player, text, quiz).

The parts of a course's page that are the same for every learner (the sheet "Avant de commencer", the
outline) are rendered once per content key of the course and locale (lms.core.cache); the learner's own state
(progress, each item's status, completion) is added to them on every request. An item's status sits in the
cached outline as a comment ``<!--item-status:<id>-->``: text from a course can never produce it, since
autoescaping turns every ``<`` of a title or summary into ``&lt;``.
"""
from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from flask import Response, get_template_attribute, render_template
from flask_babel import get_locale
from flask_login import current_user, login_required
from markupsafe import Markup

from lms.authoring import services as authoring
from lms.authoring.models import Course
from lms.core.cache import cached
from lms.core.db import reads_only
from lms.core.errors import NotFound
from lms.core.markdown import render_markdown
from lms.learning import bp, queries, services
from lms.learning.permissions import is_preview, require_view_course_page
from lms.learning.queries import CourseHead, Outline
from lms.learning.views.journey import certificate_of
from lms.videos.services import media_urls

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


def caption_label(lang: str) -> str:
    """The language's own name ("Français", "English"), as players list tracks."""
    try:
        name = Locale.parse(lang).get_display_name(lang) or lang
    except (ValueError, UnknownLocaleError):
        return lang
    return name[:1].upper() + name[1:]


@bp.get("/formations")
@login_required
def list_courses():
    return render_template("learning/list.html", courses=queries.catalogue(current_user))


@bp.get("/formations/<int:course_id>")
@login_required
@reads_only
def show_course(course_id: int):
    page = queries.course_page_state(current_user, course_id)  # the course and the learner's state: one query
    if page is None:
        raise NotFound()
    course = page.course
    require_view_course_page(current_user, course)
    outline = queries.course_outline(course)
    first = outline.items()[0] if outline.items() else None
    return render_template("learning/course.html", course=course, outline=outline, first=first,
                           parts=course_page_parts(course, outline), preview=is_preview(current_user, course),
                           state=queries.course_state(outline, page.completed), completion=page.completion,
                           certificate=certificate_of(page.completion))


@bp.get("/formations/<int:course_id>/elements/<int:item_id>")
@login_required
def show_item(course_id: int, item_id: int):
    item = services.learner_item(current_user, item_id, course_id=course_id)
    course = item.module.course
    outline = queries.course_outline(course)
    previous, following = outline.neighbours(item.id)
    video = item.video if item.kind == "video" else None
    return render_template(
        "learning/item.html", course=course, item=item, outline=outline, previous=previous, following=following,
        preview=is_preview(current_user, course), video=video,
        media=media_urls(video, current_user) if video else None,
        caption_label=caption_label, body=render_markdown(item.body_markdown),
        transcript=render_markdown(video.transcript, shift_headings=1) if video else None,
        progress=queries.item_progress(current_user, item.id),
    )


@bp.get("/formations/<int:course_id>/elements/<int:item_id>/transcription.md")
@login_required
def download_transcript(course_id: int, item_id: int):
    """The transcript of a video item as a Markdown file (plain text a screen reader or editor opens)."""
    item = services.learner_item(current_user, item_id, course_id=course_id)
    if item.video is None or not (item.video.transcript or "").strip():
        raise NotFound()
    filename = f"transcription-{authoring.slugify(item.title, fallback='video')}.md"
    return Response(item.video.transcript, mimetype="text/markdown",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
