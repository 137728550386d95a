"""HTML routes of the learning domain: the catalogue, a course's page, an item's page (player, text, quiz)."""
from __future__ import annotations

from babel import Locale, UnknownLocaleError
from flask import Response, render_template
from flask_login import current_user, login_required

from lms.authoring import services as authoring
from lms.authoring.models import Course, Item
from lms.core.db import reads_only
from lms.core.errors import NotFound
from lms.core.markdown import render_markdown
from lms.learning import bp, queries
from lms.learning.course_page import course_page_parts
from lms.learning.journey_views import certificate_of
from lms.learning.permissions import is_preview, require_view_course_page
from lms.videos.services import media_urls


def _viewable_course(course_id: int) -> Course:
    course = authoring.get_course(course_id, outline=False)
    require_view_course_page(current_user, course)
    return course


def _viewable_item(course_id: int, item_id: int) -> tuple[Course, Item]:
    course = _viewable_course(course_id)
    item = queries.item_in_course(course, item_id)
    if item is None:
        raise NotFound()
    return course, item


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
    course, item = _viewable_item(course_id, item_id)
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
    _course, item = _viewable_item(course_id, item_id)
    if item.video is None or not (item.video.transcript or "").strip():
        raise NotFound()
    filename = f"transcription-{authoring.slugify(item.title, fallback='video')}.md"
    return Response(item.video.transcript, mimetype="text/markdown",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
