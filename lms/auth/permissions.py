"""Who may do what with accounts."""
from __future__ import annotations

from lms.auth.models import COORDINATOR, TRAINER, User
from lms.core.errors import Forbidden

STAFF = (TRAINER, COORDINATOR)


def is_staff(user: User | None) -> bool:
    """Trainers and coordinators: they build courses and share the video library."""
    return bool(user is not None and user.is_authenticated and user.role in STAFF)


def can_manage_users(actor: User) -> bool:
    return actor.is_authenticated and actor.role == COORDINATOR


def can_view_user(actor: User, target: User) -> bool:
    return actor.is_authenticated and (actor.id == target.id or actor.role == COORDINATOR)


def can_read_outbox(actor: User) -> bool:
    return can_manage_users(actor)


def require_manage_users(actor: User) -> None:
    if not can_manage_users(actor):
        raise Forbidden()


def require_view_user(actor: User, target: User) -> None:
    if not can_view_user(actor, target):
        raise Forbidden()


def require_read_outbox(actor: User) -> None:
    if not can_read_outbox(actor):
        raise Forbidden()
