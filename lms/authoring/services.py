"""Courses and their content: create, add modules and items, reorder, remove, publish.

Services take the acting user, check what they may do, add and flush; the
request commits. Positions of modules in a course and of items in a module
are dense, from 1.
"""
from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms.auth.models import User
from lms.authoring.models import (
    FAILED,
    ITEM_KINDS,
    MULTIPLE,
    PUBLISHED,
    QUIZ,
    READY,
    TEXT,
    VIDEO,
    Course,
    Item,
    Module,
    Video,
)
from lms.authoring.permissions import require_create_course, require_edit_course
from lms.authoring.quizzes import build_quiz, validate_quiz
from lms.core.errors import Invalid, NotFound
from lms.extensions import db

SLUG_MAX = 80
TITLE_MAX = 200


# -- helpers -------------------------------------------------------------------

def slugify(text: str, *, max_length: int = 60, fallback: str = "parcours") -> str:
    """ASCII, lower case, words joined by "-", French accents folded ("Santé mentale" -> "sante-mentale")."""
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:max_length].strip("-")
    return slug or fallback


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def unique_course_slug(title: str) -> str:
    base = slugify(title)
    taken = set(db.session.scalars(select(Course.slug).where(Course.slug.like(f"{base}%"))))
    return _unique(base, taken)


def _title(value, name: str = "title") -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid(fields={name: _("Ce champ est obligatoire.")})
    value = value.strip()
    if len(value) > TITLE_MAX:
        raise Invalid(fields={name: _("%(n)d caractères au plus.", n=TITLE_MAX)})
    return value


def _objectives(value) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value) or len(value) > 50:
        raise Invalid(fields={"objectives": _("Une liste de phrases (50 au plus) est attendue.")})
    return [v.strip() for v in value]


def _minutes(value, name: str = "duration_minutes") -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100_000:
        raise Invalid(fields={name: _("Un nombre entier de minutes est attendu.")})
    return value


def _dense(rows: list) -> None:
    for position, row in enumerate(rows, start=1):
        row.position = position


def _move(rows: list, row, position) -> None:
    if not isinstance(position, int) or isinstance(position, bool) or not 1 <= position <= len(rows):
        raise Invalid(fields={"position": _("Un entier entre 1 et %(n)d est attendu.", n=len(rows))})
    rows.remove(row)
    rows.insert(position - 1, row)
    _dense(rows)


# -- loading -------------------------------------------------------------------

def get_course(course_id: int) -> Course:
    course = db.session.get(Course, course_id)
    if course is None:
        raise NotFound()
    return course


def get_module(module_id: int) -> Module:
    module = db.session.get(Module, module_id)
    if module is None:
        raise NotFound()
    return module


def get_item(item_id: int) -> Item:
    item = db.session.get(Item, item_id)
    if item is None:
        raise NotFound()
    return item


def visible_courses(user: User, *, after: int | None = None, limit: int = 50) -> tuple[list[Course], int | None]:
    """Courses the user may see, by id; returns the page and the id to continue after (None at the end)."""
    from lms.authoring.permissions import is_staff

    stmt = select(Course).order_by(Course.id).limit(limit + 1)
    if not is_staff(user):
        stmt = stmt.where(Course.status == PUBLISHED)
    if after is not None:
        stmt = stmt.where(Course.id > after)
    rows = list(db.session.scalars(stmt))
    return rows[:limit], (rows[limit - 1].id if len(rows) > limit else None)


# -- courses, modules, items ---------------------------------------------------

def create_course(actor: User, title, summary: str | None = None, objectives=None, duration_minutes=None, *,
                  prerequisites: str | None = None, audience_note: str | None = None,
                  assessment: str | None = None) -> Course:
    require_create_course(actor)
    title = _title(title)
    course = Course(slug=unique_course_slug(title), title=title, summary=(summary or "").strip(),
                    objectives=_objectives(objectives), duration_minutes=_minutes(duration_minutes),
                    prerequisites=prerequisites, audience_note=audience_note or "", assessment=assessment or "",
                    owner_id=actor.id)
    db.session.add(course)
    db.session.flush()
    return course


def add_module(actor: User, course: Course, title, summary: str | None = None) -> Module:
    require_edit_course(actor, course)
    title = _title(title)
    key = _unique(slugify(title, fallback="module"), {m.key for m in course.modules})
    module = Module(key=key, title=title, summary=(summary or "").strip(), position=len(course.modules) + 1)
    course.modules.append(module)
    db.session.flush()
    return module


