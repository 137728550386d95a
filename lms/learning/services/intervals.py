"""Watched intervals of a video: the union of what was really played, in integer milliseconds.

A learner's coverage of a video is a sorted list of disjoint ``[start, end)``
intervals. Beacons bring the segments played since the previous beacon; they are
clipped to the video's duration, and what they add beyond the wall-clock budget is
not counted (API.md: one beacon adds at most ``2 × s + 15`` seconds of new coverage,
``s`` the seconds since the previous beacon, counted up to 60; all beacons together
at most ``2 × t + 15`` seconds, ``t`` the seconds since the first one, so that beacons
sent back to back cannot each add the 15 s). Seeking forward adds nothing (nothing
was played); watching the same second twice counts once.

Milliseconds as integers keep the arithmetic exact: no float drift in sums or
comparisons, on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

from collections.abc import Iterable

Interval = tuple[int, int]

MAX_BUDGET_WAIT_S = 60      # seconds since the previous beacon counted by the budget, at most
BUDGET_GRACE_S = 15         # what any beacon may add on top of 2 × s
BUDGET_SPEED = 2            # playback up to 2x is tolerated


def to_ms(seconds: float) -> int:
    return int(round(seconds * 1000))


def clip(segments: Iterable[tuple[int, int]], duration_ms: int) -> list[Interval]:
    """Segments inside [0, duration), empty and reversed ones dropped, in the order given."""
    clipped = []
    for start, end in segments:
        start, end = max(0, start), min(duration_ms, end)
        if end > start:
            clipped.append((start, end))
    return clipped


def merge(intervals: Iterable[tuple[int, int]]) -> list[Interval]:
    """Sorted, disjoint, non-adjacent intervals covering exactly the same points."""
    merged: list[list[int]] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def total(intervals: Iterable[tuple[int, int]]) -> int:
    return sum(end - start for start, end in intervals)


def uncovered(segment: Interval, covered: list[Interval]) -> list[Interval]:
    """The parts of ``segment`` outside ``covered`` (sorted and disjoint), in order."""
    start, end = segment
    parts = []
    for c_start, c_end in covered:
        if c_end <= start:
            continue
        if c_start >= end:
            break
        if c_start > start:
            parts.append((start, c_start))
        start = max(start, c_end)
        if start >= end:
            break
    if end > start:
        parts.append((start, end))
    return parts


def budget_ms(seconds_since_previous: float | None, seconds_since_first: float | None = None,
              credited_ms: int = 0) -> int:
    """The most new coverage one beacon may add: 2 × s + 15 s, s capped at 60 (0 for the first beacon);
    and, given the seconds since the learner's first beacon and the coverage ``credited_ms`` so far, no more
    than what keeps every beacon's coverage together within 2 × t + 15 s (never below 0)."""
    waited = 0.0 if seconds_since_previous is None else min(max(seconds_since_previous, 0.0), MAX_BUDGET_WAIT_S)
    budget = to_ms(BUDGET_SPEED * waited + BUDGET_GRACE_S)
    if seconds_since_first is not None:
        overall = to_ms(BUDGET_SPEED * max(seconds_since_first, 0.0) + BUDGET_GRACE_S)
        budget = max(0, min(budget, overall - credited_ms))
    return budget


def add_watched(covered: list[Interval], claimed: Iterable[tuple[int, int]], duration_ms: int,
                budget: int | None = None) -> tuple[list[Interval], int]:
    """The new coverage and how many milliseconds it gained.

    ``claimed`` segments are taken in the order sent; each one's not yet covered
    parts are added until ``budget`` milliseconds were gained (``None``: no limit),
    the last part cut short. What was already covered costs nothing.
    """
    current = merge(covered)
    gained = 0
    for segment in clip(claimed, duration_ms):
        for start, end in uncovered(segment, current):
            if budget is not None:
                room = budget - gained
                if room <= 0:
                    return current, gained
                end = min(end, start + room)
            gained += end - start
            current = merge([*current, (start, end)])
    return current, gained
