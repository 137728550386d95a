"""The verbs of accounts. Services add and flush; the caller commits."""
from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select

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
)
from lms.auth.passwords import hash_password, needs_rehash, verify_password
from lms.auth.permissions import require_manage_users
from lms.core import outbox, privacy
from lms.core.jobs import due_job
from lms.core.clock import as_utc, isoformat, utcnow
from lms.core.errors import Conflict, Forbidden, Invalid, NotFound
from lms.extensions import db

MAX_IMPORT_ROWS = 5000


# -- validation -------------------------------------------------------------

def normalize_email(raw: str | None) -> str:
    """Lower-cased, syntactically valid address, or Invalid on the ``email`` field."""
    try:
        result = validate_email((raw or "").strip(), check_deliverability=False)
    except EmailNotValidError:
        raise Invalid(_("Adresse électronique invalide."), fields={"email": _("Adresse électronique invalide.")})
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
    found = db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower()))
    if found is None:
        found = Organisation(name=name)
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


# -- accounts ---------------------------------------------------------------

def register(*, email: str, password: str, full_name: str, audience: str | None = None,
             organisation: str | None = None, audience_consent: bool = False) -> User:
    """Self-registration of a learner."""
    if not current_app.config["SELF_REGISTRATION"]:
        raise Forbidden(_("L'inscription libre est fermée ; demandez une invitation à la coordination."),
                        code="registration_closed")
    email = normalize_email(email)
    full_name = check_full_name(full_name)
    check_password_strength(password)
    audience = check_audience(audience, audience_consent)
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
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or as_utc(token.expires_at) <= utcnow():
        return None
    return token.user if token.user.is_active else None


def create_user(actor: User | None, *, email: str, full_name: str, role: str = LEARNER, audience: str | None = None,
                organisation: str | None = None, password: str | None = None) -> User:
    """A coordinator (or the command line, actor None) creates an account.

    Without a password an invitation is emailed."""
    if actor is not None:
        require_manage_users(actor)
    email = normalize_email(email)
    full_name = check_full_name(full_name)
    if role not in ROLES:
        raise Invalid(_("Rôle inconnu."), fields={"role": _("Rôle inconnu.")})
    if audience in SENSITIVE_AUDIENCES:
        message = _("Ce public révèle une information de santé : seule la personne peut le déclarer.")
        raise Invalid(message, fields={"audience": message})
    audience = check_audience(audience, consent=False)
    if password:
        check_password_strength(password)
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


def request_password_reset(email: str) -> None:
    """Always behaves the same, whether or not the address has an account."""
    user = user_by_email(email or "")
    if user is None or not user.is_active:
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
    if not verify_password(user.password_hash, current or ""):
        message = _("Le mot de passe actuel est incorrect.")
        raise Invalid(message, fields={"current_password": message})
    check_password_strength(new, "new_password")
    user.password_hash = hash_password(new)
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    audit(user, user, "password_changed")


def change_role(actor: User, user: User, role: str) -> User:
    require_manage_users(actor)
    if role not in ROLES:
        raise Invalid(_("Rôle inconnu."), fields={"role": _("Rôle inconnu.")})
    if user.id == actor.id and role != COORDINATOR:
        raise Conflict(_("Vous ne pouvez pas retirer votre propre rôle de coordination."), code="own_role")
    if user.role != role:
        audit(actor, user, "role_changed", f"{user.role} -> {role}")
        user.role = role
    return user


def search_users(query: str | None = None, role: str | None = None):
    stmt = select(User).where(User.erased_at.is_(None)).order_by(func.lower(User.full_name), User.id)
    if role in ROLES:
        stmt = stmt.where(User.role == role)
    if query and query.strip():
        like = f"%{query.strip().lower()}%"
        stmt = stmt.outerjoin(Organisation).where(
            or_(func.lower(User.full_name).like(like), User.email.like(like), func.lower(Organisation.name).like(like))
        )
    return stmt


# -- CSV import -------------------------------------------------------------

@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "errors": self.errors}


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), or Windows-1252 as French spreadsheets often save."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict")


def import_users_csv(actor: User, text: str) -> ImportResult:
    """Create or update learners from ``email,full_name,audience,organisation``.

    Line numbers count the header as line 1. Bad rows are reported and skipped;
    good rows are kept; importing the same file twice creates nobody.
    """
    require_manage_users(actor)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise Invalid(_("Le fichier est vide."), code="empty_csv")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        raise Invalid(_("Fichier CSV illisible : %(e)s", e=str(exc)), code="malformed_csv")
    missing = [name for name in ("email", "full_name") if name not in header]
    if missing:
        raise Invalid(_("En-tête attendu : email,full_name,audience,organisation (manque : %(m)s).", m=", ".join(missing)),
                      code="bad_header")
    result = ImportResult()
    seen: set[str] = set()
    line = 1
    try:
        for line, row in enumerate(reader, start=2):
            if line - 1 > MAX_IMPORT_ROWS:
                result.errors.append({"line": line, "message": _("Au-delà de %(n)d lignes : importez en plusieurs fichiers.", n=MAX_IMPORT_ROWS)})
                break
            if not any(cell.strip() for cell in row):
                continue
            values = dict(zip(header, (cell.strip() for cell in row)))
            try:
                _import_row(actor, values, seen, result)
            except (Invalid, Conflict) as exc:
                result.errors.append({"line": line, "message": _row_message(exc)})
    except csv.Error as exc:
        result.errors.append({"line": line + 1, "message": _("Ligne illisible : %(e)s", e=str(exc))})
    audit(actor, None, "users_imported", f"created={result.created} updated={result.updated} errors={len(result.errors)}")
    return result


