"""GET /api/v1/me/certificates and POST /api/v1/certificates/{code}/revoke."""
from lms.certificates import services
from lms.core.db import commit
from tests.certificates.helpers import completed_course, issued_certificate
from tests.conftest import api_headers


def test_my_certificates_list(app, client, make, outbox):
    learner = make.learner()
    _c1, first = completed_course(learner, title="Premier")
    _c2, second = completed_course(learner, title="Second")
    one, two = services.issue_certificate(first.id), services.issue_certificate(second.id)
    commit()
    headers = api_headers(app, learner)
    body = client.get("/api/v1/me/certificates", headers=headers).json
    assert body["next"] is None and [item["code"] for item in body["items"]] == [two.display_code, one.display_code]
    item = body["items"][1]
    assert item["course_id"] == first.course_id and item["issued_at"].endswith(("+01:00", "+02:00"))
    assert item["pdf_url"] == f"http://localhost/api/v1/certificates/{one.display_code}.pdf"
    assert item["verify_url"] == f"http://localhost/verify/{one.display_code}"
    page = client.get("/api/v1/me/certificates?limit=1", headers=headers).json
    assert len(page["items"]) == 1 and page["next"]
    rest = client.get(f"/api/v1/me/certificates?limit=1&cursor={page['next']}", headers=headers).json
    assert rest["items"][0]["code"] == one.display_code and rest["next"] is None
    assert client.get("/api/v1/me/certificates", headers=api_headers(app, make.learner())).json == {"items": [], "next": None}
    assert client.get("/api/v1/me/certificates").status_code == 401
    assert client.get("/api/v1/me/certificates?limit=0", headers=headers).status_code == 422


def test_revoke(app, client, make, outbox):
    learner = make.learner(full_name="Hélène Dupré")
    certificate = issued_certificate(learner)
    path = f"/api/v1/certificates/{certificate.display_code}/revoke"
    coordinator = api_headers(app, make.coordinator())
    assert client.post(path, json={"reason": "Erreur"}, headers=api_headers(app, learner)).status_code == 403
    assert client.post(path, json={"reason": "Erreur"}).status_code == 401
    missing = client.post(path, json={}, headers=coordinator)
    assert missing.status_code == 422 and "reason" in missing.json["error"]["fields"]
    assert client.post(path, json={"reason": "   "}, headers=coordinator).status_code == 422
    assert client.post("/api/v1/certificates/AAAA-AAAA-AAAA-AAAA-AAAA-AAAA/revoke", json={"reason": "x"},
                       headers=coordinator).status_code == 404
    done = client.post(path, json={"reason": "Délivrée par erreur"}, headers=coordinator)
    assert done.status_code == 200
    assert done.json["valid"] is False and done.json["revoked"] is True and done.json["reason"] == "Délivrée par erreur"
    again = client.post(path, json={"reason": "Encore"}, headers=coordinator)
    assert again.status_code == 409 and again.json["error"]["code"] == "already_revoked"
    verify = client.get(f"/verify/{certificate.code}", headers={"Accept": "application/json"}).json
    assert verify["valid"] is False and verify["revoked"] is True and verify["reason"] == "Délivrée par erreur"
