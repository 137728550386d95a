"""Read models of the learner's pages: the catalogue, a course's outline, an item's place in it."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from lms.auth.models import COORDINATOR, User
from lms.authoring.models import PUBLISHED, VIDEO, Course, Item, Module, Video
from lms.authoring.permissions import is_staff
from lms.extensions import db


def catalogue(user: User) -> list[Course]:
    """Published courses, by title; staff also get the drafts they may edit (all of them for a coordinator)."""
    stmt = select(Course).order_by(Course.title, Course.id)
    if not is_staff(user):
        stmt = stmt.where(Course.status == PUBLISHED)
    elif user.role != COORDINATOR:
        stmt = stmt.where(or_(Course.status == PUBLISHED, Course.owner_id == user.id))
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class OutlineItem:
    id: int
    kind: str
    title: str
    required: bool
    estimated_minutes: int | None
    video_seconds: float | None        # the film's real duration, for video items whose video is processed
    sensitive: bool                    # has a content note (then the page shows the crisis numbers)
    number: int                        # 1, 2, 3 ... across the whole course


@dataclass(frozen=True)
class OutlineModule:
    id: int
    title: str
    summary: str
    items: list[OutlineItem] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(item.estimated_minutes or 0 for item in self.items)


@dataclass(frozen=True)
class Outline:
    modules: list[OutlineModule]

    def items(self) -> list[OutlineItem]:
        return [item for module in self.modules for item in module.items]

    def neighbours(self, item_id: int) -> tuple[OutlineItem | None, OutlineItem | None]:
        """The items before and after ``item_id`` in the course order (across modules)."""
        items = self.items()
        for index, item in enumerate(items):
            if item.id == item_id:
                return (items[index - 1] if index > 0 else None,
                        items[index + 1] if index + 1 < len(items) else None)
        return None, None


def course_outline(course: Course) -> Outline:
    """Modules and items in order, with each video's duration, in three queries."""
    modules = db.session.scalars(
        select(Module).where(Module.course_id == course.id).order_by(Module.position, Module.id)
        .options(selectinload(Module.items).selectinload(Item.video).load_only(Video.id, Video.duration_s,
                                                                                Video.status))
    ).all()
    number, result = 0, []
    for module in modules:
        items = []
        for item in sorted(module.items, key=lambda i: (i.position, i.id)):
            number += 1
            seconds = item.video.duration_s if item.kind == VIDEO and item.video is not None else None
            items.append(OutlineItem(id=item.id, kind=item.kind, title=item.title, required=item.required,
                                     estimated_minutes=item.estimated_minutes, video_seconds=seconds,
                                     sensitive=bool((item.content_note or "").strip()), number=number))
        result.append(OutlineModule(id=module.id, title=module.title, summary=module.summary or "", items=items))
    return Outline(modules=result)


def item_in_course(course: Course, item_id: int) -> Item | None:
    """The item if it belongs to this course (an id from another course is not found here)."""
    return db.session.scalar(
        select(Item).join(Module, Item.module_id == Module.id)
        .where(Item.id == item_id, Module.course_id == course.id)
    )