def add_item(actor: User, module: Module, kind, title, required=True, video_id=None, quiz=None,
             body_markdown: str | None = None, *, estimated_minutes=None) -> Item:
    """A video, quiz or text item at the end of the module; ``quiz`` as in API.md, fully validated."""
    require_edit_course(actor, module.course)
    errors: dict[str, str] = {}
    if kind not in ITEM_KINDS:
        errors["kind"] = _("Valeurs permises : %(values)s.", values=", ".join(ITEM_KINDS))
    try:
        title = _title(title)
    except Invalid as exc:
        errors.update(exc.fields)
    if not isinstance(required, bool):
        errors["required"] = _("Un booléen est attendu.")
    if body_markdown is not None and not isinstance(body_markdown, str):
        errors["body_markdown"] = _("Une chaîne de caractères est attendue.")
    video = None
    if video_id is not None:
        if kind != VIDEO:
            errors["video_id"] = _("Seul un élément vidéo a une vidéo.")
        elif (not isinstance(video_id, int) or isinstance(video_id, bool) or not 0 < video_id < 2**31
              or (video := db.session.get(Video, video_id)) is None):
            errors["video_id"] = _("Cette vidéo n'existe pas.")
    spec = None
    if kind == QUIZ:
        if quiz is None:
            errors["quiz"] = _("Ce champ est obligatoire.")
        else:
            try:
                spec = validate_quiz(quiz)
            except Invalid as exc:
                errors.update(exc.fields)
    elif quiz is not None:
        errors["quiz"] = _("Seul un élément quiz a un questionnaire.")
    if errors:
        raise Invalid(fields=errors)
    key = _unique(slugify(title, fallback=kind), {i.key for i in module.items})
    item = Item(key=key, kind=kind, title=title, required=required, body_markdown=body_markdown or "",
                position=len(module.items) + 1, video=video, estimated_minutes=_minutes(estimated_minutes,
                                                                                        "estimated_minutes"))
    if spec is not None:
        item.quiz = build_quiz(spec)
    module.items.append(item)
    db.session.flush()
    return item


def move_module(actor: User, module: Module, position: int) -> None:
    require_edit_course(actor, module.course)
    _move(module.course.modules, module, position)
    db.session.flush()


def remove_module(actor: User, module: Module) -> None:
    course = module.course
    require_edit_course(actor, course)
    course.modules.remove(module)  # delete-orphan
    _dense(course.modules)
    db.session.flush()


def move_item(actor: User, item: Item, position: int) -> None:
    require_edit_course(actor, item.module.course)
    _move(item.module.items, item, position)
    db.session.flush()


def remove_item(actor: User, item: Item) -> None:
    module = item.module
    require_edit_course(actor, module.course)
    module.items.remove(item)
    _dense(module.items)
    db.session.flush()


# -- publication ---------------------------------------------------------------

def publish_problems(course: Course) -> list[str]:
    """Every reason the course cannot be published yet, in French; empty when it can."""
    problems = []
    if not course.modules:
        problems.append("Le parcours ne contient aucun module.")
    for module in course.modules:
        if not module.items:
            problems.append(f"Le module « {module.title} » ne contient aucun élément.")
        for item in module.items:
            where = f"« {item.title} » (module « {module.title} »)"
            if item.kind == VIDEO:
                video = item.video
                if video is None:
                    problems.append(f"L'élément vidéo {where} n'a pas de vidéo.")
                    continue
                if video.status == FAILED:
                    problems.append(f"La vidéo de l'élément {where} n'a pas pu être traitée : envoyez-la à nouveau.")
                elif video.status != READY:
                    problems.append(f"La vidéo de l'élément {where} n'est pas prête (traitement en cours).")
                if video.caption("fr") is None:
                    problems.append(f"La vidéo de l'élément {where} n'a pas de sous-titres en français.")
                if not (video.transcript or "").strip():
                    problems.append(f"La vidéo de l'élément {where} n'a pas de transcription.")
            elif item.kind == QUIZ:
                if item.quiz is None or not item.quiz.questions:
                    problems.append(f"Le quiz {where} n'a aucune question.")
                    continue
                for n, question in enumerate(item.quiz.questions, start=1):
                    correct = sum(1 for choice in question.choices if choice.correct)
                    if correct == 0:
                        problems.append(f"La question {n} du quiz {where} n'a aucune bonne réponse.")
                    elif correct > 1 and question.kind != MULTIPLE:
                        problems.append(f"La question {n} du quiz {where} a plusieurs bonnes réponses "
                                        "alors qu'une seule est attendue.")
            elif item.kind == TEXT and not (item.body_markdown or "").strip():
                problems.append(f"Le texte {where} est vide.")
    return problems


def publish_course(actor: User, course: Course) -> None:
    """Publish, or Invalid ``not_publishable`` listing every reason (fields.reasons and error.reasons)."""
    require_edit_course(actor, course)
    problems = publish_problems(course)
    if problems:
        raise Invalid(_("Ce parcours ne peut pas encore être publié."), code="not_publishable",
                      fields={"reasons": " ".join(problems)}, extra={"reasons": problems})
    course.publish()
    db.session.flush()


def unpublish_course(actor: User, course: Course) -> None:
    require_edit_course(actor, course)
    course.unpublish()
    db.session.flush()


def required_item_count(course: Course) -> int:
    return db.session.scalar(
        select(func.count(Item.id)).join(Module, Item.module_id == Module.id)
        .where(Module.course_id == course.id, Item.required.is_(True))
    ) or 0
