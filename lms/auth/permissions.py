"""Who may do what with accounts."""
from __future__ import annotations

from lms.auth.models import COORDINATOR, User
from lms.core.errors import Forbidden


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
