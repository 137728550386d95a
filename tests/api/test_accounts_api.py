"""The Accounts part of shared/API.md, route by route."""
import json

import pytest
from sqlalchemy import select

from lms.auth.models import User
from lms.extensions import db
from tests.conftest import api_headers, error_of
from tests.factories import PASSWORD


def test_register_then_token_then_me(client):
    response = client.post("/api/v1/auth/register", json={
        "email": "Nadia@Example.org", "password": "assez long mot", "full_name": "Nadia B", "audience": "elected_official",
        "organisation": "Ville de Metz"})
    assert response.status_code == 201
    assert response.json["email"] == "nadia@example.org" and response.json["role"] == "learner"
    token = client.post("/api/v1/auth/token", json={"email": "nadia@example.org", "password": "assez long mot"})
    assert token.status_code == 200 and token.json["expires_at"].endswith("+01:00")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.json['token']}"})
    assert me.json == {"id": response.json["id"], "email": "nadia@example.org", "full_name": "Nadia B",
                       "role": "learner", "audience": "elected_official", "organisation": "Ville de Metz"}


def test_register_duplicate_is_409_email_taken(client, make):
    make.learner(email="pris@example.org")
    response = client.post("/api/v1/auth/register", json={"email": "PRIS@example.org", "password": "assez long mot", "full_name": "X"})
    assert response.status_code == 409 and error_of(response)["code"] == "email_taken"


def test_register_user_or_carer_needs_consent(client):
    body = {"email": "p@example.org", "password": "assez long mot", "full_name": "P", "audience": "user_or_carer"}
    response = client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 422 and "audience_consent" in error_of(response)["fields"]
    response = client.post("/api/v1/auth/register", json={**body, "audience_consent": True})
    assert response.status_code == 201


@pytest.mark.parametrize("payload, status, field", [
    ({"email": "pas-une-adresse", "password": "assez long mot", "full_name": "X"}, 422, "email"),
    ({"email": "a@example.org", "password": "court", "full_name": "X"}, 422, "password"),
    ({"email": "a@example.org", "password": "assez long mot"}, 422, "full_name"),
    ({"email": "a@example.org", "password": "assez long mot", "full_name": "X", "audience": "martian"}, 422, "audience"),
    ({"email": 12, "password": "assez long mot", "full_name": "X"}, 422, "email"),
    # The schema's enum has no "": an empty audience is refused rather than read as "no answer".
    ({"email": "a@example.org", "password": "assez long mot", "full_name": "X", "audience": ""}, 422, "audience"),
])
def test_register_invalid_values_are_422_with_fields(client, payload, status, field):
    response = client.post("/api/v1/auth/register", json=payload)
    assert response.status_code == status
    assert field in error_of(response)["fields"]


@pytest.mark.parametrize("audience", ["prefer_not_to_say", None])
def test_register_without_declaring_an_audience_stores_none(app, client, audience):
    response = client.post("/api/v1/auth/register", json={
        "email": "discret@example.org", "password": "assez long mot", "full_name": "D", "audience": audience})
    assert response.status_code == 201
    token = client.post("/api/v1/auth/token", json={"email": "discret@example.org", "password": "assez long mot"})
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.get_json()['token']}"})
    assert me.get_json()["audience"] is None


