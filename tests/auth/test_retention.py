"""Inactive accounts: warned by email 30 days before, then erased after two years (CNIL)."""
from datetime import timedelta

from lms.auth.services import INACTIVITY_LIMIT, INACTIVITY_NOTICE, authenticate
from lms.core.clock import utcnow
from lms.extensions import db
from tests.conftest import run_due_command
from tests.factories import PASSWORD


def age(user, delta):
    user.created_at = utcnow() - delta
    user.last_login_at = None
    db.session.commit()


def test_inactive_learner_is_warned_then_erased(app, make, smtp):
    old = make.learner(email="ancien@example.org")
    recent = make.learner(email="recent@example.org")
    coordinator = make.coordinator(email="coord-ancien@example.org")
    age(old, INACTIVITY_LIMIT - INACTIVITY_NOTICE + timedelta(days=1))
    age(recent, timedelta(days=300))
    age(coordinator, INACTIVITY_LIMIT * 2)

    assert "process_inactive_accounts=1" in run_due_command(app)
    warning = smtp.pop("ancien@example.org")
    assert "sera supprimé dans 30 jours" in warning["Subject"]
    assert "/connexion" in warning.get_body(("plain",)).get_content()
    assert old.inactivity_warned_at is not None

    assert "process_inactive_accounts=0" in run_due_command(app)  # warned once, not erased before the notice ends

    old.inactivity_warned_at = utcnow() - INACTIVITY_NOTICE - timedelta(minutes=1)
    old.created_at = utcnow() - INACTIVITY_LIMIT - timedelta(days=1)
    db.session.commit()
    assert "process_inactive_accounts=1" in run_due_command(app)
    assert old.erased_at is not None and old.email.endswith("@invalid")
    assert recent.erased_at is None and coordinator.erased_at is None


def test_signing_in_after_the_warning_keeps_the_account(app, make, smtp):
    user = make.learner(email="revenu@example.org")
    age(user, INACTIVITY_LIMIT - INACTIVITY_NOTICE + timedelta(days=1))
    run_due_command(app)
    smtp.pop("revenu@example.org")
    assert authenticate("revenu@example.org", PASSWORD) is user
    db.session.commit()
    assert user.inactivity_warned_at is None
    user.created_at = utcnow() - INACTIVITY_LIMIT * 2
    db.session.commit()
    assert "process_inactive_accounts=0" in run_due_command(app)
    assert user.erased_at is None
