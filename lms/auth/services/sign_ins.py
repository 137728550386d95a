"""Ways in that can be taken back: browser sign-ins (session and remember cookies) and API tokens.

A browser sign-in is a SignIn row (its docstring explains the design); an API token an ApiToken row.
Revoking is deleting rows: the loaders below find a user only through a live row, in the statement that
loads the user (no extra round trip on the hot paths).
"""
from __future__ import annotations

import secrets

from flask import current_app
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import lazyload

from lms.auth.models import ApiToken, SignIn, User, hash_token
from lms.core.clock import utcnow
from lms.core.web import decimal
from lms.extensions import db

MAX_SIGN_IN_ID = 100  # "<user id>:<key>": a 32-bit id, a colon and a 43-character key fit well within


def start_sign_in(user: User) -> str:
    """A new sign-in for one browser: its alternative id, also set as ``user.sign_in_id`` for Flask-Login's
    ``login_user``. The person's sign-ins past their end are dropped on the way."""
    now = utcnow()
    db.session.execute(delete(SignIn).where(SignIn.user_id == user.id, SignIn.expires_at <= now))
    key = secrets.token_urlsafe(32)
    config = current_app.config
    lifetime = max(config["REMEMBER_COOKIE_DURATION"], config["PERMANENT_SESSION_LIFETIME"])
    db.session.add(SignIn(user_id=user.id, key_hash=hash_token(key), created_at=now, expires_at=now + lifetime))
    db.session.flush()
    user.sign_in_id = f"{user.id}:{key}"
    return user.sign_in_id


def _parse(sign_in_id: str | None) -> tuple[int, str] | None:
    user_part, _sep, key = (sign_in_id or "")[:MAX_SIGN_IN_ID + 1].partition(":")
    number = decimal(user_part)  # as strict as every number from outside
    if number is None or not key or len(sign_in_id) > MAX_SIGN_IN_ID:
        return None
    return number, key


def user_for_session(sign_in_id: str | None) -> User | None:
    """The active user of a live sign-in, from the id a session or remember cookie holds (every page), in one
    statement: the user alone, its organisation loaded only by the few pages that show it. A user this
    session already holds comes back as it is there."""
    parsed = _parse(sign_in_id)
    if parsed is None:
        return None
    user_id, key = parsed
    user = db.session.scalar(_USER_BY_SIGN_IN, {"user_id": user_id, "key_hash": hash_token(key), "now": utcnow()})
    if user is None or not user.is_active:
        return None
    user.sign_in_id = sign_in_id
    return user


def end_sign_in(user: User) -> None:
    """Signing out of one browser: its session and remember cookies stop working, copies included."""
    parsed = _parse(user.sign_in_id)
    if parsed is not None:
        db.session.execute(delete(SignIn).where(SignIn.key_hash == hash_token(parsed[1])))


def revoke_access(user: User) -> None:
    """Every browser session, remember cookie and API token of the person stops working."""
    db.session.execute(delete(SignIn).where(SignIn.user_id == user.id))
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))


def revoke_api_token(raw: str) -> None:
    """Signing out of the API: that token stops working, the person's others do not."""
    db.session.execute(delete(ApiToken).where(ApiToken.token_hash == hash_token(raw)))


# Built once: every signed-in page runs it.
_USER_BY_SIGN_IN = (select(User).join(SignIn, SignIn.user_id == User.id).options(lazyload(User.organisation))
                    .where(SignIn.key_hash == bindparam("key_hash"), User.id == bindparam("user_id"),
                           SignIn.expires_at > bindparam("now")))