def test_malformed_json_is_400_and_wrong_type_415(client):
    response = client.post("/api/v1/auth/register", data="{not json", content_type="application/json")
    assert response.status_code == 400 and error_of(response)["code"] == "malformed_json"
    response = client.post("/api/v1/auth/register", data="[1, 2]", content_type="application/json")
    assert response.status_code == 400
    response = client.post("/api/v1/auth/register", data="email=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_bad_credentials_are_401_invalid_credentials(client, make):
    learner = make.learner()
    response = client.post("/api/v1/auth/token", json={"email": learner.email, "password": "faux faux faux"})
    assert response.status_code == 401 and error_of(response)["code"] == "invalid_credentials"
    assert error_of(response)["message"] == "Adresse électronique ou mot de passe incorrect."


def test_token_endpoint_is_rate_limited(client, make):
    learner = make.learner()
    codes = [client.post("/api/v1/auth/token", json={"email": learner.email, "password": "faux"}).status_code for _ in range(11)]
    assert codes[-1] == 429
    assert error_of(client.post("/api/v1/auth/token", json={"email": learner.email, "password": PASSWORD}))["code"] == "rate_limited"


def test_no_or_bad_token_is_401(client):
    assert client.get("/api/v1/me").status_code == 401
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401 and error_of(response)["code"] == "invalid_token"
    assert client.get("/api/v1/me", headers={"Authorization": "Basic abc"}).status_code == 401


def test_expired_token_is_401(app, client, make):
    from datetime import timedelta

    from lms.auth.models import ApiToken

    headers = api_headers(app, make.learner())
    token = db.session.scalar(select(ApiToken))
    token.expires_at = token.created_at - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_session_cookie_works_on_get_but_not_for_writes(client, make):
    from tests.conftest import login_as

    coordinator = make.coordinator()
    login_as(client, coordinator)
    assert client.get("/api/v1/me").json["id"] == coordinator.id
    response = client.post("/api/v1/users", json={"email": "x@example.org", "full_name": "X", "role": "learner"})
    assert response.status_code == 401


def test_coordinator_creates_user_and_invitation_is_queued(app, client, make, outbox):
    headers = api_headers(app, make.coordinator())
    response = client.post("/api/v1/users", headers=headers, json={
        "email": "Invitee@Example.org", "full_name": "Invitée", "role": "trainer", "organisation": "CMP Metz"})
    assert response.status_code == 201
    assert response.json["role"] == "trainer" and response.json["email"] == "invitee@example.org"
    [message] = outbox(recipient="invitee@example.org")
    assert message.category == "invitation" and message.status == "pending"
    assert "/mot-de-passe/" in message.body_text and "valable 7 jours" in message.body_text


def test_coordinator_creates_user_with_password_sends_nothing(app, client, make):
    headers = api_headers(app, make.coordinator())
    response = client.post("/api/v1/users", headers=headers, json={
        "email": "direct@example.org", "full_name": "Direct", "role": "learner", "password": "un mot de passe sûr"})
    assert response.status_code == 201
    assert client.post("/api/v1/auth/token", json={"email": "direct@example.org", "password": "un mot de passe sûr"}).status_code == 200


def test_coordinator_gives_an_empty_password_gets_422_and_nobody_is_created(app, client, make):
    headers = api_headers(app, make.coordinator())
    response = client.post("/api/v1/users", headers=headers, json={
        "email": "vide@example.org", "full_name": "Vide", "role": "learner", "password": ""})
    assert response.status_code == 422 and "password" in error_of(response)["fields"]
    assert db.session.scalar(select(User).where(User.email == "vide@example.org")) is None


def test_coordinator_cannot_declare_a_health_audience_for_someone(app, client, make):
    headers = api_headers(app, make.coordinator())
    response = client.post("/api/v1/users", headers=headers, json={
        "email": "x@example.org", "full_name": "X", "role": "learner", "audience": "user_or_carer"})
    assert response.status_code == 422 and "audience" in error_of(response)["fields"]


def test_create_user_invalid_role_is_422(app, client, make):
    headers = api_headers(app, make.coordinator())
    response = client.post("/api/v1/users", headers=headers, json={"email": "x@example.org", "full_name": "X", "role": "admin"})
    assert response.status_code == 422 and "role" in error_of(response)["fields"]


def test_learner_token_is_403_on_coordinator_routes(app, client, make):
    headers = api_headers(app, make.learner())
    response = client.post("/api/v1/users", headers=headers, json={"email": "x@example.org", "full_name": "X", "role": "learner"})
    assert response.status_code == 403 and error_of(response)["code"] == "forbidden"
    response = client.post("/api/v1/users/import", headers={**headers, "Content-Type": "text/csv"}, data="email,full_name\n")
    assert response.status_code == 403


def test_learner_cannot_read_another_person(app, client, make):
    me, other = make.learner(), make.learner()
    headers = api_headers(app, me)
    assert client.get(f"/api/v1/users/{me.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/users/{other.id}", headers=headers).status_code == 403
    assert client.get(f"/api/v1/users/{other.id}/progress", headers=headers).status_code == 403
    assert client.get(f"/api/v1/users/{me.id}/progress", headers=headers).json == {"items": [], "next": None}
    assert client.get("/api/v1/users/999999", headers=api_headers(app, make.coordinator())).status_code == 404


CSV = (
    "email,full_name,audience,organisation\n"
    "anne@example.org,Anne A,professional,CCAS de Metz\n"
    "pas-une-adresse,Bruno B,other,\n"
    "carla@example.org,Carla C,elected_official,Ville de Metz\n"
    "dan@example.org,,other,\n"
    "eve@example.org,Eve E,user_or_carer,\n"
    "ANNE@example.org,Anne bis,professional,\n"
    "fred@example.org,Fred F,astronaut,\n"
)


def test_import_csv_keeps_good_rows_and_reports_bad_lines(app, client, make, outbox):
    headers = {**api_headers(app, make.coordinator()), "Content-Type": "text/csv"}
    response = client.post("/api/v1/users/import", headers=headers, data=CSV.encode())
    assert response.status_code == 200
    body = response.json
    assert body["created"] == 2 and body["updated"] == 0
    assert [error["line"] for error in body["errors"]] == [3, 5, 6, 7, 8]
    assert "email" in body["errors"][0]["message"]
    assert {m.recipient for m in outbox(category="invitation")} == {"anne@example.org", "carla@example.org"}

    again = client.post("/api/v1/users/import", headers=headers, data=CSV.encode()).json
    assert again["created"] == 0 and again["updated"] == 0 and again["unchanged"] == 2
    assert len(outbox(category="invitation")) == 2

    changed = CSV.replace("Carla C", "Carla Changée")
    assert client.post("/api/v1/users/import", headers=headers, data=changed.encode()).json["updated"] == 1
    assert db.session.scalar(select(User.full_name).where(User.email == "carla@example.org")) == "Carla Changée"


def test_import_semicolons_and_windows_1252_as_spreadsheets_save_them(app, client, make, outbox):
    headers = {**api_headers(app, make.coordinator()), "Content-Type": "text/csv"}
    data = "email;full_name;audience;organisation\r\nzoe@example.org;Zoé Léger;mdph_agent;MDPH de la Moselle\r\n".encode("cp1252")
    body = client.post("/api/v1/users/import", headers=headers, data=data).json
    assert body == {"created": 1, "updated": 0, "unchanged": 0, "errors": []}
    assert db.session.scalar(select(User.full_name).where(User.email == "zoe@example.org")) == "Zoé Léger"
    assert len(outbox()) == 1


@pytest.mark.parametrize("data, status", [
    (b"", 422),
    (b"nom,prenom\nx,y\n", 422),
    (b"email,full_name\n\"unterminated,X\n", 200),
])
def test_import_malformed_csv_is_a_clear_error(app, client, make, data, status):
    headers = {**api_headers(app, make.coordinator()), "Content-Type": "text/csv"}
    response = client.post("/api/v1/users/import", headers=headers, data=data)
    assert response.status_code == status
    if status == 200:
        assert response.json["created"] == 0 and response.json["errors"]


def test_import_needs_csv_content_type(app, client, make):
    headers = api_headers(app, make.coordinator())
    assert client.post("/api/v1/users/import", headers=headers, json={"a": 1}).status_code == 415


def test_export_contains_everything_about_me_only(app, client, make):
    me = make.learner(email="me@example.org")
    make.learner(email="someone-else@example.org")
    body = client.get("/api/v1/me/export", headers=api_headers(app, me)).json
    assert body["profile"]["email"] == "me@example.org"
    assert "someone-else@example.org" not in json.dumps(body)
    assert body["api_tokens"] and "token_hash" not in json.dumps(body)


def test_delete_me_erases_and_keeps_anonymous_counts(app, client, make):
    me = make.learner(email="bye@example.org", audience="mdph_agent")
    headers = api_headers(app, me)
    assert client.delete("/api/v1/me", headers=headers).status_code == 204
    row = db.session.get(User, me.id)
    assert row.email != "bye@example.org" and row.full_name == "Compte supprimé" and row.audience == "mdph_agent"
    assert client.get("/api/v1/me", headers=headers).status_code == 401  # tokens are gone
    assert client.post("/api/v1/auth/register", json={"email": "bye@example.org", "password": "assez long mot", "full_name": "Again"}).status_code == 201


def test_unknown_api_route_and_method_use_the_error_shape(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    response = client.put("/api/v1/me")
    assert response.status_code == 405 and error_of(response)["code"] == "method_not_allowed"


def test_oversized_body_is_413(app, client):
    response = client.post("/api/v1/auth/register", data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1), content_type="application/json")
    assert response.status_code == 413 and error_of(response)["code"] == "too_large"


def test_the_last_coordinator_cannot_erase_themself(app, client, make):
    first = make.coordinator()
    response = client.delete("/api/v1/me", headers=api_headers(app, first))
    assert response.status_code == 409 and error_of(response)["code"] == "last_coordinator"
    second = make.coordinator()
    assert client.delete("/api/v1/me", headers=api_headers(app, first)).status_code == 204
    assert client.delete("/api/v1/me", headers=api_headers(app, second)).status_code == 409


def test_sign_in_attempts_are_limited_per_account_across_addresses(client, make):
    learner = make.learner()
    codes = [client.post("/api/v1/auth/token", json={"email": learner.email, "password": "faux"},
                         environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code for n in range(11)]
    assert codes[:10] == [401] * 10 and codes[10] == 429


def test_organisations_match_whatever_the_case_and_accents(app, client, make):
    headers = api_headers(app, make.coordinator())
    for n, name in enumerate(["École Élan", "ÉCOLE  ÉLAN", "école élan"]):
        response = client.post("/api/v1/users", headers=headers, json={
            "email": f"e{n}@example.org", "full_name": "E", "role": "learner", "password": "assez long mot", "organisation": name})
        assert response.status_code == 201 and response.json["organisation"] == "École Élan"
