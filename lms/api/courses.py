"""Courses and content: list, detail (never the quiz answers), create, modules, items, publication."""
from __future__ import annotations

from flask import jsonify, url_for
from flask_babel import gettext as _

from lms.api import bp
from lms.api.common import authenticated, caller, cursor_arg, json_body, limit_arg, text_field
from lms.authoring import services
from lms.authoring.models import Course
from lms.authoring.permissions import require_create_course, require_edit_course, require_view_course
from lms.core.cache import cached
from lms.core.db import commit
from lms.core.errors import Invalid
from lms.learning import services as learning


def course_summary(course: Course) -> dict:
    return {"id": course.id, "slug": course.slug, "title": course.title, "summary": course.summary,
            "duration_minutes": course.duration_minutes, "status": course.status}


def course_detail(course: Course, user) -> dict:
    """API.md shape, with the caller's own progress; quiz items carry their ``quiz_id``, video items their ``video_id``."""
    modules, required = cached(("api_course_outline", course.id, course.content_key), lambda: _outline(course))
    done = learning.completed_item_ids(user, course.id)
    return {
        **course_summary(course), "objectives": list(course.objectives or []),
        "modules": [{**module, "items": [{**item, "completed": item["id"] in done} for item in module["items"]]}
                    for module in modules],
        "progress": {"completed_items": sum(1 for item_id in required if item_id in done),
                     "required_items": len(required),
                     "completed": learning.completion_of(user, course) is not None},
    }


def _outline(course: Course) -> tuple[list[dict], list[int]]:
    """The modules and items of ``course_detail``, the same for every caller (kept per content key), and the
    ids of the required items."""
    modules = [{
        "id": module.id, "title": module.title, "position": module.position,
        "items": [{"id": item.id, "kind": item.kind, "title": item.title, "position": item.position,
                   "required": item.required,
                   **({"quiz_id": item.quiz.id} if item.quiz is not None else {}),
                   **({"video_id": item.video_id} if item.video_id is not None else {})}
                  for item in module.items],
    } for module in course.modules]
    return modules, [item.id for item in course.items() if item.required]


@bp.get("/courses")
@authenticated
def list_courses():
    courses, after = services.visible_courses(caller(), after=cursor_arg(), limit=limit_arg())
    return jsonify({"items": [course_summary(c) for c in courses], "next": str(after) if after else None})


@bp.get("/courses/<int:course_id>")
@authenticated
def get_course(course_id: int):
    course = services.get_course(course_id, outline=False)  # the outline comes from the cache (course_detail)
    require_view_course(caller(), course)
    return jsonify(course_detail(course, caller()))


@bp.post("/courses")
@authenticated
def create_course():
    require_create_course(caller())
    body = json_body(collect=True)
    with body.errors.joined():  # one 422 names every wrong field
        course = services.create_course(
            caller(), body.text("title", required=True, max_length=200),
            summary=body.text("summary", max_length=5000), objectives=body.get("objectives"),
            duration_minutes=body.get("duration_minutes"),
        )
    course_id, slug, status = course.id, course.slug, course.status
    commit()
    return jsonify({"id": course_id, "slug": slug, "status": status}), 201, {"Location": url_for("api.get_course", course_id=course_id)}


@bp.post("/courses/<int:course_id>/modules")
@authenticated
def add_module(course_id: int):
    course = services.get_course(course_id)
    require_edit_course(caller(), course)
    body = json_body()
    module = services.add_module(caller(), course, text_field(body, "title", required=True, max_length=200))
    module_id, position = module.id, module.position
    commit()
    return jsonify({"id": module_id, "position": position}), 201


@bp.post("/modules/<int:module_id>/items")
@authenticated
def add_item(module_id: int):
    module = services.get_module(module_id)
    require_edit_course(caller(), module.course)
    body = json_body(collect=True)
    with body.errors.joined():
        item = services.add_item(
            caller(), module, body.get("kind"), body.get("title"), required=body.get("required", True),
            video_id=body.get("video_id"), quiz=body.get("quiz"), body_markdown=body.get("body_markdown"),
        )
    item_id, position = item.id, item.position
    commit()
    return jsonify({"id": item_id, "position": position}), 201


@bp.post("/courses/<int:course_id>/publish")
@authenticated
def publish_course(course_id: int):
    """200 with the course; 422 ``not_publishable`` with ``error.reasons`` (a list) and ``error.fields.reasons``."""
    course = services.get_course(course_id)
    require_edit_course(caller(), course)
    services.publish_course(caller(), course)
    commit()
    return jsonify(course_summary(course))


def position_field(body: dict) -> int:
    value = body.get("position")
    if not isinstance(value, int) or isinstance(value, bool):
        raise Invalid(fields={"position": _("Ce champ est obligatoire.")})
    return value


@bp.patch("/modules/<int:module_id>")
@authenticated
def move_module(module_id: int):
    """``{position}`` (from 1): the module moves there, the others close up → 200 ``{id, position}``."""
    module = services.get_module(module_id)
    require_edit_course(caller(), module.course)
    services.move_module(caller(), module, position_field(json_body()))
    module_id, position = module.id, module.position
    commit()
    return jsonify({"id": module_id, "position": position})


@bp.delete("/modules/<int:module_id>")
@authenticated
def remove_module(module_id: int):
    module = services.get_module(module_id)
    require_edit_course(caller(), module.course)
    services.remove_module(caller(), module)
    commit()
    return "", 204


@bp.patch("/items/<int:item_id>")
@authenticated
def move_item(item_id: int):
    """``{position}`` (from 1) within its module → 200 ``{id, position}``."""
    item = services.get_item(item_id)
    require_edit_course(caller(), item.module.course)
    services.move_item(caller(), item, position_field(json_body()))
    item_id, position = item.id, item.position
    commit()
    return jsonify({"id": item_id, "position": position})


@bp.delete("/items/<int:item_id>")
@authenticated
def remove_item(item_id: int):
    item = services.get_item(item_id)
    require_edit_course(caller(), item.module.course)
    services.remove_item(caller(), item)
    commit()
    return "", 204


@bp.post("/courses/<int:course_id>/unpublish")
@authenticated
def unpublish_course(course_id: int):
    """200 with the course, back to draft; 409 ``not_published``."""
    course = services.get_course(course_id)
    require_edit_course(caller(), course)
    services.unpublish_course(caller(), course)
    commit()
    return jsonify(course_summary(course))
