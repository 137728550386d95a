"""Configuration classes. The only module that reads os.environ (ARCHITECTURE rule 6).

Every value comes from an ``LMS_*`` environment variable with a default that
works on a laptop with no server: SQLite under ``instance/``, an embedded Celery
broker on the file system, and mail kept in the outbox.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("LMS_INSTANCE_PATH", BASE_DIR / "instance"))


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"LMS_{name}")
    return default if value in (None, "") else value


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    return default if value is None else int(value)


# Public values a production must never run with (lms.core.startup refuses them): the development default
# below and the placeholders that the README and these classes show.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-secret-key-change-me"
PUBLIC_SECRET_KEYS = (DEVELOPMENT_SECRET_KEY, "test-secret-key", "…64 random characters…")


def default_base_url() -> str:
    """LMS_BASE_URL, else the address the development server listens on (LMS_HOST, LMS_PORT: set by
    ``make run HOST=… PORT=…``), so that links and QR codes in emails and certificates lead back to it.
    A wildcard host (0.0.0.0, ::) is not an address to visit: the links then name this machine's loopback."""
    explicit = env("BASE_URL")
    if explicit:
        return explicit.rstrip("/")
    host, port = env("HOST", "127.0.0.1"), env("PORT", "5000")
    if host in ("0.0.0.0", "::", "[::]"):
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}:{port}"


