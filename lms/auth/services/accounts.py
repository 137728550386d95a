"""Accounts: validation, registration, sign-in, tokens, invitations, passwords, roles."""
from __future__ import annotations

import secrets
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import lazyload

from lms.auth.models import (
    AUDIENCES,
    COORDINATOR,
    INVITATION,
    LEARNER,
    PASSWORD_RESET,
    ROLES,
    SENSITIVE_AUDIENCES,
    ApiToken,
    AuditEvent,
    EmailToken,
    Organisation,
    User,
    hash_token,
    organisation_key,
)
from lms.auth.permissions import require_manage_users
from lms.auth.services.passwords import hash_password, needs_rehash, verify_password
from lms.auth.services.sign_ins import revoke_access
from lms.core import outbox
from lms.core.clock import as_utc, utcnow
from lms.core.errors import Conflict, FieldErrors, Forbidden, Invalid, NotFound
from lms.core.ratelimit import may_send_password_reset
from lms.extensions import db


def normalize_email(raw: str | None) -> str:
    """Lower-cased, syntactically valid address, or Invalid on the ``email`` field."""
    try:
        result = validate_email((raw or "").strip(), check_deliverability=False)
    except EmailNotValidError:
        raise Invalid(_("Adresse électronique invalide."), fields={"email": _("Adresse électronique invalide.")}) from None
    return result.normalized.lower()


def check_password_strength(password: str | None, field_name: str = "password") -> str:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if not password or len(password) < minimum:
        message = _("Le mot de passe doit comporter au moins %(n)d caractères.", n=minimum)
        raise Invalid(message, fields={field_name: message})
    if len(password) > 256:
        message = _("Le mot de passe est trop long (256 caractères au plus).")
        raise Invalid(message, fields={field_name: message})
    return password


def check_audience(audience: str | None, consent: bool) -> str | None:
    """``None`` means "je préfère ne pas répondre". A health-revealing audience needs consent."""
    if audience in (None, "", "prefer_not_to_say"):
        return None
    if audience not in AUDIENCES:
        message = _("Public inconnu.")
        raise Invalid(message, fields={"audience": message})
    if audience in SENSITIVE_AUDIENCES and not consent:
        message = _("Cette réponse révèle une information de santé : cochez la case de consentement ou choisissez « je préfère ne pas répondre ».")
        raise Invalid(message, fields={"audience_consent": message})
    return audience


def check_full_name(full_name: str | None) -> str:
    name = " ".join((full_name or "").split())
    if not name or len(name) > 200:
        message = _("Indiquez un nom complet (200 caractères au plus).")
        raise Invalid(message, fields={"full_name": message})
    return name


def organisation_named(name: str | None) -> Organisation | None:
    name = " ".join((name or "").split())[:200]
    if not name:
        return None
    key = organisation_key(name)
    found = db.session.scalar(select(Organisation).where(Organisation.name_key == key))
    if found is None:
        found = Organisation(name=name, name_key=key)
        db.session.add(found)
        db.session.flush()
    return found


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.erased_at is not None:
        raise NotFound(_("Cette personne n'existe pas."))
    return user


def audit(actor: User | None, subject: User | None, action: str, detail: str | None = None) -> None:
    db.session.add(
        AuditEvent(actor_id=actor.id if actor else None, subject_id=subject.id if subject else None, action=action, detail=detail)
    )



