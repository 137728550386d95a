"""Courses, modules and items: create, edit, reorder, remove. Every change to a published course runs inside
``keeping_publishable``: a change that would keep it from being published is refused with the reasons."""
from __future__ import annotations

from flask_babel import gettext as _

from lms.auth.models import User
from lms.authoring.models import ITEM_KINDS, QUIZ, VIDEO, Course, Item, Module
from lms.authoring.permissions import require_create_course, require_edit_course
from lms.authoring.services.common import (
    TITLE_MAX,
    _dense,
    _minutes,
    _move,
    _objectives,
    _text,
    _title,
    _unique,
    slugify,
    unique_course_slug,
)
from lms.authoring.services.publication import keeping_publishable
from lms.authoring.services.quizzes import build_quiz, validate_quiz
from lms.core.errors import Invalid
from lms.extensions import db
from lms.videos.models import FAILED, Video
from lms.videos.permissions import can_edit_video

SUPPORT_KEYS = ("contact", "response_time", "technical", "pedagogical")
MAX_ACTIVITIES = 50


def _collect(errors: dict, check, *args, **kwargs):
    """Run one check; its field errors join ``errors`` and None stands for the refused value."""
    try:
        return check(*args, **kwargs)
    except Invalid as exc:
        errors.update(exc.fields)
        return None


def create_course(actor: User, title, summary: str | None = None, objectives=None, duration_minutes=None, *,
                  prerequisites: str | None = None, audience_note: str | None = None,
                  assessment: str | None = None) -> Course:
    require_create_course(actor)
    errors: dict[str, str] = {}  # every wrong value at once
    title = _collect(errors, _title, title)
    summary = _collect(errors, _text, summary, "summary")
    objectives = _collect(errors, _objectives, objectives)
    duration_minutes = _collect(errors, _minutes, duration_minutes)
    if errors:
        raise Invalid(fields=errors)
    course = Course(slug=unique_course_slug(title), title=title, summary=summary,
                    objectives=objectives, duration_minutes=duration_minutes,
                    prerequisites=prerequisites, audience_note=audience_note or "", assessment=assessment or "",
                    owner_id=actor.id)
    db.session.add(course)
    db.session.flush()
    return course