class Config:
    ENV_NAME = "development"
    INSTANCE_PATH = str(INSTANCE_DIR)
    SECRET_KEY = env("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'lms.sqlite'}")
    # Every pooled connection is checked before it is lent (one that the server closed is replaced), and the
    # check leaves it as it was: outside any transaction, in its own mode (lms.core.db's fast paths need that).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL = env("REDIS_URL")
    MEDIA_ROOT = env("MEDIA_ROOT", str(BASE_DIR / "media"))
    BASE_URL = default_base_url()
    # Entries per process of lms.core.cache (outlines, quizzes, page fragments; a few KiB each).
    CONTENT_CACHE_SIZE = env_int("CONTENT_CACHE_SIZE", 512)

    # Mail: with no SMTP host, messages stay in the outbox ("Journal des envois").
    SMTP_HOST = env("SMTP_HOST")
    SMTP_PORT = env_int("SMTP_PORT", 25)
    SMTP_USER = env("SMTP_USER")
    SMTP_PASSWORD = env("SMTP_PASSWORD")
    SMTP_STARTTLS = env_bool("SMTP_STARTTLS", False)
    SMTP_TIMEOUT = env_int("SMTP_TIMEOUT", 30)
    MAIL_FROM = env("MAIL_FROM", "CLSM de Metz <no-reply@clsm-metz.localhost>")
    MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 6)
    MAIL_RETRY_BASE_SECONDS = env_int("MAIL_RETRY_BASE_SECONDS", 60)
    # A message claimed by a worker that died is retried after this lease.
    MAIL_SENDING_LEASE_SECONDS = env_int("MAIL_SENDING_LEASE_SECONDS", 600)
    # "celery": after commit, a task per message; "inline": delivered in-process
    # after commit (tests, CLI); "none": left for the periodic scan.
    OUTBOX_DISPATCH = env("OUTBOX_DISPATCH", "celery")

    SELF_REGISTRATION = env_bool("SELF_REGISTRATION", True)
    PASSWORD_RESET_TTL = timedelta(hours=1)
    INVITATION_TTL = timedelta(days=7)
    API_TOKEN_TTL = timedelta(hours=env_int("API_TOKEN_TTL_HOURS", 24))
    PASSWORD_MIN_LENGTH = 10

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LANGUAGES = ("fr", "en")
    TIMEZONE = "Europe/Paris"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    # Number of reverse proxies (nginx) in front: their X-Forwarded-* headers are trusted.
    PROXY_COUNT = env_int("PROXY_COUNT", 0)
    WTF_CSRF_TIME_LIMIT = None  # tied to the session, which already expires
    MAX_CONTENT_LENGTH = env_int("MAX_REQUEST_MB", 16) * 1024 * 1024
    # Video uploads are streamed to the media store and checked against this limit instead.
    MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 2048)
    # "nginx": media responses carry X-Accel-Redirect and nginx sends the bytes.
    MEDIA_ACCEL = env("MEDIA_ACCEL")
    MEDIA_ACCEL_PREFIX = env("MEDIA_ACCEL_PREFIX", "/_media/")
    # Lifetime of the signed media URLs the item page and the API issue (lms.videos.services.signing).
    MEDIA_URL_TTL_SECONDS = env_int("MEDIA_URL_TTL_SECONDS", 6 * 3600)
    # With MEDIA_ACCEL="nginx": media URLs are nginx secure links with this secret (the same in nginx's
    # secure_link_md5, README), checked by nginx alone; unset: the signed URLs go through the app.
    MEDIA_SECURE_LINK_SECRET = env("MEDIA_SECURE_LINK_SECRET")
    # Video processing (worker): ffmpeg's time bound, and when a video still processing is triggered again.
    VIDEO_FFMPEG_TIMEOUT_SECONDS = env_int("VIDEO_FFMPEG_TIMEOUT_SECONDS", 4 * 3600)
    VIDEO_PROCESSING_LEASE_SECONDS = env_int("VIDEO_PROCESSING_LEASE_SECONDS", 5 * 3600)
    VIDEO_MAX_ATTEMPTS = env_int("VIDEO_MAX_ATTEMPTS", 3)
    # Demo films rendered from the slides of courses/ (import-course).
    SAMPLE_VIDEO_SIZE = env("SAMPLE_VIDEO_SIZE", "1280x720")
    SAMPLE_VIDEO_FPS = env_int("SAMPLE_VIDEO_FPS", 10)

    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = env("REDIS_URL") or "memory://"
    RATELIMIT_STRATEGY = "moving-window"  # "1 per 5 minutes": at most one in any five minutes
    RATELIMIT_HEADERS_ENABLED = True
    # lms.core.ratelimit, in the limits notation ("10 per minute", "1 per 5 minutes"): failed sign-ins (HTML and API
    # token) per client address, and per account from every address (when full, an address that did not fail on
    # the account may still sign in with the right password); accounts self-registered per client address; and
    # password-reset emails per account, whatever the number of requests.
    LOGIN_RATE_LIMIT = env("LOGIN_RATE_LIMIT", "10 per minute")
    LOGIN_ACCOUNT_RATE_LIMIT = env("LOGIN_ACCOUNT_RATE_LIMIT", "10 per minute")
    REGISTRATION_RATE_LIMIT = env("REGISTRATION_RATE_LIMIT", "20 per hour")
    PASSWORD_RESET_EMAIL_LIMIT = env("PASSWORD_RESET_EMAIL_LIMIT", "1 per 5 minutes")

    CELERY_BROKER_URL = env("REDIS_URL") or "filesystem://"
    BEAT_SCHEDULE_FILE = env("BEAT_SCHEDULE_FILE", str(INSTANCE_DIR / "celerybeat-schedule"))
    RUN_DUE_INTERVAL_SECONDS = env_int("RUN_DUE_INTERVAL_SECONDS", 60)

    # Legal and accessibility mentions shown in the footer and statement page.
    # One of "totalement conforme", "partiellement conforme", "non conforme" (RGAA wording).
    ACCESSIBILITY_STATUS = env("ACCESSIBILITY_STATUS", "non conforme")
    PUBLISHER_NAME = env("PUBLISHER_NAME", "Centre hospitalier de Jury — Conseil local de santé mentale de Metz")
    # Shown on the public pages when set; unset, the pages name the publisher instead (never an invented address).
    CONTACT_EMAIL = env("CONTACT_EMAIL")
    DPO_EMAIL = env("DPO_EMAIL")
    # Certificates of completion: who issues and signs them (printed on each one, frozen at issue).
    CERTIFICATE_ISSUER_NAME = env("CERTIFICATE_ISSUER_NAME", "Centre hospitalier de Jury — Conseil local de santé mentale de Metz")
    CERTIFICATE_SIGNATORY = env("CERTIFICATE_SIGNATORY", "La coordination du Conseil local de santé mentale de Metz")
    CERTIFICATE_SIGNATORY_TITLE = env("CERTIFICATE_SIGNATORY_TITLE", "Coordination du CLSM — Centre hospitalier de Jury")

    # Training evidence (a learner's progress, quiz attempts, completion and certificate on a course) is kept this
    # long after their last activity on the course, then deleted, the certificate kept without its holder's
    # identity (lms.learning.retention). STANDARDS: certificates at least 3 years, proofs at least 6.
    EVIDENCE_RETENTION_DAYS = env_int("EVIDENCE_RETENTION_DAYS", 2192)


class DevelopmentConfig(Config):
    DEBUG = False


class ProductionConfig(Config):
    ENV_NAME = "production"
    SECRET_KEY = env("SECRET_KEY")  # no default: create_app() refuses to start without a strong one
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    REMEMBER_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    PREFERRED_URL_SCHEME = "https"
    HSTS = True


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("LMS_TEST_DATABASE_URL") or "sqlite://"
    WTF_CSRF_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    CELERY_BROKER_URL = "memory://"
    OUTBOX_DISPATCH = "inline"
    SMTP_HOST = None
    BASE_URL = "http://localhost"
    SERVER_NAME = None


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}


def config_from_env() -> type[Config]:
    return CONFIGS[env("ENV", "development")]
