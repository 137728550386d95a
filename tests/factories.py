"""create_* factories: real rows through the models, flushed in the test's transaction."""
from __future__ import annotations

import itertools

from lms.auth.models import COORDINATOR, LEARNER, TRAINER, User
from lms.auth.services import organisation_named
from lms.auth.services.passwords import hash_password
from lms.core.db import commit
from lms.extensions import db

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def user(role: str = LEARNER, *, email: str | None = None, full_name: str | None = None,
         audience: str | None = "professional", organisation: str | None = "CCAS de Metz",
         password: str | None = PASSWORD) -> User:
    n = next(_counter)
    created = User(
        email=(email or f"{role}{n}@example.org").lower(),
        full_name=full_name or f"{role.capitalize()} Numéro {n}",
        role=role,
        audience=audience,
        organisation=organisation_named(organisation),
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(created)
    commit()
    return created


def learner(**kwargs) -> User:
    return user(LEARNER, **kwargs)


def trainer(**kwargs) -> User:
    return user(TRAINER, **kwargs)


def coordinator(**kwargs) -> User:
    return user(COORDINATOR, **kwargs)


# -- content ---------------------------------------------------------------------

def caption(video, lang: str = "fr", data: bytes | None = None):
    """A caption file in the media store and its row (flushed; the video's captions refreshed)."""
    from lms.core import storage
    from lms.videos.models import Caption
    from tests.videotools import VTT

    saved = storage.save_bytes(VTT if data is None else data, "captions", ".vtt")
    row = Caption(video=video, lang=lang, storage_key=saved.key, size=saved.size)
    db.session.add(row)
    db.session.flush()
    db.session.refresh(video)
    return row


def video(owner: User | None = None, *, title: str = "Film", status: str = "ready", captions: bool = True,
          transcript: str | None = "Bonjour.", duration_s: float = 2.0, **files):
    """A library video row (ready by default, French captions, a transcript); ``files`` are its stream and
    poster keys when it needs them. Flushed, not committed."""
    from lms.videos.models import Video

    row = Video(title=title, owner_id=owner.id if owner else None, status=status, transcript=transcript,
                duration_s=duration_s, **files)
    db.session.add(row)
    db.session.flush()
    if captions:
        caption(row)
    return row
