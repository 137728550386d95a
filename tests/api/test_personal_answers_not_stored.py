"""Answers of the API that carry personal data are never kept by a cache: ``Cache-Control: no-store``,
as the HTML pages (issue 12, point 10). One rule covers every answer of the API (lms/api/__init__.py),
errors included; the permission matrix (tests/test_permissions.py) checks it on every API route and
caller, this test on the answers named in the issue, as their owner gets them."""
from flask.testing import FlaskClient

from tests.certificates.helpers import issued_certificate
from tests.factories import PASSWORD


def test_personal_answers_of_the_api_are_no_store(app, make, outbox):
    learner, coordinator = make.learner(), make.coordinator()
    code = issued_certificate(learner).display_code
    client = FlaskClient(app, app.response_class, use_cookies=False)
    token = client.post("/api/v1/auth/token", json={"email": learner.email, "password": PASSWORD})
    registered = client.post("/api/v1/auth/register",
                             json={"email": "nouvelle@example.org", "password": "assez long mot", "full_name": "N"})
    mine = {"Authorization": f"Bearer {token.json['token']}"}
    staff = {"Authorization": f"Bearer {client.post('/api/v1/auth/token', json={'email': coordinator.email, 'password': PASSWORD}).json['token']}"}
    answers = {
        "token": token, "register": registered,
        **{path: client.get(path, headers=mine) for path in (
            "/api/v1/me", "/api/v1/me/export", "/api/v1/me/progress", "/api/v1/me/certificates",
            f"/api/v1/certificates/{code}.pdf", f"/api/v1/users/{learner.id}", f"/api/v1/users/{learner.id}/progress")},
        "coordinator reads a person": client.get(f"/api/v1/users/{learner.id}", headers=staff),
        "refused password": client.post("/api/v1/auth/token", json={"email": learner.email, "password": "faux mot de passe"}),
        "no token": client.get("/api/v1/me/export"),
    }
    assert {name: answer.status_code for name, answer in answers.items()} == {
        **{name: 200 for name in answers}, "register": 201, "refused password": 401, "no token": 401}
    assert {name: answer.headers.get("Cache-Control") for name, answer in answers.items()} == dict.fromkeys(answers, "no-store")
