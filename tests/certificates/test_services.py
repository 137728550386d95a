"""Issuing, the frozen snapshot, the PDF, revocation, the outbox trigger and email, GDPR."""
import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from lms.auth import services as accounts
from lms.certificates import services
from lms.certificates.models import Certificate, group_code, new_code, normalise_code
from lms.certificates.services.document import build
from lms.certificates.services.pdf import render_pdf
from lms.core import outbox as core_outbox
from lms.core.db import commit
from lms.core.errors import Conflict, Forbidden, Invalid, NotFound
from lms.extensions import db
from tests.certificates.helpers import OBJECTIVES, completed_course, issued_certificate, pdf_page_sizes, pdf_text

ROOT = Path(__file__).resolve().parents[2]


def test_codes_are_unguessable_and_read_back_in_any_style():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    code = codes.pop()
    assert len(code) == 24 and code.isalnum() and code.isupper()  # 120 bits of base32
    grouped = group_code(code)
    assert grouped.count("-") == 5 and all(len(part) == 4 for part in grouped.split("-"))
    assert normalise_code(grouped) == code
    assert normalise_code(grouped.lower().replace("-", " ")) == code
    assert normalise_code("not-a-code") is None and normalise_code("") is None and normalise_code("A" * 25) is None


def test_issue_is_idempotent_and_sends_one_email(make, outbox):
    learner = make.learner(full_name="Hélène Dupré")
    course, completion = completed_course(learner)
    first = services.issue_certificate(completion.id)
    second = services.issue_certificate(completion.id)
    assert first.id == second.id
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
    mails = outbox(category="certificate")
    assert len(mails) == 1
    assert mails[0].recipient == learner.email and mails[0].subject == "Votre attestation est disponible"
    assert "http://localhost/attestations" in mails[0].body_text and first.display_code in mails[0].body_text
    assert mails[0].body_html and "http://localhost/attestations" in mails[0].body_html


def test_request_certificate_triggers_the_task_once_after_commit(make, outbox):
    learner = make.learner()
    _course, completion = completed_course(learner)
    services.request_certificate(completion)
    services.request_certificate(completion)
    triggers = core_outbox.tasks_with_prefix(f"certificate:{completion.id}")
    assert len(triggers) == 1 and triggers[0].task == services.ISSUE_TASK
    assert services.certificate_for_completion(completion.id) is None  # nothing inside the transaction
    commit()  # tests dispatch inline: the registered handler runs the task after the commit
    certificate = services.certificate_for_completion(completion.id)
    assert certificate is not None and certificate.user_id == learner.id
    assert len(outbox(category="certificate")) == 1


def test_the_worker_task_is_thin_and_idempotent(make, outbox):
    from worker.tasks.certificates import issue_certificate

    learner = make.learner()
    _course, completion = completed_course(learner)
    code = issue_certificate.run(completion.id)
    assert issue_certificate.run(completion.id) == code
    assert issue_certificate.run(2**31 - 1) is None  # a stale trigger
    assert len(outbox(category="certificate")) == 1


def test_snapshot_is_frozen_at_issue(make, outbox):
    learner = make.learner(full_name="Hélène Dupré", organisation="CCAS de Metz")
    course, completion = completed_course(learner, title="Premiers repères")
    certificate = services.issue_certificate(completion.id)
    commit()
    before_pdf = services.pdf_bytes(certificate)
    snapshot = dict(certificate.snapshot)
    assert snapshot["holder_name"] == "Hélène Dupré" and snapshot["organisation"] == "CCAS de Metz"
    assert snapshot["course_title"] == "Premiers repères" and snapshot["objectives"] == OBJECTIVES
    assert snapshot["nature"] == "Action de sensibilisation" and snapshot["duration_minutes"] == 120
    assert snapshot["time_spent_s"] == 6720
    assert snapshot["started_at"].startswith("2026-03-03") and snapshot["completed_at"].startswith("2026-03-12")
    assert snapshot["issuer_name"] == "Centre hospitalier de Jury — Conseil local de santé mentale de Metz"
    assert snapshot["signatory"] and snapshot["signatory_title"]

    learner.full_name = "Hélène Martin"
    course.title, course.objectives, course.duration_minutes = "Un autre titre", ["Autre"], 30
    commit()
    db.session.expire_all()
    again = db.session.get(Certificate, certificate.id)
    assert again.snapshot == snapshot
    assert services.pdf_bytes(again) == before_pdf
    text = pdf_text(services.pdf_bytes(again))
    assert "Hélène Dupré" in text and "Premiers repères" in text
    assert "Hélène Martin" not in text and "Un autre titre" not in text
    assert services.verify(again.code)["holder_name"] == "Hélène Dupré"


