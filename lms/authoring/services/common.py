"""Helpers shared by the authoring services: slugs, value checks, dense positions, loading by id, lists."""
from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.auth.models import COORDINATOR, User
from lms.authoring.models import PUBLISHED, Course, Item, Module, Question, Quiz
from lms.core.errors import Invalid, NotFound
from lms.extensions import db
from lms.videos.models import PROCESSING, READY, Video

SLUG_MAX = 80
TITLE_MAX = 200
TEXT_MAX = 20_000


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


def _text(value, name: str, *, max_length: int = TEXT_MAX) -> str:
    """An optional free text: None becomes "", surrounding blanks are dropped."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid(fields={name: _("Une chaîne de caractères est attendue.")})
    if len(value) > max_length:
        raise Invalid(fields={name: _("%(n)d caractères au plus.", n=max_length)})
    return value.strip()


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

def _get(model, row_id: int):
    row = db.session.get(model, row_id)
    if row is None:
        raise NotFound()
    return row


def get_course(course_id: int, *, outline: bool = True) -> Course:
    """The course; with ``outline`` its modules, items, quizzes, videos and captions are loaded in a few
    queries, not one query per row as the authoring pages and the API walk them. Pages that read their
    own outline (the learner's) pass ``outline=False``."""
    options = [selectinload(Course.modules).selectinload(Module.items).options(
        selectinload(Item.quiz), selectinload(Item.video).selectinload(Video.captions))] if outline else []
    course = db.session.get(Course, course_id, options=options)
    if course is None:
        raise NotFound()
    return course


def get_module(module_id: int) -> Module:
    return _get(Module, module_id)


def get_item(item_id: int) -> Item:
    return _get(Item, item_id)


def get_quiz(item_id: int) -> Quiz:
    """The quiz of a quiz item (NotFound for another kind of item)."""
    item = get_item(item_id)
    if item.quiz is None:
        raise NotFound()
    return item.quiz


def get_question(question_id: int) -> Question:
    return _get(Question, question_id)


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


def editable_courses(user: User) -> list[Course]:
    """What the user may edit: a trainer their own courses, a coordinator every course (by title)."""
    from lms.authoring.permissions import is_staff

    if not is_staff(user):
        return []
    stmt = select(Course).order_by(Course.title, Course.id)
    if user.role != COORDINATOR:
        stmt = stmt.where(Course.owner_id == user.id)
    return list(db.session.scalars(stmt))


def usable_videos(user: User, current: Video | None = None) -> list[Video]:
    """Videos of the library a trainer may put in an item: ready or still processing (plus the current one)."""
    from lms.videos.permissions import can_manage_videos

    if not can_manage_videos(user):
        return []
    videos = list(db.session.scalars(
        select(Video).where(Video.status.in_((READY, PROCESSING))).order_by(Video.title, Video.id)))
    if current is not None and current not in videos:
        videos.append(current)
    return videos