def _activities(value) -> list[dict]:
    """[{"title", "minutes"}]: remote activities and their estimated duration."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_ACTIVITIES:
        raise Invalid(fields={"remote_activities": _("Une liste d'activités (%(n)d au plus) est attendue.",
                                                     n=MAX_ACTIVITIES)})
    errors, rows = {}, []
    for n, activity in enumerate(value):
        path = f"remote_activities[{n}]"
        if not isinstance(activity, dict):
            errors[path] = _("Un objet est attendu.")
            continue
        title = _collect(errors, _title, activity.get("title"), f"{path}.title")
        minutes = activity.get("minutes")
        if minutes is None:
            errors[f"{path}.minutes"] = _("Indiquez la durée estimée en minutes.")
        else:
            minutes = _collect(errors, _minutes, minutes, f"{path}.minutes")
        rows.append({"title": title, "minutes": minutes})
    if errors:
        raise Invalid(fields=errors)
    return rows


def _support(value) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict) or set(value) - set(SUPPORT_KEYS):
        raise Invalid(fields={"support": _("Valeurs permises : %(values)s.", values=", ".join(SUPPORT_KEYS))})
    errors = {}
    support = {key: _collect(errors, _text, value.get(key), f"support.{key}", max_length=TITLE_MAX * 5)
               for key in SUPPORT_KEYS}
    if errors:
        raise Invalid(fields=errors)
    return {key: text for key, text in support.items() if text}


def update_course(actor: User, course: Course, *, title, summary=None, objectives=None, duration_minutes=None,
                  prerequisites=None, remote_activities=None, support=None, assessment=None,
                  audience_note=None) -> None:
    """Replace the description of the course (what a learner reads before enrolling); every fault at once.
    An empty ``prerequisites`` is stored as None, shown as "Aucun prérequis"."""
    require_edit_course(actor, course)
    errors: dict[str, str] = {}
    values = {
        "title": _collect(errors, _title, title),
        "summary": _collect(errors, _text, summary, "summary"),
        "objectives": _collect(errors, _objectives, objectives),
        "duration_minutes": _collect(errors, _minutes, duration_minutes),
        "prerequisites": _collect(errors, _text, prerequisites, "prerequisites") or None,
        "remote_activities": _collect(errors, _activities, remote_activities),
        "support": _collect(errors, _support, support),
        "assessment": _collect(errors, _text, assessment, "assessment"),
        "audience_note": _collect(errors, _text, audience_note, "audience_note"),
    }
    if errors:
        raise Invalid(fields=errors)
    with keeping_publishable(course):
        for name, value in values.items():
            setattr(course, name, value)
        db.session.flush()


def add_module(actor: User, course: Course, title, summary: str | None = None) -> Module:
    require_edit_course(actor, course)
    title = _title(title)
    key = _unique(slugify(title, fallback="module"), {m.key for m in course.modules})
    module = Module(key=key, title=title, summary=(summary or "").strip(), position=len(course.modules) + 1)
    with keeping_publishable(course):
        course.modules.append(module)
        db.session.flush()
    return module


def rename_module(actor: User, module: Module, title) -> None:
    require_edit_course(actor, module.course)
    title = _title(title)
    with keeping_publishable(module.course):
        module.title = title
        db.session.flush()


def _video(errors: dict, kind, video_id, *, changing: bool = True) -> Video | None:
    if video_id is None:
        return None
    if kind != VIDEO:
        errors["video_id"] = _("Seul un élément vidéo a une vidéo.")
    elif (not isinstance(video_id, int) or isinstance(video_id, bool) or not 0 < video_id < 2**31
          or (video := db.session.get(Video, video_id)) is None):
        errors["video_id"] = _("Cette vidéo n'existe pas.")
    elif changing and video.status == FAILED:
        errors["video_id"] = _("Cette vidéo n'a pas pu être traitée : choisissez-en une autre.")
    else:
        return video
    return None


def _grants_edit(actor: User, video: Video | None) -> bool:
    """Whether the item that ``actor`` points at ``video`` lets the course's trainer change the video: only if
    ``actor`` may change it now (permissions.can_edit_video), decided before the item exists."""
    return video is not None and can_edit_video(actor, video)


def add_item(actor: User, module: Module, kind, title, required=True, video_id=None, quiz=None,
             body_markdown: str | None = None, *, estimated_minutes=None) -> Item:
    """A video, quiz or text item at the end of the module; ``quiz`` as in API.md, fully validated."""
    require_edit_course(actor, module.course)
    errors: dict[str, str] = {}
    if kind not in ITEM_KINDS:
        errors["kind"] = _("Valeurs permises : %(values)s.", values=", ".join(ITEM_KINDS))
    title = _collect(errors, _title, title)
    if not isinstance(required, bool):
        errors["required"] = _("Un booléen est attendu.")
    if body_markdown is not None and not isinstance(body_markdown, str):
        errors["body_markdown"] = _("Une chaîne de caractères est attendue.")
    video = _video(errors, kind, video_id, changing=False)
    spec = None
    if kind == QUIZ:
        if quiz is None:
            errors["quiz"] = _("Ce champ est obligatoire.")
        else:
            spec = _collect(errors, validate_quiz, quiz)
    elif quiz is not None:
        errors["quiz"] = _("Seul un élément quiz a un questionnaire.")
    minutes = _collect(errors, _minutes, estimated_minutes, "estimated_minutes")
    if errors:
        raise Invalid(fields=errors)
    key = _unique(slugify(title, fallback=kind), {i.key for i in module.items})
    item = Item(key=key, kind=kind, title=title, required=required, body_markdown=body_markdown or "",
                position=len(module.items) + 1, video=video, video_grants_edit=_grants_edit(actor, video),
                estimated_minutes=minutes)
    if spec is not None:
        item.quiz = build_quiz(spec)
    with keeping_publishable(module.course):
        module.items.append(item)
        db.session.flush()
    return item


_UNCHANGED = object()


def update_item(actor: User, item: Item, *, title, required=True, body_markdown=None, video_id=_UNCHANGED,
                estimated_minutes=None) -> None:
    """Title, required flag, estimated minutes, text (Markdown) and, for a video item, the video."""
    require_edit_course(actor, item.module.course)
    errors: dict[str, str] = {}
    title = _collect(errors, _title, title)
    if not isinstance(required, bool):
        errors["required"] = _("Un booléen est attendu.")
    body = _collect(errors, _text, body_markdown, "body_markdown")
    minutes = _collect(errors, _minutes, estimated_minutes, "estimated_minutes")
    video, grants = item.video, item.video_grants_edit
    if video_id is not _UNCHANGED and video_id != item.video_id:
        video = _video(errors, item.kind, video_id)
        grants = _grants_edit(actor, video)
    if errors:
        raise Invalid(fields=errors)
    with keeping_publishable(item.module.course):
        item.title, item.required, item.body_markdown, item.estimated_minutes = title, required, body, minutes
        item.video, item.video_grants_edit = video, grants
        db.session.flush()


def move_module(actor: User, module: Module, position: int) -> None:
    require_edit_course(actor, module.course)
    with keeping_publishable(module.course):
        _move(module.course.modules, module, position)
        db.session.flush()


def remove_module(actor: User, module: Module) -> None:
    course = module.course
    require_edit_course(actor, course)
    with keeping_publishable(course):
        course.modules.remove(module)  # delete-orphan
        _dense(course.modules)
        db.session.flush()


def move_item(actor: User, item: Item, position: int) -> None:
    require_edit_course(actor, item.module.course)
    with keeping_publishable(item.module.course):
        _move(item.module.items, item, position)
        db.session.flush()


def remove_item(actor: User, item: Item) -> None:
    module = item.module
    require_edit_course(actor, module.course)
    with keeping_publishable(module.course):
        module.items.remove(item)
        _dense(module.items)
        db.session.flush()