def test_pdf_says_who_what_how_long_and_its_number(make, outbox):
    learner = make.learner(full_name="Jean-Noël Œuvray")
    _course, completion = completed_course(learner, title="Santé mentale : repérer et orienter")
    certificate = services.issue_certificate(completion.id)
    text = pdf_text(services.pdf_bytes(certificate))
    for expected in ("Attestation de fin de formation", "Jean-Noël Œuvray", "Santé mentale : repérer et orienter",
                     "Action de sensibilisation", "Durée déclarée", "2 h", "1 h 52 min", "du 3 mars 2026 au 12 mars 2026",
                     OBJECTIVES[0], certificate.display_code, f"http://localhost/verify/{certificate.display_code}",
                     "Centre hospitalier de Jury"):
        assert expected in text, expected
    assert "post-test" not in text and "RÉVOQUÉE" not in text


def test_the_pdf_is_one_a4_page_even_with_the_longest_name_title_and_the_sample_objectives(make, outbox):
    objectives = yaml.safe_load((ROOT / "courses/sensibilisation-sante-mentale/course.yaml").read_text())["objectives"]
    name = ("Marie-Christine Anne-Sophie de La Tour d'Auvergne-Lauraguais " * 4)[:200]
    title = ("Sensibilisation à la santé mentale, premiers secours psychologiques et orientation " * 3)[:200]
    learner = make.learner(full_name=name, organisation=("Centre communal d'action sociale de Metz " * 5)[:200])
    _course, completion = completed_course(learner, title=title, post_test=True, objectives=objectives)
    certificate = services.issue_certificate(completion.id)
    data = services.pdf_bytes(certificate)
    assert pdf_page_sizes(data) == [(210, 297)]
    text = pdf_text(data)
    for expected in (objectives[0], objectives[-1], certificate.display_code, "85 / 100"):
        assert " ".join(expected.split()) in text, expected
    certificate = services.revoke_certificate(make.coordinator(), certificate.code, "Erreur de saisie")
    assert pdf_page_sizes(services.pdf_bytes(certificate)) == [(210, 297)]


def test_the_pdf_stays_on_one_page_with_fifty_long_objectives_and_counts_those_left_out():
    long_line = "repérer les signes d'une souffrance psychique et orienter vers les ressources du territoire " * 5
    snapshot = {"holder_name": "Jean-Noël Œuvray", "course_title": "Santé mentale", "issuer_name": "CLSM de Metz",
                "objectives": [f"Objectif {n} : {long_line}" for n in range(1, 51)], "duration_minutes": 120}
    data = render_pdf(build(snapshot, code="ABCD-EFGH-IJKL-MNOP-QRST-UVWX", verify_url="http://localhost/verify/x"))
    assert pdf_page_sizes(data) == [(210, 297)]
    text = pdf_text(data)
    assert "Objectif 1 :" in text and "Objectif 50 :" not in text
    assert re.search(r"… et \d+ autres objectifs \(liste complète dans la version en ligne\)", text)
    assert "ABCD-EFGH-IJKL-MNOP-QRST-UVWX" in text


def test_post_test_result_only_when_the_course_has_one(make, outbox):
    learner = make.learner()
    _course, without = completed_course(learner, title="Sans évaluation")
    plain = services.issue_certificate(without.id)
    assert "post_test_score" not in plain.snapshot and plain.snapshot["has_post_test"] is False

    _course, with_test = completed_course(learner, title="Avec évaluation", post_test=True, post_test_score=85)
    tested = services.issue_certificate(with_test.id)
    assert tested.snapshot["has_post_test"] is True and tested.snapshot["post_test_score"] == 85
    text = pdf_text(services.pdf_bytes(tested))
    assert "Évaluation finale (post-test)" in text and "85 / 100" in text


