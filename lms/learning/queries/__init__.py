"""Read models of the learner's pages: the catalogue, a course's outline, an item's place in it, the learner's
progress and quiz attempts (the services in lms.learning.services write them)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, func, or_, select

from lms.auth.models import COORDINATOR, User
from lms.authoring.models import PUBLISHED, VIDEO, Course, Item, Module, Quiz
from lms.authoring.permissions import is_staff
from lms.core.cache import cached
from lms.core.statements import plain_statements
from lms.extensions import db
from lms.learning.models import CourseCompletion, ItemProgress, QuizAttempt
from lms.learning.services import quizzes
from lms.videos.models import PROCESSING, Video


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
    film_in_preparation: bool = False  # a video item whose film the worker is still preparing


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

    @property
    def films_in_preparation(self) -> int:
        return sum(item.film_in_preparation for item in self.items())

    def neighbours(self, item_id: int) -> tuple[OutlineItem | None, OutlineItem | None]:
        """The items before and after ``item_id`` in the course order (across modules)."""
        items = self.items()
        for index, item in enumerate(items):
            if item.id == item_id:
                return (items[index - 1] if index > 0 else None,
                        items[index + 1] if index + 1 < len(items) else None)
        return None, None


def course_outline(course: Course | CourseHead) -> Outline:
    """Modules and items in order, with each video's duration; built once per content key of the course
    (lms.core.cache), so shared between requests: read it, never change it."""
    return cached(("outline", course.id, course.content_key), lambda: _read_outline(course.id))


def _read_outline(course_id: int) -> Outline:
    """One query of plain rows (no ORM objects to build)."""
    rows = db.session.execute(
        select(Module.id, Module.title, Module.summary, Item.id.label("item_id"), Item.kind,
               Item.title.label("item_title"), Item.required, Item.estimated_minutes, Item.content_note,
               Video.duration_s, Video.status.label("video_status"))
        .select_from(Module).outerjoin(Item, Item.module_id == Module.id).outerjoin(Video, Video.id == Item.video_id)
        .where(Module.course_id == course_id)
        .order_by(Module.position, Module.id, Item.position, Item.id)
    ).all()
    number, result, by_id = 0, [], {}
    for row in rows:
        module = by_id.get(row.id)
        if module is None:
            module = by_id[row.id] = OutlineModule(id=row.id, title=row.title, summary=row.summary or "", items=[])
            result.append(module)
        if row.item_id is None:  # a module without items yet
            continue
        number += 1
        module.items.append(OutlineItem(
            id=row.item_id, kind=row.kind, title=row.item_title, required=row.required,
            estimated_minutes=row.estimated_minutes, video_seconds=row.duration_s if row.kind == VIDEO else None,
            sensitive=bool((row.content_note or "").strip()), number=number,
            film_in_preparation=row.kind == VIDEO and row.video_status == PROCESSING))
    return Outline(modules=result)


# -- the learner's progress, read only (lms.learning.services write it) ----------------

# Built once (a statement built per call costs more than its round trip): (item id, completed at) per row.
_COMPLETED_BY_ITEM = select(ItemProgress.item_id, ItemProgress.completed_at).where(
    ItemProgress.user_id == bindparam("user_id"), ItemProgress.course_id == bindparam("course_id"))


def completed_by_item(user: User, course_id: int) -> dict[int, datetime | None]:
    """When the learner completed each item of the course they opened (None: opened, not completed; no key:
    never opened). Plain rows: every course page and "Mon parcours" read it."""
    return dict(db.session.execute(_COMPLETED_BY_ITEM, {"user_id": user.id, "course_id": course_id}).all())


@dataclass(frozen=True)
class CompletionRef:
    """A course completion as the course page shows it (lms.learning.services.completion_of has the row)."""
    id: int
    completed_at: datetime


@dataclass(frozen=True)
class CourseHead:
    """What the course page needs of the course on every request (the permission rules read ``status``,
    ``is_published`` and ``owner_id``, as on a Course); the rest is in the parts cached per ``content_key``."""
    id: int
    title: str
    summary: str
    status: str
    owner_id: int | None
    content_key: str

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED


@dataclass(frozen=True)
class CoursePageState:
    course: CourseHead
    completed: dict[int, datetime | None]      # as completed_by_item
    completion: CompletionRef | None


# The course and the learner's state in it, in one round trip: one row per item they opened (or one row
# without item), the course's columns and their completion repeated on each.
_COURSE_PAGE_STATE = (
    select(Course.id, Course.title, Course.summary, Course.status, Course.owner_id, Course.content_key,
           ItemProgress.item_id, ItemProgress.completed_at,
           CourseCompletion.id.label("completion_id"), CourseCompletion.completed_at.label("course_completed_at"))
    .outerjoin(ItemProgress, (ItemProgress.course_id == Course.id) & (ItemProgress.user_id == bindparam("user_id")))
    .outerjoin(CourseCompletion, (CourseCompletion.course_id == Course.id)
               & (CourseCompletion.user_id == bindparam("user_id")))
    .where(Course.id == bindparam("course_id"))
)


def course_page_state(user: User, course_id: int) -> CoursePageState | None:
    """The course (None: no such course) with the learner's items and completion."""
    with plain_statements() as statements:
        rows = statements.rows(_COURSE_PAGE_STATE, {"user_id": user.id, "course_id": course_id})
    if not rows:
        return None
    first = rows[0]
    return CoursePageState(
        course=CourseHead(id=first.id, title=first.title, summary=first.summary or "", status=first.status,
                          owner_id=first.owner_id, content_key=first.content_key),
        completed={row.item_id: row.completed_at for row in rows if row.item_id is not None},
        completion=CompletionRef(id=first.completion_id, completed_at=first.course_completed_at)
        if first.completion_id is not None else None)


