"""Course content: Course -> Module -> Item (video | quiz | text) and quizzes; an item plays a video of
lms.videos (read from there: videos never import authoring).

Items and modules carry a ``key`` so a course imported from files
(``flask import-course``) is updated in place: learners' progress, which points
at item ids, survives an update.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from itertools import chain

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from lms.core.clock import utcnow
from lms.core.errors import Conflict
from lms.extensions import db
from lms.videos.models import Caption, Video

DRAFT, PUBLISHED = "draft", "published"
VIDEO, QUIZ, TEXT = "video", "quiz", "text"
ITEM_KINDS = (VIDEO, QUIZ, TEXT)
GRADED, PRE_TEST, POST_TEST = "graded", "pre_test", "post_test"
QUIZ_ROLES = (GRADED, PRE_TEST, POST_TEST)
SINGLE, MULTIPLE, TRUE_FALSE = "single", "multiple", "true_false"
QUESTION_KINDS = (SINGLE, MULTIPLE, TRUE_FALSE)


def new_content_key() -> str:
    return secrets.token_hex(8)


def _ordered_rows(child: str, back: str):
    """A parent's list of rows (modules, items, questions, choices): in their order (``position``, from 1),
    removed with the parent or when taken out of the list."""
    return relationship(back_populates=back, order_by=f"{child}.position", cascade="all, delete-orphan")


class Course(db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    objectives: Mapped[list] = mapped_column(JSON, default=list)            # operational objectives, strings
    duration_minutes: Mapped[int | None] = mapped_column(Integer)           # declared duration
    prerequisites: Mapped[str | None] = mapped_column(Text)                 # None: "Aucun prérequis"
    remote_activities: Mapped[list] = mapped_column(JSON, default=list)     # [{"title", "minutes"}]
    support: Mapped[dict] = mapped_column(JSON, default=dict)               # {"contact", "response_time", "technical", "pedagogical"}
    assessment: Mapped[str] = mapped_column(Text, default="")               # assessment methods
    audience_note: Mapped[str] = mapped_column(Text, default="")            # who the course is for
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    source_path: Mapped[str | None] = mapped_column(String(300))            # courses/<slug> when imported from files
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Replaced by every change to the course or anything it shows (see _renew_content_keys below): what learners'
    # pages cache about a course (lms.core.cache) is keyed on it, so a cache entry can never be stale. Random
    # rather than a counter, so that a key never comes back (a rolled-back edit, a restored database).
    content_key: Mapped[str] = mapped_column(String(32), default=new_content_key)

    modules: Mapped[list[Module]] = _ordered_rows("Module", "course")

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED

    def items(self) -> list[Item]:
        return [item for module in self.modules for item in module.items]

    def publish(self) -> None:
        """State change only; the checks that may refuse it live in services.publish_course."""
        if self.status == PUBLISHED:
            raise Conflict("Ce parcours est déjà publié.", code="already_published")
        self.status, self.published_at = PUBLISHED, utcnow()

    def unpublish(self) -> None:
        if self.status != PUBLISHED:
            raise Conflict("Ce parcours n'est pas publié.", code="not_published")
        self.status = DRAFT


class Module(db.Model):
    __tablename__ = "modules"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str] = mapped_column(Text, default="")

    course: Mapped[Course] = relationship(back_populates="modules")
    items: Mapped[list[Item]] = _ordered_rows("Item", "module")


class Item(db.Model):
    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("module_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    estimated_minutes: Mapped[int | None] = mapped_column(Integer)
    content_note: Mapped[str | None] = mapped_column(Text)                  # shown before sensitive content
    body_markdown: Mapped[str] = mapped_column(Text, default="")            # text items; intro for others
    video_id: Mapped[int | None] = mapped_column(ForeignKey("videos.id", ondelete="SET NULL"), index=True)
    # Whoever put the video here could change it (its owner, a coordinator, a trainer who already could): only
    # then does this item let the course's trainer change the video (permissions.can_edit_video). False by
    # default, so that a path that attaches a video without deciding grants nothing.
    video_grants_edit: Mapped[bool] = mapped_column(Boolean, default=False)

    module: Mapped[Module] = relationship(back_populates="items")
    video: Mapped[Video | None] = relationship()
    quiz: Mapped[Quiz | None] = relationship(back_populates="item", uselist=False, cascade="all, delete-orphan")


class Quiz(db.Model):
    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), unique=True)
    role: Mapped[str] = mapped_column(String(20), default=GRADED)
    pass_mark: Mapped[int] = mapped_column(Integer, default=0)              # 0-100
    max_attempts: Mapped[int | None] = mapped_column(Integer)               # None: unlimited

    item: Mapped[Item] = relationship(back_populates="quiz")
    questions: Mapped[list[Question]] = _ordered_rows("Question", "quiz")


class Question(db.Model):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20), default=SINGLE)
    prompt: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text, default="")              # the myth and the reality

    quiz: Mapped[Quiz] = relationship(back_populates="questions")
    choices: Mapped[list[Choice]] = _ordered_rows("Choice", "question")


class Choice(db.Model):
    __tablename__ = "choices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    correct: Mapped[bool] = mapped_column(Boolean, default=False)
    feedback: Mapped[str] = mapped_column(Text, default="")

    question: Mapped[Question] = relationship(back_populates="choices")


# -- the content key: renewed in the flush that writes any change to a course's content ----------------------

CONTENT_MODELS = (Course, Module, Item, Quiz, Question, Choice, Video, Caption)


def _courses_showing(session: Session, thing) -> set[int]:
    """Ids of the courses whose content includes ``thing`` (a video: every course with an item playing it)."""
    if isinstance(thing, Caption):
        thing = thing.video
    if isinstance(thing, Video):
        if thing.id is None:  # a new video is in no course yet (new items playing it are changes of their own)
            return set()
        return set(session.scalars(select(Module.course_id).join(Item, Item.module_id == Module.id)
                                   .where(Item.video_id == thing.id)))
    for kind, parent in ((Choice, "question"), (Question, "quiz"), (Quiz, "item"), (Item, "module")):
        if isinstance(thing, kind):
            thing = getattr(thing, parent)
    if isinstance(thing, Module):
        thing = thing.course
    return {thing.id} if isinstance(thing, Course) and thing.id is not None else set()


@event.listens_for(Session, "before_flush")
def _renew_content_keys(session: Session, flush_context, instances) -> None:
    """Every course whose content this flush adds, changes or deletes gets a new ``content_key`` in the same
    flush (so in the same transaction: a rolled-back edit leaves the key as it was). All writes to these
    tables go through the ORM; a new course gets its first key from the column default."""
    changed = [thing for thing in chain(session.new, session.dirty, session.deleted)
               if isinstance(thing, CONTENT_MODELS)]
    if not changed:
        return
    with session.no_autoflush:
        course_ids = set()
        for thing in changed:
            if thing in session.dirty and not session.is_modified(thing):
                continue
            course_ids |= _courses_showing(session, thing)
        for course_id in course_ids:
            course = session.get(Course, course_id)
            if course is not None and course not in session.deleted:
                course.content_key = new_content_key()