def test_a_name_outside_latin_scripts_still_prints(make, outbox):
    learner = make.learner(full_name="Анна Петрова")  # not in the Latin subset: the whole font is used
    _course, completion = completed_course(learner)
    certificate = services.issue_certificate(completion.id)
    assert "Анна Петрова" in pdf_text(services.pdf_bytes(certificate))


def test_revocation_keeps_the_record(make, outbox):
    learner, coordinator = make.learner(), make.coordinator()
    _course, completion = completed_course(learner)
    certificate = services.issue_certificate(completion.id)
    with pytest.raises(Forbidden):
        services.revoke_certificate(learner, certificate.code, "Erreur")
    with pytest.raises(Invalid):
        services.revoke_certificate(coordinator, certificate.code, "   ")
    with pytest.raises(NotFound):
        services.revoke_certificate(coordinator, "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA", "Erreur")
    services.revoke_certificate(coordinator, certificate.display_code.lower(), "Parcours suivi par une autre personne")
    commit()
    with pytest.raises(Conflict):
        services.revoke_certificate(coordinator, certificate.code, "Encore")
    kept = db.session.get(Certificate, certificate.id)
    assert kept is not None and kept.revoked and kept.revoked_by_id == coordinator.id
    assert "ATTESTATION RÉVOQUÉE" in pdf_text(services.pdf_bytes(kept))
    answer = services.verify(certificate.code)
    assert answer["valid"] is False and answer["revoked"] is True
    assert answer["reason"] == "Parcours suivi par une autre personne" and answer["revoked_at"]


def test_listing_for_a_user(make, outbox):
    learner, other = make.learner(), make.learner()
    _c1, first = completed_course(learner, title="Premier")
    _c2, second = completed_course(learner, title="Second")
    _c3, theirs = completed_course(other, title="Autre")
    for completion in (first, second, theirs):
        services.issue_certificate(completion.id)
    assert {c.snapshot["course_title"] for c in services.certificates_of(learner)} == {"Premier", "Second"}
    page, cursor = services.certificates_of_page(learner, after_id=None, limit=1)
    assert len(page) == 1 and cursor == page[0].id
    rest, end = services.certificates_of_page(learner, after_id=cursor, limit=1)
    assert len(rest) == 1 and end is None and rest[0].id != page[0].id


def test_gdpr_export_and_erasure_keep_the_evidence_without_the_name(make, outbox):
    learner = make.learner(full_name="Hélène Dupré", organisation="CCAS de Metz")
    make.coordinator()
    certificate = issued_certificate(learner, title="Premiers repères")
    exported = accounts.export_user_data(learner)["certificates"]
    assert exported[0]["code"] == certificate.display_code and exported[0]["content"]["holder_name"] == "Hélène Dupré"

    old_key = certificate.pdf_key
    accounts.erase_user(learner)
    commit()
    kept = db.session.get(Certificate, certificate.id)
    assert kept.snapshot["holder_name"] == "Compte supprimé" and kept.snapshot["organisation"] is None
    assert kept.snapshot["course_title"] == "Premiers repères"
    assert kept.pdf_key != old_key
    text = pdf_text(services.pdf_bytes(kept))
    assert "Hélène" not in text and "CCAS" not in text and "Compte supprimé" in text
    assert services.verify(kept.code)["holder_name"] == "Compte supprimé"
    assert services.verify(kept.code)["valid"] is True


def test_a_missing_file_is_rendered_again_from_the_snapshot(make, outbox):
    from lms.core import storage

    learner = make.learner(full_name="Hélène Dupré")
    _course, completion = completed_course(learner)
    certificate = services.issue_certificate(completion.id)
    storage.delete(certificate.pdf_key)
    assert "Hélène Dupré" in pdf_text(services.pdf_bytes(certificate))
