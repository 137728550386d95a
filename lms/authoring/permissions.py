"""Who may do what with course content (the videos' rules are in lms.videos.permissions)."""
from __future__ import annotations

from lms.auth.models import COORDINATOR, User
from lms.auth.permissions import is_staff
from lms.authoring.models import PUBLISHED, Course
from lms.core.errors import Forbidden, NotFound

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
