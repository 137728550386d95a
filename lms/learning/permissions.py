"""Who sees a course's learner pages. Built on lms.authoring.permissions.

A published course: anyone signed in. A draft: only those who may edit it (its owner
trainer, any coordinator), as a preview of what learners will see; for everyone else
it does not exist (404, as the API does for learners).
"""
from __future__ import annotations

from lms.auth.models import User
from lms.authoring.models import Course
from lms.authoring.permissions import can_edit_course, can_view_course
from lms.core.errors import NotFound


def can_view_course_page(user: User | None, course: Course) -> bool:
    if not can_view_course(user, course):
        return False
    return course.is_published or can_edit_course(user, course)


def require_view_course_page(user: User | None, course: Course) -> None:
    if not can_view_course_page(user, course):
        raise NotFound()


def is_preview(user: User | None, course: Course) -> bool:
    """A draft seen by one of its editors: the page says it is a preview."""
    return not course.is_published and can_edit_course(user, course)
