"""What the other domains know of a person, for the coordinator's page of that person (auth.show_user).

Learning and certificates import auth (a person is theirs to teach and certify), so auth never imports
them: each appends here a function ``user -> PersonSection | None``; the page shows the sections in order.
The sessions and surveys issues add theirs the same way."""
from __future__ import annotations

from dataclasses import dataclass, field

from lms.auth.models import User


@dataclass(frozen=True)
class PersonSection:
    template: str                      # rendered on the person's page with ``section`` and ``user``
    data: dict = field(default_factory=dict)


person_sections: list = []  # filled by lms.learning.overview and lms.certificates.services


def sections_of(user: User) -> list[PersonSection]:
    return [section for finder in person_sections if (section := finder(user)) is not None]