def _row_message(exc: Invalid | Conflict) -> str:
    return "; ".join(f"{name} : {why}" for name, why in exc.fields.items()) if exc.fields else exc.message


def _import_row(actor: User, values: dict, seen: set[str], result: ImportResult) -> None:
    email = normalize_email(values.get("email"))
    if email in seen:
        raise Conflict(_("Adresse déjà présente plus haut dans le fichier."), fields={"email": _("adresse en double dans le fichier")})
    seen.add(email)
    full_name = check_full_name(values.get("full_name"))
    audience = (values.get("audience") or "").strip() or None
    if audience in SENSITIVE_AUDIENCES:
        raise Invalid(fields={"audience": _("ce public révèle une information de santé : seule la personne peut le déclarer")})
    audience = check_audience(audience, consent=False)
    organisation = values.get("organisation") or None
    user = user_by_email(email)
    if user is None:
        create_user(actor, email=email, full_name=full_name, role=LEARNER, audience=audience, organisation=organisation)
        result.created += 1
        return
    org = organisation_named(organisation) if organisation else user.organisation
    changed = (user.full_name, user.audience, user.organisation_id) != (full_name, audience or user.audience, org.id if org else None)
    if changed:
        user.full_name, user.organisation = full_name, org
        user.audience = audience or user.audience
        result.updated += 1
    else:
        result.unchanged += 1


# -- GDPR -------------------------------------------------------------------

def export_user_data(user: User) -> dict:
    """Everything the platform holds about a person (access and portability)."""
    data = {
        "exported_at": isoformat(utcnow()),
        "profile": {
            "id": user.id, "email": user.email, "full_name": user.full_name, "role": user.role,
            "audience": user.audience, "audience_consent_at": isoformat(user.audience_consent_at),
            "organisation": user.organisation_name, "locale": user.locale,
            "email_reminders": user.email_reminders, "created_at": isoformat(user.created_at),
            "last_login_at": isoformat(user.last_login_at),
        },
        "api_tokens": [
            {"created_at": isoformat(t.created_at), "expires_at": isoformat(t.expires_at)}
            for t in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id))
        ],
        "email_links": [
            {"purpose": t.purpose, "created_at": isoformat(t.created_at), "expires_at": isoformat(t.expires_at), "used_at": isoformat(t.used_at)}
            for t in db.session.scalars(select(EmailToken).where(EmailToken.user_id == user.id))
        ],
        "account_events": [
            {"action": e.action, "at": isoformat(e.created_at), "by_self": e.actor_id == user.id}
            for e in db.session.scalars(select(AuditEvent).where(AuditEvent.subject_id == user.id).order_by(AuditEvent.id))
        ],
        "emails": [
            {"subject": m.subject, "category": m.category, "status": m.status, "created_at": isoformat(m.created_at),
             "sent_at": isoformat(m.sent_at)}
            for m in db.session.scalars(select(outbox.OutboxMessage).where(outbox.OutboxMessage.recipient == user.email).order_by(outbox.OutboxMessage.id))
        ],
    }
    for name, section in privacy.export_sections.items():
        data[name] = section(user)
    return data


def erase_user(user: User) -> None:
    """Erase personal data; the row stays as an anonymous count (role, audience, dates)."""
    if user.role == COORDINATOR and user.erased_at is None:
        others = db.session.scalar(select(func.count()).select_from(User).where(
            User.role == COORDINATOR, User.id != user.id, User.erased_at.is_(None), User.active.is_(True)))
        if not others:
            raise Conflict(_("Vous êtes la seule personne chargée de la coordination : confiez ce rôle à quelqu'un "
                             "d'autre avant d'effacer votre compte."), code="last_coordinator")
    for erase in privacy.erasers:
        erase(user)
    outbox.forget_recipient(user.email)
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
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


# -- progress -----------------------------------------------------------------

# The learning domain appends a function user -> [{course_id, started_at, completed_at,
# completed_items, required_items}] so accounts never import it (no cycle).
progress_providers: list = []


def course_progress(user: User) -> list[dict]:
    return [row for provider in progress_providers for row in provider(user)]


# -- retention -------------------------------------------------------------------

INACTIVITY_LIMIT = timedelta(days=730)   # two years without signing in
INACTIVITY_NOTICE = timedelta(days=30)   # the warning comes this long before erasure


@due_job
def process_inactive_accounts() -> int:
    """Warn learners and trainers inactive for 23 months; erase them 30 days after the warning.

    Coordinators' accounts are institutional and kept. Signing in again clears the warning.
    """
    now = utcnow()
    last_active = func.coalesce(User.last_login_at, User.created_at)
    candidates = select(User).where(User.erased_at.is_(None), User.role != COORDINATOR)
    done = 0
    for user in db.session.scalars(candidates.where(User.inactivity_warned_at.is_(None),
                                                    last_active <= now - INACTIVITY_LIMIT + INACTIVITY_NOTICE)):
        user.inactivity_warned_at = now
        outbox.enqueue_email(
            to=user.email,
            subject=_("Votre compte de formation sera supprimé dans 30 jours"),
            template="auth/inactivity_warning",
            context={"user": user, "erase_on": now + INACTIVITY_NOTICE,
                     "link": f"{current_app.config['BASE_URL']}/connexion"},
            dedupe_key=f"inactivity:{user.id}:{as_utc(user.last_active_at).date().isoformat()}",
            category="inactivity_warning",
        )
        done += 1
    for user in db.session.scalars(candidates.where(User.inactivity_warned_at <= now - INACTIVITY_NOTICE,
                                                    last_active <= now - INACTIVITY_LIMIT)):
        erase_user(user)
        done += 1
    db.session.flush()
    return done
