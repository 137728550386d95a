"""Read models of the video library: its list, and where a video is used.

Which courses play a video is authoring's knowledge (its items point at videos). Authoring sits above videos: it
imports lms.videos to put videos in items. So videos read these three tables of authoring by name, the columns
below only, rather than importing authoring's models (an import cycle between the two domains); a renamed column
fails the video tests (tests/videos)."""
from __future__ import annotations

from sqlalchemy import Boolean, ColumnElement, Integer, Select, String, column, select, table
from sqlalchemy.orm import selectinload

from lms.extensions import db
from lms.videos.models import Video

items = table("items", column("id", Integer), column("module_id", Integer), column("video_id", Integer),
              column("video_grants_edit", Boolean))
modules = table("modules", column("id", Integer), column("course_id", Integer))
courses = table("courses", column("id", Integer), column("title", String), column("status", String),
                column("owner_id", Integer))
PUBLISHED = "published"  # courses.status of a published course (authoring.models.PUBLISHED)


def library() -> Select:
    """The videos of the trainers' library, newest first, with their captions.

    Every video: any trainer or coordinator may use any video in their courses (permissions.can_manage_videos);
    changing one is for those of permissions.can_edit_video."""
    return select(Video).options(selectinload(Video.captions)).order_by(Video.created_at.desc(), Video.id.desc())


def _items_of_courses() -> Select:
    return select(items.c.video_id).join(modules, items.c.module_id == modules.c.id).join(
        courses, modules.c.course_id == courses.c.id)


def granted_through_courses_of(user_id: int) -> ColumnElement[bool]:
    """The videos that a course owned by ``user_id`` plays (drafts included) through an item that grants them
    (items.video_grants_edit, see permissions.can_edit_video)."""
    granting = _items_of_courses().where(courses.c.owner_id == user_id, items.c.video_grants_edit.is_(True))
    return Video.id.in_(granting)


def in_a_published_course(video_id: int) -> bool:
    """Whether an item of a published course plays the video (drafts stay closed to learners)."""
    used = _items_of_courses().where(items.c.video_id == video_id, courses.c.status == PUBLISHED).limit(1)
    return db.session.scalar(used) is not None


def courses_using(video: Video) -> list:
    """The courses (drafts and published) with an item showing this video, by title: rows of (id, title, status)."""
    # A subquery rather than DISTINCT: PostgreSQL cannot compare the JSON columns of courses.
    using = select(modules.c.course_id).join(items, items.c.module_id == modules.c.id).where(items.c.video_id == video.id)
    stmt = (select(courses.c.id, courses.c.title, courses.c.status).where(courses.c.id.in_(using))
            .order_by(courses.c.title, courses.c.id))
    return list(db.session.execute(stmt))
