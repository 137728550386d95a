"""Who may do what with course content."""
from __future__ import annotations

from sqlalchemy import select

from lms.auth.models import COORDINATOR, TRAINER, User
from lms.authoring.models import PUBLISHED, Course, Item, Module, Video
from lms.core.errors import Forbidden
from lms.extensions import db

STAFF = (TRAINER, COORDINATOR)


def is_staff(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.role in STAFF)


def can_manage_videos(user: User | None) -> bool:
    """Trainers and coordinators upload videos, captions and transcripts."""
    return is_staff(user)


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
