"""GDPR: everything held about a person (export), and erasure that keeps anonymous counts."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from lms.auth.models import (
    COORDINATOR,
    ApiToken,
    AuditEvent,
    EmailToken,
    SignIn,
    User,
)
from lms.auth.services.accounts import audit
from lms.auth.services.sign_ins import revoke_access
from lms.core import outbox, privacy
from lms.core.clock import isoformat, utcnow
from lms.core.errors import Conflict
from lms.extensions import db


def export_user_data(user: User) -> dict:
    """Everything the platform holds about a person (access and portability): the sections of
    lms/wiring.py EXPORT_SECTIONS."""
    data = {"exported_at": isoformat(utcnow())}
    for name, section in privacy.export_sections().items():
        data[name] = section(user)
    return data


def export_profile(user: User) -> dict:
    return {
        "id": user.id, "email": user.email, "full_name": user.full_name, "role": user.role,
        "audience": user.audience, "audience_consent_at": isoformat(user.audience_consent_at),
        "organisation": user.organisation_name, "locale": user.locale,
        "email_reminders": user.email_reminders, "created_at": isoformat(user.created_at),
        "last_login_at": isoformat(user.last_login_at),
    }


def export_api_tokens(user: User) -> list[dict]:
    return [{"created_at": isoformat(t.created_at), "expires_at": isoformat(t.expires_at)}
            for t in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id))]


def export_sign_ins(user: User) -> list[dict]:
    return [{"created_at": isoformat(s.created_at), "expires_at": isoformat(s.expires_at)}
            for s in db.session.scalars(select(SignIn).where(SignIn.user_id == user.id).order_by(SignIn.id))]


def export_email_links(user: User) -> list[dict]:
    return [{"purpose": t.purpose, "created_at": isoformat(t.created_at), "expires_at": isoformat(t.expires_at),
             "used_at": isoformat(t.used_at)}
            for t in db.session.scalars(select(EmailToken).where(EmailToken.user_id == user.id))]


def export_account_events(user: User) -> list[dict]:
    return [{"action": e.action, "at": isoformat(e.created_at), "by_self": e.actor_id == user.id}
            for e in db.session.scalars(select(AuditEvent).where(AuditEvent.subject_id == user.id).order_by(AuditEvent.id))]


def export_emails(user: User) -> list[dict]:
    """The messages sent (or kept in the outbox) to the person's address."""
    messages = select(outbox.OutboxMessage).where(outbox.OutboxMessage.recipient == user.email).order_by(outbox.OutboxMessage.id)
    return [{"subject": m.subject, "category": m.category, "status": m.status, "created_at": isoformat(m.created_at),
             "sent_at": isoformat(m.sent_at)} for m in db.session.scalars(messages)]


def erase_user(user: User) -> None:
    """Erase personal data; the row stays as an anonymous count (role, audience, dates)."""
    if user.role == COORDINATOR and user.erased_at is None:
        others = db.session.scalar(select(func.count()).select_from(User).where(
            User.role == COORDINATOR, User.id != user.id, User.erased_at.is_(None), User.active.is_(True)))
        if not others:
            raise Conflict(_("Vous êtes la seule personne chargée de la coordination : confiez ce rôle à quelqu'un "
                             "d'autre avant d'effacer votre compte."), code="last_coordinator")
    for erase in privacy.erasers():  # the other domains' part (lms/wiring.py ERASERS)
        erase(user)
    outbox.forget_recipient(user.email)
    revoke_access(user)  # every browser session, remember cookie and API token
    db.session.execute(delete(EmailToken).where(EmailToken.user_id == user.id))
    db.session.execute(
        AuditEvent.__table__.update().where(AuditEvent.subject_id == user.id).values(detail=None)
    )
    user.email = f"erased-{user.id}@invalid"
    user.full_name = _("Compte supprimé")
    user.organisation = None
    user.password_hash = None
    user.active = False
    user.audience_consent_at = None
    user.last_login_at = None
    user.erased_at = utcnow()
    audit(None, user, "erased")
    db.session.flush()
