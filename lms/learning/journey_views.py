"""HTML routes of the learner's journey: "Mon parcours", progress beacons of the player, texts marked read."""
from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.authoring import services as authoring
from lms.authoring.models import TEXT, Course, Item
from lms.core.db import commit
from lms.core.errors import Conflict, DomainError, NotFound, UnsupportedMediaType, error_response
from lms.core.web import json_object
from lms.learning import bp, completion, progress, queries
from lms.learning.permissions import can_view_course_page, require_view_course_page
from lms.learning.signals import certificates_for


def viewable_item(course_id: int, item_id: int) -> tuple[Course, Item]:
    """The item of a course the caller may see (a draft only for its editors; another course's item: 404)."""
    course = authoring.get_course(course_id, outline=False)
    require_view_course_page(current_user, course)
    item = queries.item_in_course(course, item_id)
    if item is None:
        raise NotFound()
    return course, item


def certificate_of(completion_row):
    """The certificate issued for a completion, if any (it is issued by a task just after the commit).
    Found through lms/wiring.py CERTIFICATE_FINDERS: learning does not import the certificates domain (no cycle)."""
    if completion_row is None:
        return None
    return certificates_for(current_user, [completion_row.id]).get(completion_row.id)


# -- the player's beacons ----------------------------------------------------------------------------

def beacon_body() -> dict:
    """The beacon as JSON (what player.js sends, with the X-CSRFToken header), or as a form field
    ``payload`` holding the same JSON (a form post or navigator.sendBeacon with FormData, whose
    csrf_token field Flask-WTF reads). An empty body is ``{}`` (a text item)."""
    if request.mimetype == "application/json":
        raw = request.get_data(cache=True)
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raw = request.form.get("payload", "").encode()
    elif not request.get_data(cache=True):
        raw = b""
    else:
        raise UnsupportedMediaType(_("Corps JSON attendu (Content-Type: application/json)."))
    return json_object(raw)[0] if raw.strip() else {}


def json_error(exc: DomainError):
    """This route always answers JSON (its caller is a script), whatever the Accept header says."""
    return error_response(exc.status, exc.code, exc.message, exc.fields, exc.extra, as_json=True)


@bp.post("/formations/<int:course_id>/elements/<int:item_id>/progression")
@login_required
def record_progress(course_id: int, item_id: int):
    """The browser's twin of POST /api/v1/items/<id>/progress (session cookie + CSRF header):
    video ``{position_s, watched: [[start_s, end_s], ...]}``, text ``{}`` -> ``{watched_ratio, completed, position_s}``."""
    try:
        body = request.get_json(silent=True) if request.mimetype == "application/json" else None
        state = progress.record_steady_beacon(current_user, item_id, body, course_id=course_id)
        if state is not None:  # the common case (player.js sends JSON), in two statements
            commit()
            return jsonify(state)
        _course, item = viewable_item(course_id, item_id)
        row = progress.record_item_progress(current_user, item, beacon_body())
        state = progress.progress_state(row)
        commit()
    except DomainError as exc:
        return json_error(exc)
    return jsonify(state)


# -- texts marked read --------------------------------------------------------------------------------

@bp.post("/formations/<int:course_id>/elements/<int:item_id>/lu")
@login_required
def mark_read(course_id: int, item_id: int):
    """"J'ai lu ce texte": the text is complete; on to the next item (or back to the course)."""
    course, item = viewable_item(course_id, item_id)
    if item.kind != TEXT:
        raise Conflict(_("Seuls les textes se marquent comme lus."), code="not_a_text")
    progress.mark_text_read(current_user, item)
    done = completion.completion_of(current_user, course)
    commit()
    _previous, following = queries.course_outline(course).neighbours(item.id)
    if done is not None and following is None:
        flash(_("Texte marqué comme lu. Vous avez terminé ce parcours !"), "success")
    else:
        flash(_("Texte marqué comme lu."), "success")
    if following is not None:
        return redirect(url_for("learning.show_item", course_id=course.id, item_id=following.id))
    return redirect(url_for("learning.show_course", course_id=course.id))


# -- Mon parcours -------------------------------------------------------------------------------------

@bp.get("/mon-parcours")
@login_required
def my_journey():
    """The caller's own courses: progress, next item, time spent, completion, certificates; then the others."""
    spent = queries.time_spent_ms_by_course(current_user)
    entries = progress.course_progress(current_user)
    courses = queries.courses_by_id(entry["course_id"] for entry in entries)
    started = []
    for entry in entries:
        course = courses.get(entry["course_id"])
        if course is None or not can_view_course_page(current_user, course):
            continue
        outline = queries.course_outline(course)
        state = queries.course_state(outline, queries.completed_by_item(current_user, course.id))
        started.append({"course": course, "state": state, "completion": completion.completion_of(current_user, course),
                        "time_spent_ms": spent.get(course.id, 0)})
    issued = certificates_for(current_user, [e["completion"].id for e in started if e["completion"] is not None])
    for entry in started:
        entry["certificate"] = issued.get(entry["completion"].id) if entry["completion"] is not None else None
    started.sort(key=lambda entry: (entry["completion"] is not None, entry["course"].title))
    started_ids = {entry["course"].id for entry in started}
    others = [course for course in queries.catalogue(current_user)
              if course.is_published and course.id not in started_ids]
    return render_template("learning/journey.html", started=started, others=others)