def register(*, email: str, password: str, full_name: str, audience: str | None = None,
             organisation: str | None = None, audience_consent: bool = False) -> User:
    """Self-registration of a learner."""
    if not current_app.config["SELF_REGISTRATION"]:
        raise Forbidden(_("L'inscription libre est fermée ; demandez une invitation à la coordination."),
                        code="registration_closed")
    errors = FieldErrors()  # every wrong value at once
    email = errors.check(normalize_email, email)
    full_name = errors.check(check_full_name, full_name)
    errors.check(check_password_strength, password)
    audience = errors.check(check_audience, audience, audience_consent)
    errors.raise_if_any()
    if user_by_email(email):
        raise Conflict(_("Un compte existe déjà avec cette adresse."), code="email_taken",
                       fields={"email": _("Un compte existe déjà avec cette adresse.")})
    user = User(email=email, full_name=full_name, role=LEARNER, audience=audience,
                audience_consent_at=utcnow() if audience in SENSITIVE_AUDIENCES else None,
                organisation=organisation_named(organisation), password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    audit(user, user, "registered")
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user if the credentials are right and the account active; None otherwise."""
    user = user_by_email(email or "")
    if not verify_password(user.password_hash if user else None, password or "") or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    user.inactivity_warned_at = None
    return user


def issue_api_token(user: User) -> tuple[str, datetime]:
    raw = secrets.token_urlsafe(32)
    expires_at = utcnow() + current_app.config["API_TOKEN_TTL"]
    db.session.add(ApiToken(user_id=user.id, token_hash=hash_token(raw), expires_at=expires_at))
    db.session.flush()
    return raw, expires_at


def user_for_api_token(raw: str) -> User | None:
    """The active user of an unexpired token, in one query that loads the user alone (every API request)."""
    user = db.session.scalar(_USER_FOR_TOKEN, {"token_hash": hash_token(raw), "now": utcnow()})
    return user if user is not None and user.is_active else None


# Built once: every request runs one of them (a statement built once is compiled and keyed once).
_USER_FOR_TOKEN = (select(User).join(ApiToken, ApiToken.user_id == User.id).options(lazyload(User.organisation))
                   .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.expires_at > bindparam("now")))

# The same rule as user_for_api_token (unexpired token, active and not erased user) as a scalar subquery, for
# a hot query that authenticates and reads in one round trip; its parameters come from token_parameters().
TOKEN_USER_ID = (select(ApiToken.user_id).join(User, User.id == ApiToken.user_id)
                 .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.expires_at > bindparam("token_now"),
                        User.active.is_(True), User.erased_at.is_(None))
                 .scalar_subquery())


def token_parameters(raw: str) -> dict:
    return {"token_hash": hash_token(raw), "token_now": utcnow()}


def create_user(actor: User | None, *, email: str, full_name: str, role: str = LEARNER, audience: str | None = None,
                organisation: str | None = None, password: str | None = None) -> User:
    """A coordinator (or the command line, actor None) creates an account.

    Without a password an invitation is emailed."""
    if actor is not None:
        require_manage_users(actor)
    errors = FieldErrors()  # every wrong value at once
    email = errors.check(normalize_email, email)
    full_name = errors.check(check_full_name, full_name)
    if role not in ROLES:
        errors.add("role", _("Rôle inconnu."))
    if audience in SENSITIVE_AUDIENCES:
        errors.add("audience", _("Ce public révèle une information de santé : seule la personne peut le déclarer."))
    else:
        audience = errors.check(check_audience, audience, consent=False)
    if password:
        errors.check(check_password_strength, password)
    errors.raise_if_any()
    if user_by_email(email):
        raise Conflict(_("Un compte existe déjà avec cette adresse."), code="email_taken",
                       fields={"email": _("Un compte existe déjà avec cette adresse.")})
    user = User(email=email, full_name=full_name, role=role, audience=audience,
                organisation=organisation_named(organisation),
                password_hash=hash_password(password) if password else None)
    db.session.add(user)
    db.session.flush()
    audit(actor, user, "created", role)
    if not password:
        send_invitation(user, actor)
    return user


def _new_email_token(user: User, purpose: str) -> tuple[str, EmailToken]:
    ttl = current_app.config["INVITATION_TTL" if purpose == INVITATION else "PASSWORD_RESET_TTL"]
    raw = secrets.token_urlsafe(32)
    token = EmailToken(user_id=user.id, purpose=purpose, token_hash=hash_token(raw), expires_at=utcnow() + ttl)
    db.session.add(token)
    db.session.flush()
    return raw, token


def send_invitation(user: User, inviter: User | None) -> EmailToken:
    raw, token = _new_email_token(user, INVITATION)
    outbox.enqueue_email(
        to=user.email,
        subject=_("Invitation à la formation en santé mentale du CLSM"),
        template="auth/invitation",
        context={"user": user, "inviter": inviter, "link": f"{current_app.config['BASE_URL']}/mot-de-passe/{raw}",
                 "expires_at": token.expires_at},
        dedupe_key=f"invitation:{token.id}",
        category="invitation",
    )
    return token


def resend_invitation(actor: User, user: User) -> EmailToken:
    """A new invitation link for someone who never set a password (the old links stop working)."""
    require_manage_users(actor)
    if user.password_hash:
        raise Conflict(_("Cette personne a déjà choisi son mot de passe : elle peut utiliser « Mot de passe oublié »."),
                       code="already_active")
    for old in db.session.scalars(select(EmailToken).where(EmailToken.user_id == user.id, EmailToken.used_at.is_(None))):
        old.used_at = utcnow()
    audit(actor, user, "invitation_resent")
    return send_invitation(user, actor)


def request_password_reset(email: str) -> None:
    """Always behaves the same, whether or not the address has an account, and however often it is asked:
    at most one email per account per PASSWORD_RESET_EMAIL_LIMIT (the link of the last one stays valid)."""
    user = user_by_email(email or "")
    if user is None or not user.is_active or not may_send_password_reset(user.id):
        return
    raw, token = _new_email_token(user, PASSWORD_RESET)
    outbox.enqueue_email(
        to=user.email,
        subject=_("Réinitialisation de votre mot de passe"),
        template="auth/password_reset",
        context={"user": user, "link": f"{current_app.config['BASE_URL']}/mot-de-passe/{raw}",
                 "expires_at": token.expires_at},
        dedupe_key=f"password_reset:{token.id}",
        category="password_reset",
    )


def find_email_token(raw: str) -> EmailToken | None:
    """A usable token (not used, not expired), or None."""
    token = db.session.scalar(select(EmailToken).where(EmailToken.token_hash == hash_token(raw or "")))
    if token is None or token.used_at is not None or as_utc(token.expires_at) <= utcnow():
        return None
    return token if token.user.is_active else None


def set_password_with_token(raw: str, password: str) -> User:
    token = find_email_token(raw)
    if token is None:
        raise NotFound(_("Ce lien n'est plus valable : il a déjà servi ou il a expiré. Demandez-en un nouveau."),
                       code="invalid_token")
    check_password_strength(password)
    token.used_at = utcnow()
    # Every other outstanding link for this person dies with this one.
    for other in db.session.scalars(select(EmailToken).where(EmailToken.user_id == token.user_id, EmailToken.used_at.is_(None))):
        other.used_at = token.used_at
    token.user.password_hash = hash_password(password)
    revoke_access(token.user)  # whoever held a session or a token before the reset holds nothing now
    audit(token.user, token.user, f"password_set_{token.purpose}")
    return token.user


def update_profile(user: User, *, full_name: str, organisation: str | None, email_reminders: bool,
                   locale: str | None = None, audience: str | None = None, audience_consent: bool = False) -> User:
    user.full_name = check_full_name(full_name)
    user.organisation = organisation_named(organisation)
    user.email_reminders = bool(email_reminders)
    new_audience = check_audience(audience, audience_consent)
    if new_audience != user.audience:
        user.audience = new_audience
        user.audience_consent_at = utcnow() if new_audience in SENSITIVE_AUDIENCES else None
    if locale in current_app.config["LANGUAGES"]:
        user.locale = locale
    db.session.flush()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """A new password; every browser session, remember cookie and API token of the person stops working
    (the caller's included: a browser that changed it signs in again). A wrong current one is Forbidden."""
    if not verify_password(user.password_hash, current or ""):
        message = _("Le mot de passe actuel est incorrect.")
        raise Forbidden(message, code="wrong_password", fields={"current_password": message})
    check_password_strength(new, "new_password")
    user.password_hash = hash_password(new)
    revoke_access(user)
    audit(user, user, "password_changed")


def sign_out_everywhere(user: User) -> None:
    """ "Se déconnecter de tous les appareils": every session, remember cookie and API token, this one included."""
    revoke_access(user)
    audit(user, user, "signed_out_everywhere")


def change_role(actor: User, user: User, role: str) -> User:
    require_manage_users(actor)
    if role not in ROLES:
        raise Invalid(_("Rôle inconnu."), fields={"role": _("Rôle inconnu.")})
    if user.id == actor.id and role != COORDINATOR:
        raise Conflict(_("Vous ne pouvez pas retirer votre propre rôle de coordination."), code="own_role")
    if user.role != role:
        audit(actor, user, "role_changed", f"{user.role} -> {role}")
        user.role = role
        revoke_access(user)  # what was granted under the old role ends with it: the person signs in again
    return user


def search_users(query: str | None = None, role: str | None = None):
    stmt = select(User).where(User.erased_at.is_(None)).order_by(func.lower(User.full_name), User.id)
    if role in ROLES:
        stmt = stmt.where(User.role == role)
    if query and query.strip():
        like = f"%{query.strip().lower()}%"
        stmt = stmt.outerjoin(Organisation).where(
            or_(func.lower(User.full_name).like(like), User.email.like(like),
                Organisation.name_key.like(f"%{query.strip().casefold()}%"))
        )
    return stmt
