"""Durations written one way across the interface and on the certificate, after French typographic usage:
« 45 s », « 12 min », « 3 min 05 s », « 1 h », « 1 h 05 min ». A no-break space ties each number to its
unit, so a duration never splits over two lines. The unit symbols (h, min, s) are international: English
pages write them the same way.
"""
from __future__ import annotations

NBSP = "\u00a0"
UNITS = {"s": 1, "min": 60, "ms": 0.001}


def format_duration(value: float | None, unit: str = "s", *, missing: str = "—") -> str:
    """``value`` in ``unit`` ("s", "min" or "ms"), to the nearest second; ``missing`` when None."""
    if value is None:
        return missing
    total = int(value * UNITS[unit] + 0.5)
    hours, rest = divmod(max(total, 0), 3600)
    minutes, seconds = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours} h")
    if minutes or (hours and seconds):
        parts.append(f"{minutes:02d} min" if hours else f"{minutes} min")
    if seconds or not parts:
        parts.append(f"{seconds:02d} s" if parts else f"{seconds} s")
    return NBSP.join(" ".join(parts).split(" "))


def format_time_spent(seconds: float, less_than_a_minute: str) -> str:
    """A time spent, in whole minutes (seconds dropped): « 12 min », « 1 h 05 min »; under a minute, the words given."""
    return less_than_a_minute if seconds < 60 else format_duration(int(seconds) // 60 * 60)
