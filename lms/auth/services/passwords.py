"""Password hashing with argon2id (argon2-cffi); parameters are upgraded on login."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_hashers: dict[str, PasswordHasher] = {}


def _hasher() -> PasswordHasher:
    # TestConfig may lower the cost; production uses argon2-cffi's RFC 9106 low-memory profile.
    profile = current_app.config.get("ARGON2_PROFILE", "default")
    if profile not in _hashers:
        _hashers[profile] = (
            PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1) if profile == "fast" else PasswordHasher()
        )
    return _hashers[profile]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    if not stored:
        _hasher().hash(password)  # same cost whether or not the account exists
        return False
    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher().check_needs_rehash(stored)