def item_progress(user: User, item_id: int) -> ItemProgress | None:
    """The learner's row on one item, without creating or locking it (for the item page)."""
    return db.session.scalar(select(ItemProgress).where(
        ItemProgress.user_id == user.id, ItemProgress.item_id == item_id))


def time_spent_ms_by_course(user: User) -> dict[int, int]:
    """Time the learner spent per course: the sum over its items of ``time_spent_ms`` (played video
    within the wall clock, time on quizzes)."""
    return {course_id: int(total or 0) for course_id, total in db.session.execute(
        select(ItemProgress.course_id, func.sum(ItemProgress.time_spent_ms))
        .where(ItemProgress.user_id == user.id).group_by(ItemProgress.course_id))}


@dataclass(frozen=True)
class CourseState:
    """Where a learner stands in a course: the checklist, the counts, the item to do next."""
    done: frozenset[int]                 # ids of the items completed
    required_done: int
    required_total: int
    next_item: OutlineItem | None        # the first required item not completed, in course order
    started: bool

    @property
    def finished(self) -> bool:
        return self.required_total > 0 and self.required_done >= self.required_total


def course_state(outline: Outline, completed: dict[int, datetime | None]) -> CourseState:
    """``completed``: lms.learning.queries.completed_by_item."""
    done = frozenset(item_id for item_id, completed_at in completed.items() if completed_at is not None)
    required = [item for item in outline.items() if item.required]
    return CourseState(done=done, required_done=sum(1 for item in required if item.id in done),
                       required_total=len(required),
                       next_item=next((item for item in required if item.id not in done), None),
                       started=bool(completed))


def courses_by_id(ids) -> dict[int, Course]:
    ids = list(ids)
    return {course.id: course for course in db.session.scalars(select(Course).where(Course.id.in_(ids)))} if ids else {}


# -- the quiz pages ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizState:
    """What the quiz's intro shows one learner: past attempts, the open one, what is left."""
    submitted: list[QuizAttempt]
    open: QuizAttempt | None
    left: int | None                   # None: unlimited

    @property
    def used(self) -> int:
        return len(self.submitted)

    @property
    def passed(self) -> bool:
        return any(attempt.passed for attempt in self.submitted)

    @property
    def can_start(self) -> bool:
        return self.open is not None or self.left != 0


def quiz_state(user: User, quiz: Quiz) -> QuizState:
    return QuizState(submitted=quizzes.attempts(user, quiz), open=quizzes.open_attempt(user, quiz),
                     left=quizzes.attempts_left(user, quiz))


def attempt_of(user: User, quiz: Quiz, attempt_id: int) -> QuizAttempt | None:
    """The learner's own attempt at this quiz (someone else's, or another quiz's, is not found)."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != user.id or attempt.quiz_id != quiz.id:
        return None
    return attempt
