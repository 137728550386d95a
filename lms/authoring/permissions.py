"""Who may do what with course content."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, or_, select

from lms.auth.models import COORDINATOR, TRAINER, User
from lms.authoring.models import PUBLISHED, Course, Item, Module, Video
from lms.core.errors import Forbidden, NotFound
from lms.extensions import db

STAFF = (TRAINER, COORDINATOR)


def is_staff(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.role in STAFF)


def can_manage_videos(user: User | None) -> bool:
    """Trainers and coordinators reach the video library, upload videos and use any of them in their courses;
    changing a video once uploaded needs can_edit_video."""
    return is_staff(user)


def _edited_by(user: User) -> ColumnElement[bool]:
    """The videos a trainer may change: their own, and those that a course they own uses (drafts included)
    through an item that grants it (Item.video_grants_edit, see can_edit_video)."""
    in_their_courses = (select(Item.video_id).join(Module, Item.module_id == Module.id)
                        .join(Course, Module.course_id == Course.id)
                        .where(Course.owner_id == user.id, Item.video_grants_edit.is_(True)))
    return or_(Video.owner_id == user.id, Video.id.in_(in_their_courses))


def can_edit_video(user: User | None, video: Video) -> bool:
    """Its captions, transcript, title or file: the video's owner, a trainer of a course that uses it (the
    course's owner, as in can_edit_course), or a coordinator. Another trainer could otherwise change what the
    learners of someone else's published course see.

    The library is shared: any trainer may put any video in their own course (partners' films are reused
    across courses), so "a course that uses it" alone would hand the right to whoever reuses the video. A course
    therefore confers the right only through an item whose video was put there by someone who could change it
    at that moment (its owner, a coordinator, or a trainer who already could): the item remembers it in
    ``video_grants_edit``, set by every path that attaches a video (services.add_item/update_item, the course
    importer). The owner or a coordinator building a course for a trainer thus hands the video over with it;
    a trainer reusing a colleague's film plays it but cannot change it. The right so given stays with the
    course's items: removing every granting item takes it back."""
    if not is_staff(user):
        return False
    if user.role == COORDINATOR or (video.owner_id is not None and video.owner_id == user.id):
        return True
    return db.session.scalar(select(Video.id).where(Video.id == video.id, _edited_by(user)).limit(1)) is not None


def editable_video_ids(user: User | None, video_ids: Iterable[int]) -> set[int]:
    """Those of ``video_ids`` that ``user`` may edit (can_edit_video), in one query: for a list of videos."""
    video_ids = set(video_ids)
    if not is_staff(user) or not video_ids:
        return set()
    if user.role == COORDINATOR:
        return video_ids
    return set(db.session.scalars(select(Video.id).where(Video.id.in_(video_ids), _edited_by(user))))


def can_view_video(user: User | None, video: Video) -> bool:
    """Staff always; a learner only when an item of a published course uses the video (drafts stay closed)."""
    if is_staff(user):
        return True
    if user is None or not user.is_authenticated:
        return False
    used = db.session.scalar(
        select(Item.id).join(Module, Item.module_id == Module.id).join(Course, Module.course_id == Course.id)
        .where(Item.video_id == video.id, Course.status == PUBLISHED).limit(1)
    )
    return used is not None


def require_manage_videos(user: User | None) -> None:
    if not can_manage_videos(user):
        raise Forbidden()


def require_view_video(user: User | None, video: Video) -> None:
    if not can_view_video(user, video):
        raise Forbidden()


def require_edit_video(user: User | None, video: Video) -> None:
    if not can_edit_video(user, video):
        raise Forbidden()


# -- courses -------------------------------------------------------------------

def can_view_course(user: User | None, course: Course) -> bool:
    """Published: any signed-in user; draft: trainers and coordinators (API.md: staff also see drafts)."""
    if user is None or not user.is_authenticated:
        return False
    return course.status == PUBLISHED or is_staff(user)


def can_create_course(user: User | None) -> bool:
    return is_staff(user)


def can_edit_course(user: User | None, course: Course) -> bool:
    """The trainer who owns the course, or any coordinator."""
    if not is_staff(user):
        return False
    return user.role == COORDINATOR or (course.owner_id is not None and course.owner_id == user.id)


def require_view_course(user: User | None, course: Course) -> None:
    """A draft does not exist for those who may not see it: NotFound, not Forbidden."""
    if not can_view_course(user, course):
        raise NotFound()


def require_create_course(user: User | None) -> None:
    if not can_create_course(user):
        raise Forbidden()


def require_edit_course(user: User | None, course: Course) -> None:
    """NotFound for who may not even see it (learners and drafts), Forbidden for who sees it but may not edit."""
    require_view_course(user, course)
    if not can_edit_course(user, course):
        raise Forbidden()


# -- the authoring pages (/edition) ----------------------------------------------

def can_author(user: User | None) -> bool:
    """Trainers and coordinators reach the authoring pages; each course then needs can_edit_course."""
    return is_staff(user)


def require_author(user: User | None) -> None:
    """Learners get 403 on every authoring page, whatever the course (a draft is not revealed either way)."""
    if not can_author(user):
        raise Forbidden()
