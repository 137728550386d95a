"""Retention of training evidence (lms.learning.retention): six years after a learner's last activity on a
course, their progress, attempts and completion there are deleted and the certificate is kept without them."""
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from config import TestConfig
from lms import create_app
from lms.certificates import retention as certificate_evidence
from lms.certificates import services as certificates
from lms.certificates.services.document import EXPIRED_HOLDER
from lms.core import storage
from lms.core.clock import utcnow
from lms.core.db import commit
from lms.core.outbox import OutboxTask
from lms.extensions import db
from lms.learning.models import CourseCompletion, ItemProgress, QuizAttempt
from lms.learning.retention import process_expired_evidence
from tests.certificates.helpers import completed_course, pdf_text
from tests.conftest import login_as

JSON = {"Accept": "application/json"}


def traces(learner, title: str, *, progress_at, attempt_at=None):
    """A completed course with a post-test: the learner's progress row, completion and certificate at
    ``progress_at``, and a submitted attempt at ``attempt_at`` (the same moment if not given)."""
    course, completion = completed_course(learner, title=title, post_test=True)
    item, quiz_item = course.modules[0].items
    attempt_at = attempt_at or progress_at
    db.session.add_all([
        ItemProgress(user_id=learner.id, item_id=item.id, course_id=course.id, watched=[], watched_ms=0,
                     duration_ms=0, position_ms=0, time_spent_ms=0, beacons=1, started_at=progress_at,
                     last_beacon_at=progress_at, completed_at=progress_at),
        QuizAttempt(user_id=learner.id, quiz_id=quiz_item.quiz.id, course_id=course.id, number=1, role="post_test",
                    order={}, answers={}, score=100, passed=True, results=[], started_at=attempt_at,
                    submitted_at=attempt_at),
    ])
    completion.started_at = completion.completed_at = progress_at
    certificate = certificates.issue_certificate(completion.id)
    certificate.issued_at = progress_at
    db.session.flush()
    return course, certificate


def evidence_of(learner, course) -> dict:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model).where(
        model.user_id == learner.id, model.course_id == course.id))
        for model in (ItemProgress, QuizAttempt, CourseCompletion)}


def test_evidence_past_its_retention_goes_and_its_certificate_stays_without_its_holder(app, client, make, outbox):
    learner = make.learner(full_name="Hélène Dupré", organisation="MDPH de la Moselle")
    retention = timedelta(days=app.config["EVIDENCE_RETENTION_DAYS"])
    now = utcnow()
    old, old_certificate = traces(learner, "Parcours ancien", progress_at=now - retention - timedelta(days=1))
    recent, recent_certificate = traces(learner, "Parcours récent", progress_at=now - timedelta(days=1))
    # Progress as old, but an attempt inside the period: the learner's last activity there is recent.
    revisited, revisited_certificate = traces(learner, "Parcours repris", progress_at=now - retention - timedelta(days=30),
                          attempt_at=now - retention + timedelta(days=1))
    commit()

    assert process_expired_evidence() == 1
    commit()

    assert evidence_of(learner, old) == {"ItemProgress": 0, "QuizAttempt": 0, "CourseCompletion": 0}
    assert evidence_of(learner, recent) == {"ItemProgress": 1, "QuizAttempt": 1, "CourseCompletion": 1}
    assert evidence_of(learner, revisited) == {"ItemProgress": 1, "QuizAttempt": 1, "CourseCompletion": 1}
    db.session.refresh(old_certificate)
    assert old_certificate.user_id is None and old_certificate.valid
    assert old_certificate.snapshot["holder_name"] == EXPIRED_HOLDER and old_certificate.snapshot["organisation"] is None
    document = pdf_text(storage.read_bytes(old_certificate.pdf_key))
    assert "Hélène Dupré" not in document and "MDPH de la Moselle" not in document
    assert "Parcours ancien" in document and old_certificate.display_code in document
    verified = client.get(f"/verify/{old_certificate.display_code}", headers=JSON).json
    assert verified["valid"] and verified["holder_name"] == EXPIRED_HOLDER
    assert verified["course_title"] == "Parcours ancien"

    # No longer the learner's: neither on their page nor in their export; the recent one still is.
    login_as(client, learner)
    mine = client.get("/attestations").get_data(as_text=True)
    assert recent_certificate.display_code in mine and old_certificate.display_code not in mine
    assert {c["code"] for c in certificate_evidence.export_certificates(learner)} == {
        recent_certificate.display_code, revisited_certificate.display_code}

    assert process_expired_evidence() == 0  # a second run finds nothing more


def test_the_minute_scan_writes_the_days_run_once_and_it_runs(app, make, outbox):
    learner = make.learner()
    retention = timedelta(days=app.config["EVIDENCE_RETENTION_DAYS"])
    old, _certificate = traces(learner, "Parcours ancien", progress_at=utcnow() - retention - timedelta(days=1))
    db.session.execute(delete(OutboxTask).where(OutboxTask.dedupe_key.like("evidence-retention:%")))  # another test's
    commit()

    first = app.test_cli_runner().invoke(args=["jobs", "run-due"])
    assert first.exit_code == 0 and "schedule_evidence_retention=1" in first.output, first.output
    assert evidence_of(learner, old)["ItemProgress"] == 0  # the day's run went (in-process here, a worker's task)
    second = app.test_cli_runner().invoke(args=["jobs", "run-due"])
    assert second.exit_code == 0 and "schedule_evidence_retention=0" in second.output, second.output


def test_a_retention_shorter_than_six_years_is_refused_at_start_up():
    with pytest.raises(ValueError, match="LMS_EVIDENCE_RETENTION_DAYS is 1095"):
        create_app(TestConfig, EVIDENCE_RETENTION_DAYS=1095)
    assert create_app(TestConfig, EVIDENCE_RETENTION_DAYS=2192 * 2).config["EVIDENCE_RETENTION_DAYS"] == 4384
