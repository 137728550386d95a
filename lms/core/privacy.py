"""GDPR plumbing shared by every domain: what each one holds about a person, as lms/wiring.py lists it.

``export_sections`` build the JSON a person downloads, section by section; ``erasers`` remove or
anonymise what the other domains hold when a person is erased (lms.auth.services.gdpr), while keeping
anonymous counts; ``expirers`` drop what a domain holds of a learner's training evidence on one course
once its retention period is over (lms.learning.retention). create_app installs the lists.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

Exporter = Callable[[Any], Any]
Eraser = Callable[[Any], None]
Expirer = Callable[[int, int], None]  # (user_id, course_id)
EXTENSION = "lms.privacy"


@dataclass(frozen=True)
class Privacy:
    export_sections: Mapping[str, Exporter]
    erasers: tuple[Eraser, ...]
    expirers: tuple[Expirer, ...]


def install_privacy(app: Flask, *, export_sections: Mapping[str, Exporter], erasers: Sequence[Eraser],
                    expirers: Sequence[Expirer]) -> None:
    app.extensions[EXTENSION] = Privacy(dict(export_sections), tuple(erasers), tuple(expirers))


def export_sections() -> Mapping[str, Exporter]:
    return current_app.extensions[EXTENSION].export_sections


def erasers() -> tuple[Eraser, ...]:
    return current_app.extensions[EXTENSION].erasers


def expirers() -> tuple[Expirer, ...]:
    return current_app.extensions[EXTENSION].expirers
