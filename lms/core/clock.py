"""The one source of "now" (UTC, timezone-aware) so tests can reason about time."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Naive datetimes read back from SQLite are UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def isoformat(value: datetime | None) -> str | None:
    """ISO 8601 with the platform's offset, as API.md asks."""
    return None if value is None else as_utc(value).astimezone(PARIS).isoformat(timespec="seconds")
