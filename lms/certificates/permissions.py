"""Who may see and revoke certificates. The verification page is public and needs no rule."""
from __future__ import annotations

from lms.auth.models import COORDINATOR, User
from lms.certificates.models import Certificate
from lms.core.errors import Forbidden


def is_coordinator(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.role == COORDINATOR)


def can_view_certificate(user: User | None, certificate: Certificate) -> bool:
    """The holder and coordinators; anyone else (trainers included) gets 403."""
    if user is None or not user.is_authenticated:
        return False
    return is_coordinator(user) or (certificate.user_id is not None and certificate.user_id == user.id)


def can_manage_certificates(user: User | None) -> bool:
    return is_coordinator(user)


def require_view_certificate(user: User | None, certificate: Certificate) -> None:
    if not can_view_certificate(user, certificate):
        raise Forbidden()


def require_revoke_certificates(user: User | None) -> None:
    if not can_manage_certificates(user):
        raise Forbidden()
