"""GDPR plumbing shared by every domain: each one registers what it holds about a person.

``export_sections`` build the JSON a person downloads; ``erasers`` remove or
anonymise their personal data while keeping anonymous counts; ``expirers`` drop
what a domain holds of a learner's training evidence on one course once its
retention period is over (lms.learning.retention).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

Exporter = Callable[[Any], Any]
Eraser = Callable[[Any], None]
Expirer = Callable[[int, int], None]  # (user_id, course_id)

export_sections: dict[str, Exporter] = {}
erasers: list[Eraser] = []
expirers: list[Expirer] = []


def exporter(name: str) -> Callable[[Exporter], Exporter]:
    def register(fn: Exporter) -> Exporter:
        export_sections[name] = fn
        return fn

    return register


def eraser(fn: Eraser) -> Eraser:
    erasers.append(fn)
    return fn


def expirer(fn: Expirer) -> Expirer:
    expirers.append(fn)
    return fn
