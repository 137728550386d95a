"""Accounts: users, organisations, API tokens and single-use email tokens."""
from __future__ import annotations

import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.clock import utcnow
from lms.extensions import db

LEARNER, TRAINER, COORDINATOR = "learner", "trainer", "coordinator"
ROLES = (LEARNER, TRAINER, COORDINATOR)
AUDIENCES = ("professional", "elected_official", "mdph_agent", "user_or_carer", "other")
# Audiences that reveal health information: optional and only with explicit consent.
SENSITIVE_AUDIENCES = ("user_or_carer",)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def organisation_key(name: str) -> str:
    return " ".join(name.split()).casefold()[:200]


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Case-folded in Python (SQLite's lower() ignores accents): "École" and "ÉCOLE" are one organisation.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stored lower-cased: uniqueness is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default=LEARNER, index=True)
    audience: Mapped[str | None] = mapped_column(String(30), index=True)
    audience_consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    email_reminders: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # GDPR: inactive accounts are warned, then erased (services.process_inactive_accounts).
    inactivity_warned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    # The browser sign-in this object was loaded for (or just started): "<user id>:<sign-in key>", see SignIn.
    sign_in_id = None

    def get_id(self) -> str:  # Flask-Login: what the session and the remember cookie hold
        if self.sign_in_id is None:
            raise RuntimeError("a browser signs in through auth.services.start_sign_in, which names its SignIn")
        return self.sign_in_id

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active and self.erased_at is None

    @property
    def last_active_at(self) -> datetime:
        return self.last_login_at or self.created_at

    @property
    def organisation_name(self) -> str | None:
        return self.organisation.name if self.organisation else None

    @property
    def is_coordinator(self) -> bool:
        return self.role == COORDINATOR

    @property
    def is_trainer(self) -> bool:
        return self.role == TRAINER

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class PersonalSecret:
    """The columns of a secret a person holds for a while (an API token, a browser's sign-in): whose it is,
    when it was made and until when it lives. Only the secret's hash is stored, in the table's own column."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiToken(PersonalSecret, db.Model):
    """Bearer tokens for the JSON API; only a hash is stored."""

    __tablename__ = "api_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)

    user: Mapped[User] = relationship()


class SignIn(PersonalSecret, db.Model):
    """One browser's sign-in, alive while its row exists: the server's half of the session and remember cookies.

    Flask-Login keeps ``user.get_id()`` in the session and signs it into the "Rester connecté·e" cookie; here
    that alternative id is ``"<user id>:<key>"``, with ``key`` a random secret drawn at each sign-in (only its
    hash is stored). The user loader (auth.services.user_for_session) finds the user through this row, in the
    same single statement that loads the user, so that deleting rows revokes at once:
    signing out deletes that browser's row (its session cookie and remember cookie, even copies of them, stop
    working; other browsers are untouched); a password change or reset, a role change, erasure and "Se
    déconnecter de tous les appareils" delete every row of the person (with their API tokens). Each sign-in
    draws a new key, so the remember cookie differs at every sign-in, and it cannot be forged from the user id
    and the app's secret alone. ``expires_at`` bounds a sign-in nobody ended (the longest cookie lifetime);
    rows past it are dropped at the person's next sign-in.
    """

    __tablename__ = "sign_ins"

    key_hash: Mapped[str] = mapped_column(String(64), unique=True)


PASSWORD_RESET, INVITATION = "password_reset", "invitation"


class EmailToken(db.Model):
    """Single-use links sent by email (password reset, invitation); only a hash is stored."""

    __tablename__ = "email_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class AuditEvent(db.Model):
    """Who did what to an account (role changes, imports, erasure); kept without personal data."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
