"""Who may do what with the videos of the library."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, or_, select

from lms.auth.models import COORDINATOR, User
from lms.auth.permissions import is_staff
from lms.core.errors import Forbidden
from lms.extensions import db
from lms.videos.models import Video
from lms.videos.queries import granted_through_courses_of, in_a_published_course


def can_manage_videos(user: User | None) -> bool:
    """Trainers and coordinators reach the video library, upload videos and use any of them in their courses;
    changing a video once uploaded needs can_edit_video."""
    return is_staff(user)


def _edited_by(user: User) -> ColumnElement[bool]:
    """The videos a trainer may change: their own, and those that a course they own uses (drafts included)
    through an item that grants it (Item.video_grants_edit, see can_edit_video)."""
    return or_(Video.owner_id == user.id, granted_through_courses_of(user.id))


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
    return in_a_published_course(video.id)


def require_manage_videos(user: User | None) -> None:
    if not can_manage_videos(user):
        raise Forbidden()


def require_view_video(user: User | None, video: Video) -> None:
    if not can_view_video(user, video):
        raise Forbidden()


def require_edit_video(user: User | None, video: Video) -> None:
    if not can_edit_video(user, video):
        raise Forbidden()
