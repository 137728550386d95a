"""Read models of the auth domain: what the other domains know of a person, for the coordinator's page of
that person (auth.show_user).

Learning and certificates import auth (a person is theirs to teach and certify), so auth never imports
them: lms/wiring.py lists their section finders (``user -> PersonSection | None``) in PERSON_SECTIONS, and
the page shows the sections in that order."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask import Flask, current_app

from lms.auth.models import User

_KEY = "lms.person_sections"


@dataclass(frozen=True)
class PersonSection:
    template: str                      # rendered on the person's page with ``section`` and ``user``
    data: dict = field(default_factory=dict)


def install_person_sections(app: Flask, finders: Iterable[Callable[[User], PersonSection | None]]) -> None:
    app.extensions[_KEY] = tuple(finders)


def sections_of(user: User) -> list[PersonSection]:
    return [section for finder in current_app.extensions[_KEY] if (section := finder(user)) is not None]
