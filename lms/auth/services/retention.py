"""Retention: inactive accounts are warned, then erased."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from lms.auth.models import (
    COORDINATOR,
    User,
)
from lms.auth.services.gdpr import erase_user
from lms.core import outbox
from lms.core.clock import as_utc, utcnow
from lms.extensions import db

INACTIVITY_LIMIT = timedelta(days=730)   # two years without signing in
INACTIVITY_NOTICE = timedelta(days=30)   # the warning comes this long before erasure


def process_inactive_accounts() -> int:
    """Warn learners and trainers inactive for 23 months; erase them 30 days after the warning.

    Coordinators' accounts are institutional and kept. Signing in again clears the warning.
    """
    now = utcnow()
    last_active = func.coalesce(User.last_login_at, User.created_at)
    candidates = select(User).where(User.erased_at.is_(None), User.role != COORDINATOR)
    done = 0
    for user in db.session.scalars(candidates.where(User.inactivity_warned_at.is_(None),
                                                    last_active <= now - INACTIVITY_LIMIT + INACTIVITY_NOTICE)):
        user.inactivity_warned_at = now
        outbox.enqueue_email(
            to=user.email,
            subject=_("Votre compte de formation sera supprimé dans 30 jours"),
            template="auth/inactivity_warning",
            context={"user": user, "erase_on": now + INACTIVITY_NOTICE,
                     "link": f"{current_app.config['BASE_URL']}/connexion"},
            dedupe_key=f"inactivity:{user.id}:{as_utc(user.last_active_at).date().isoformat()}",
            category="inactivity_warning",
        )
        done += 1
    for user in db.session.scalars(candidates.where(User.inactivity_warned_at <= now - INACTIVITY_NOTICE,
                                                    last_active <= now - INACTIVITY_LIMIT)):
        erase_user(user)
        done += 1
    db.session.flush()
    return done
