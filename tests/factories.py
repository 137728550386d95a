"""create_* factories: real rows through the models, flushed in the test's transaction."""
from __future__ import annotations

import itertools

from lms.auth.models import COORDINATOR, LEARNER, TRAINER, User
from lms.auth.passwords import hash_password
from lms.auth.services import organisation_named
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
