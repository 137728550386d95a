"""Rate limits that count what matters and never lock the rightful owner out.

The counters live in Flask-Limiter's storage (``lms.extensions.limiter``: memory by default, Redis with
``LMS_REDIS_URL``), on its moving-window strategy: "1 per 5 minutes" means at most one in any five minutes.
Limits come from config.py (``*_RATE_LIMIT``, ``PASSWORD_RESET_EMAIL_LIMIT``) in the ``limits`` notation.

Sign-in (HTML form and ``POST /api/v1/auth/token`` alike) counts FAILED attempts only, in three buckets:

- per client address (``LOGIN_RATE_LIMIT``): when full, every attempt from that address is refused;
- per account, from every address (``LOGIN_ACCOUNT_RATE_LIMIT``): when full, an address that has itself
  failed on that account in the window is refused without its password being looked at, and a wrong
  password from any address is refused; a right password from an address that did not fail on that
  account goes through. Someone hammering an account from elsewhere thus never locks its owner out, and
  each new address of theirs gets one guess per window while the account is under attack;
- per (account, address), the window of the account's limit: it says which addresses took part.

Accounts are keyed by a digest of the address as typed (trimmed, lower-cased, as the sign-in looks it up):
no email address is written to the store, and an unknown address is counted exactly like a known one.
"""
from __future__ import annotations

import hashlib
import math
import time

from flask import current_app
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from limits import parse

from lms.core.errors import TooManyRequests
from lms.extensions import limiter


def client_address() -> str:
    """The client's address: the socket's peer, or the one the trusted proxies name (LMS_PROXY_COUNT, ProxyFix)."""
    return get_remote_address()


class Bucket:
    """A limit from the config, counted per identifiers in the limiter's storage."""

    def __init__(self, name: str, setting: str):
        self.name, self.setting = name, setting

    @property
    def item(self):
        return parse(current_app.config[self.setting])

    def _ids(self, ids: tuple[str, ...]) -> tuple[str, ...]:
        return ("lms", self.name, *ids)

    def full(self, *ids: str) -> bool:
        return limiter.enabled and not limiter.limiter.test(self.item, *self._ids(ids))

    def used(self, *ids: str) -> bool:
        """Anything counted in the current window."""
        if not limiter.enabled:
            return False
        item = self.item
        return limiter.limiter.get_window_stats(item, *self._ids(ids)).remaining < item.amount

    def hit(self, *ids: str) -> bool:
        """Count one; False (and nothing counted) when the bucket was already full."""
        return not limiter.enabled or limiter.limiter.hit(self.item, *self._ids(ids))

    def retry_after(self, *ids: str) -> int:
        """Seconds until the bucket takes one more."""
        reset = limiter.limiter.get_window_stats(self.item, *self._ids(ids)).reset_time if limiter.enabled else 0
        return max(1, math.ceil(reset - time.time()))


SIGN_IN_ADDRESS = Bucket("sign-in-address", "LOGIN_RATE_LIMIT")
SIGN_IN_ACCOUNT = Bucket("sign-in-account", "LOGIN_ACCOUNT_RATE_LIMIT")
SIGN_IN_ACCOUNT_ADDRESS = Bucket("sign-in-account-address", "LOGIN_ACCOUNT_RATE_LIMIT")
REGISTRATION = Bucket("registration-address", "REGISTRATION_RATE_LIMIT")
PASSWORD_RESET_EMAIL = Bucket("password-reset-email", "PASSWORD_RESET_EMAIL_LIMIT")


def _too_many(bucket: Bucket, *ids: str, message=None) -> TooManyRequests:
    """429 with Retry-After; ``message(minutes)`` words it (default: too many attempts)."""
    seconds = bucket.retry_after(*ids)
    minutes = math.ceil(seconds / 60)
    text = message(minutes) if message else _("Trop de tentatives. Réessayez dans %(minutes)s min.", minutes=minutes)
    return TooManyRequests(text, retry_after=seconds)


def account_key(email: str | None) -> str:
    return hashlib.sha256((email or "").strip().lower().encode("utf-8", "surrogatepass")).hexdigest()


class SignInAttempt:
    """One sign-in attempt on ``email`` from the client's address. Built before the password is checked:
    raises TooManyRequests (429) when the attempt is refused; call ``failed()`` when the password was wrong."""

    def __init__(self, email: str | None):
        self.address, self.account = client_address(), account_key(email)
        if SIGN_IN_ADDRESS.full(self.address):
            raise _too_many(SIGN_IN_ADDRESS, self.address)
        self.account_full = SIGN_IN_ACCOUNT.full(self.account)
        if self.account_full and SIGN_IN_ACCOUNT_ADDRESS.used(self.account, self.address):
            raise _too_many(SIGN_IN_ACCOUNT, self.account)

    def failed(self) -> None:
        """Count the failure in every bucket; 429 instead of "wrong password" while the account is full."""
        SIGN_IN_ADDRESS.hit(self.address)
        SIGN_IN_ACCOUNT.hit(self.account)
        SIGN_IN_ACCOUNT_ADDRESS.hit(self.account, self.address)
        if self.account_full:
            raise _too_many(SIGN_IN_ACCOUNT, self.account)


def check_registration() -> None:
    """Before a self-registration: 429 when this address has created its share of accounts."""
    address = client_address()
    if REGISTRATION.full(address):
        raise _too_many(REGISTRATION, address, message=lambda minutes: _(
            "Trop de comptes ont été créés depuis votre adresse réseau. Réessayez dans %(minutes)s min, "
            "ou demandez une invitation à la coordination.", minutes=minutes))


def count_registration() -> None:
    """After a self-registration went through."""
    REGISTRATION.hit(client_address())


def may_send_password_reset(user_id: int) -> bool:
    """At most one reset email per account per PASSWORD_RESET_EMAIL_LIMIT, whoever asks and from wherever."""
    return PASSWORD_RESET_EMAIL.hit(str(user_id))
