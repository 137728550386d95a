"""Start-up checks. Every entry point builds the app through ``create_app()`` (gunicorn's ``lms:create_app()``,
``flask --app lms …``, and ``worker/`` for the Celery worker and beat), which runs them before anything else.

A refused start prints one line on stderr, naming the setting to fix, and exits with status 4: gunicorn's
"App failed to load", so that gunicorn halts instead of forking worker after worker even when the app is
loaded in the workers rather than in the master.
"""
from __future__ import annotations

import re
import sys
from typing import NoReturn

from config import PUBLIC_SECRET_KEYS

EXIT_STATUS = 4
MIN_SECRET_KEY_LENGTH = 32
MIN_SECRET_KEY_DISTINCT_CHARACTERS = 8
# Placeholders people copy from examples ("change-me", "your-secret-key", "insecure" …), in any case or spelling.
_PLACEHOLDER = re.compile(r"change\W*_?me|replace\W*_?me|insecure|example|your\W*_?secret|secret\W*_?key|"
                          r"random\W*_?characters|dev\W*_?only", re.IGNORECASE)


def secret_key_problem(key: str | None) -> str | None:
    """Why ``key`` cannot sign a production's sessions, remember cookies and media URLs; None when it can."""
    how = "set it to a random value of 32 characters or more, e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
    if not key:
        return f"LMS_SECRET_KEY is not set: {how}"
    if key in PUBLIC_SECRET_KEYS or _PLACEHOLDER.search(key):
        return f"LMS_SECRET_KEY is a development or example value, known to anyone: {how}"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"LMS_SECRET_KEY has {len(key)} characters, fewer than {MIN_SECRET_KEY_LENGTH}: {how}"
    if len(set(key)) < MIN_SECRET_KEY_DISTINCT_CHARACTERS:
        return f"LMS_SECRET_KEY is not random (only {len(set(key))} different characters): {how}"
    return None


RATE_LIMIT_SETTINGS = ("LOGIN_RATE_LIMIT", "LOGIN_ACCOUNT_RATE_LIMIT", "REGISTRATION_RATE_LIMIT",
                       "PASSWORD_RESET_EMAIL_LIMIT")


def check_start_up(config) -> None:
    """Refuse to start a production whose secret key is missing, public or weak (anyone could forge a
    coordinator's session or remember cookie offline with it), and any app whose rate limits do not read."""
    from limits import parse

    for name in RATE_LIMIT_SETTINGS:
        try:
            parse(config[name])
        except ValueError:
            refuse_to_start(f"LMS_{name} is {config[name]!r}: write a limit such as '10 per minute'")
    if config.get("ENV_NAME") == "production":
        problem = secret_key_problem(config.get("SECRET_KEY"))
        if problem:
            refuse_to_start(problem)


def refuse_to_start(message: str) -> NoReturn:
    print(message, file=sys.stderr, flush=True)
    raise SystemExit(EXIT_STATUS)
