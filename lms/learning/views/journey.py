"""HTML routes of the learner's journey: "Mon parcours", progress beacons of the player, texts marked read."""
from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.authoring.models import TEXT
from lms.core.db import commit
from lms.core.errors import Conflict, DomainError, error_response
from lms.core.web import request_json
from lms.learning import bp, queries, services
from lms.learning.queries import overview
from lms.learning.signals import certificates_for


def certificate_of(completion_row):
    """The certificate issued for a completion, if any (it is issued by a task just after the commit).
    Found through lms/wiring.py CERTIFICATE_FINDERS: learning does not import the certificates domain (no cycle)."""
    if completion_row is None:
        return None
    return certificates_for(current_user, [completion_row.id]).get(completion_row.id)


# -- the player's beacons ----------------------------------------------------------------------------

def json_error(exc: DomainError):
    """This route always answers JSON (its caller is a script), whatever the Accept header says."""
    return error_response(exc.status, exc.code, exc.message, exc.fields, exc.extra, as_json=True)


@bp.post("/formations/<int:course_id>/elements/<int:item_id>/progression")
@login_required
def record_progress(course_id: int, item_id: int):
    """The browser's twin of POST /api/v1/items/<id>/progress (session cookie + CSRF header):
    video ``{position_s, watched: [[start_s, end_s], ...]}``, text ``{}`` -> ``{watched_ratio, completed, position_s}``.
    The body is JSON (what player.js sends, with the X-CSRFToken header), or a form field ``payload`` holding
    the same JSON (navigator.sendBeacon with FormData, whose csrf_token field Flask-WTF reads)."""
    try:
        state = services.record_beacon(current_user, item_id, request_json(form_field="payload")[0],
                                       course_id=course_id)
        commit()
    except DomainError as exc:
        return json_error(exc)
    return jsonify(state)


# -- texts marked read --------------------------------------------------------------------------------

@bp.post("/formations/<int:course_id>/elements/<int:item_id>/lu")
@login_required
def mark_read(course_id: int, item_id: int):
    """"J'ai lu ce texte": the text is complete; on to the next item (or back to the course)."""
    item = services.learner_item(current_user, item_id, course_id=course_id)
    course = item.module.course
    if item.kind != TEXT:
        raise Conflict(_("Seuls les textes se marquent comme lus."), code="not_a_text")
    services.mark_text_read(current_user, item)
    done = services.completion_of(current_user, course)
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
    journey = overview.learner_journey(current_user)
    return render_template("learning/journey.html", started=journey.started, others=journey.others)

