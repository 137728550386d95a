"""Verification (public, HTML and JSON), the learner's pages, the PDF's access rule, the coordinators' page."""
from lms.certificates import services
from lms.certificates.models import Certificate
from lms.core.db import commit
from lms.extensions import db
from tests.certificates.helpers import issued_certificate, pdf_text
from tests.conftest import login_as, post_form

JSON = {"Accept": "application/json"}


def issued(make, full_name="Hélène Dupré", **kwargs):
    learner = make.learner(full_name=full_name)
    return learner, issued_certificate(learner, **kwargs)


def test_verify_valid_then_revoked_html_and_json(client, make, outbox):
    learner, certificate = issued(make)
    page = client.get(f"/verify/{certificate.display_code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Attestation valide" in html
    assert '<p class="notice notice-valid" role="status"><strong>Attestation valide.' in html  # green, not a warning
    assert "Hélène Dupré" in html and "Premiers repères en santé mentale" in html
    assert learner.email not in html  # minimal personal data
    assert page.headers["Cache-Control"] == "no-cache"

    answer = client.get(f"/verify/{certificate.display_code}", headers=JSON)
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert answer.json == {
        "valid": True, "revoked": False, "code": certificate.display_code, "holder_name": "Hélène Dupré",
        "course_title": "Premiers repères en santé mentale", "issued_at": answer.json["issued_at"],
        "issuer": "Centre hospitalier de Jury — Conseil local de santé mentale de Metz"}
    assert "revoked_at" not in answer.json and "reason" not in answer.json
    # Typed from paper: lower case, spaces instead of dashes.
    assert client.get(f"/verify/{certificate.display_code.lower().replace('-', ' ')}", headers=JSON).json["valid"]

    services.revoke_certificate(make.coordinator(), certificate.code, "Délivrée par erreur")
    commit()
    answer = client.get(f"/verify/{certificate.code}", headers=JSON).json
    assert answer["valid"] is False and answer["revoked"] is True
    assert answer["reason"] == "Délivrée par erreur" and answer["revoked_at"]
    html = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Attestation révoquée" in html and "Délivrée par erreur" in html and "Révoquée le" in html
    assert db.session.get(Certificate, certificate.id) is not None


def test_verify_unknown_is_404_html_and_json(client):
    page = client.get("/verify/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF")
    assert page.status_code == 404 and "Attestation inconnue" in page.get_data(as_text=True)
    assert client.get("/verify/nimporte-quoi").status_code == 404
    answer = client.get("/verify/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF", headers=JSON)
    assert answer.status_code == 404 and answer.json["error"]["code"] == "unknown_certificate"


def test_holder_and_coordinator_get_the_pdf_others_get_403(app, client, make, outbox):
    learner, certificate = issued(make)
    path = f"/attestations/{certificate.display_code}.pdf"
    assert client.get(path).status_code == 302  # sign in first

    login_as(client, learner)
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Hélène Dupré" in pdf_text(response.data)
    assert client.get(f"/attestations/{certificate.display_code}").status_code == 200

    for intruder in (make.learner(), make.trainer()):
        other = app.test_client()
        login_as(other, intruder)
        assert other.get(path).status_code == 403
        assert other.get(f"/attestations/{certificate.display_code}").status_code == 403
        assert other.get("/attestations/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF.pdf").status_code == 404

    coordinator = app.test_client()
    login_as(coordinator, make.coordinator())
    assert coordinator.get(path).status_code == 200


def test_learner_list_and_html_equivalent(client, make, outbox):
    learner, certificate = issued(make, post_test=True, post_test_score=90)
    login_as(client, learner)
    html = client.get("/attestations").get_data(as_text=True)
    assert "Premiers repères en santé mentale" in html and certificate.display_code in html
    assert f"/attestations/{certificate.display_code}.pdf" in html and f"/attestations/{certificate.display_code}\"" in html
    page = client.get(f"/attestations/{certificate.display_code}").get_data(as_text=True)
    for expected in ("Attestation de fin de formation", "Hélène Dupré", "Action de sensibilisation", "Objectifs opérationnels",
                     "Durée déclarée", "Temps effectivement passé", "du 3 mars 2026 au 12 mars 2026",
                     "Évaluation finale (post-test)", "90 / 100", certificate.display_code,
                     f"http://localhost/verify/{certificate.display_code}"):
        assert expected in page, expected


def test_empty_list(client, make):
    login_as(client, make.learner())
    assert "Vous n'avez pas encore d'attestation" in client.get("/attestations").get_data(as_text=True)


def test_coordinator_searches_and_revokes_with_a_reason(client, make, outbox):
    _learner, certificate = issued(make)
    coordinator = make.coordinator()
    login_as(client, coordinator)
    listing = client.get("/admin/attestations").get_data(as_text=True)
    assert certificate.display_code in listing
    for page_number in ("0", "²", "9" * 12):  # not a page number: the first page
        assert certificate.display_code in client.get("/admin/attestations", query_string={"page": page_number}).get_data(as_text=True)
    page = client.get("/admin/attestations", query_string={"q": certificate.code[:6].lower()})
    assert "Révoquer l'attestation" in page.get_data(as_text=True)
    assert "0 attestation" in client.get("/admin/attestations", query_string={"q": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"}).get_data(as_text=True)

    action = f"/admin/attestations/{certificate.display_code}/revocation"
    search = f"/admin/attestations?q={certificate.display_code}"
    empty = post_form(client, action, {"reason": "  "}, token_from=search)
    assert empty.status_code == 422 and "Indiquez le motif" in empty.get_data(as_text=True)
    assert not db.session.get(Certificate, certificate.id).revoked
    assert client.post(action, data={"reason": "Sans jeton"}).status_code == 400  # CSRF

    done = post_form(client, action, {"reason": "Parcours suivi par une autre personne"}, token_from=search)
    assert done.status_code == 302
    db.session.expire_all()
    kept = db.session.get(Certificate, certificate.id)
    assert kept.revoked and kept.revoked_reason == "Parcours suivi par une autre personne"
    assert kept.revoked_by_id == coordinator.id
    again = post_form(client, action, {"reason": "Encore"}, token_from="/admin/attestations")
    assert again.status_code == 409
