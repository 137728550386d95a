"""Rate limits that stop an attacker without locking the rightful owner out (lms.core.ratelimit).

Each client is told apart by its address as the app derives it: REMOTE_ADDR, or behind nginx
(LMS_PROXY_COUNT=1, werkzeug's ProxyFix) the X-Forwarded-For that nginx sets.
"""
from __future__ import annotations

import os
import re
import time

import pytest
from sqlalchemy import func, select

from config import TestConfig
from lms import create_app
from lms.auth.models import User
from lms.extensions import db
from tests.conftest import browser
from tests.factories import PASSWORD

LIMIT = 10  # LOGIN_RATE_LIMIT and LOGIN_ACCOUNT_RATE_LIMIT: "10 per minute"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
RESET_SENT = "Si un compte existe pour cette adresse, un lien valable une heure vient d&#39;y être envoyé."


def at(address: str) -> dict:
    return {"REMOTE_ADDR": address}


def html_sign_in(client, email: str, password: str):
    page = client.get("/connexion").get_data(as_text=True)
    return client.post("/connexion", data={"email": email, "password": password,
                                           "csrf_token": CSRF_RE.search(page).group(1)})


def api_sign_in(client, email: str, password: str):
    return client.post("/api/v1/auth/token", json={"email": email, "password": password})


def signed_in(response) -> bool:
    """The API's token (200), or the form's redirection into the site (302)."""
    return response.status_code == (200 if response.is_json else 302)


SIGN_INS = {"HTML form": html_sign_in, "API token": api_sign_in}


@pytest.mark.parametrize("sign_in", SIGN_INS.values(), ids=SIGN_INS.keys())
def test_only_failed_sign_ins_count(app, make, sign_in):
    learner = make.learner()
    for _ in range(LIMIT + 5):  # more right sign-ins from one address than the limit allows failures
        assert signed_in(sign_in(browser(app, **at("10.1.0.1")), learner.email, PASSWORD))
    for _ in range(LIMIT - 1):
        assert sign_in(browser(app, **at("10.1.0.1")), learner.email, "faux").status_code in (401, 422)
    assert signed_in(sign_in(browser(app, **at("10.1.0.1")), learner.email, PASSWORD))


@pytest.mark.parametrize("sign_in", SIGN_INS.values(), ids=SIGN_INS.keys())
def test_the_owner_signs_in_while_others_hammer_the_account(app, make, sign_in):
    owner = make.learner()
    for n in range(LIMIT):  # the account's bucket filled from five other addresses
        assert sign_in(browser(app, **at(f"203.0.113.{n % 5}")), owner.email, "faux").status_code in (401, 422)

    # An address that took part is refused, even with the right password (it is not even checked).
    refused = sign_in(browser(app, **at("203.0.113.1")), owner.email, PASSWORD)
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    # A new address with a wrong password is refused too, and then refused whatever it sends.
    assert sign_in(browser(app, **at("203.0.113.77")), owner.email, "encore faux").status_code == 429
    assert sign_in(browser(app, **at("203.0.113.77")), owner.email, PASSWORD).status_code == 429

    # The owner, from their own address, with the right password: in.
    assert signed_in(sign_in(browser(app, **at("198.51.100.7")), owner.email, PASSWORD))
    assert signed_in(sign_in(browser(app, **at("198.51.100.7")), owner.email.upper(), PASSWORD))


@pytest.mark.parametrize("sign_in", SIGN_INS.values(), ids=SIGN_INS.keys())
def test_the_owners_own_address_bucket_still_applies(app, make, sign_in):
    owner, other = make.learner(), make.learner()
    for n in range(LIMIT):  # failures from the owner's address, on several accounts
        assert sign_in(browser(app, **at("198.51.100.7")), f"personne{n}@example.org", "faux").status_code in (401, 422)
    response = sign_in(browser(app, **at("198.51.100.7")), owner.email, PASSWORD)
    assert response.status_code == 429
    body = response.json["error"] if response.is_json else None
    if body:
        assert body["code"] == "rate_limited" and body["message"].startswith("Trop de tentatives")
    else:
        assert "Trop de tentatives" in response.get_data(as_text=True)
    assert signed_in(sign_in(browser(app, **at("198.51.100.8")), other.email, PASSWORD))


@pytest.fixture
def proxied_app(database_url, tmp_path):
    """The app as it runs behind nginx: LMS_PROXY_COUNT=1, the client's address from X-Forwarded-For."""
    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, PROXY_COUNT=1, ARGON2_PROFILE="fast",
                      INSTANCE_PATH=str(tmp_path / "instance"), MEDIA_ROOT=str(tmp_path / "media"))


@pytest.mark.parametrize("sign_in", SIGN_INS.values(), ids=SIGN_INS.keys())
def test_behind_the_proxy_each_forwarded_address_has_its_own_buckets(proxied_app, make, sign_in):
    owner, other = make.learner(), make.learner()

    def via_nginx(client_address: str):  # every request comes from nginx's own address
        return browser(proxied_app, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=client_address)

    for n in range(LIMIT):
        assert sign_in(via_nginx(f"203.0.113.{n}"), owner.email, "faux").status_code in (401, 422)
    assert sign_in(via_nginx("203.0.113.3"), owner.email, PASSWORD).status_code == 429
    assert signed_in(sign_in(via_nginx("198.51.100.7"), owner.email, PASSWORD))

    for _ in range(LIMIT):
        assert sign_in(via_nginx("192.0.2.66"), other.email + ".x", "faux").status_code in (401, 422)
    assert sign_in(via_nginx("192.0.2.66"), other.email, PASSWORD).status_code == 429
    assert signed_in(sign_in(via_nginx("192.0.2.67"), other.email, PASSWORD))


def forgot(client, email: str):
    page = client.get("/mot-de-passe-oublie").get_data(as_text=True)
    response = client.post("/mot-de-passe-oublie", data={"email": email, "csrf_token": CSRF_RE.search(page).group(1)},
                           follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_one_reset_email_per_account_per_few_minutes_whatever_the_requests(app, make, smtp):
    make.learner(email="oubli@example.org")
    pages = [forgot(browser(app, **at(address)), email) for address, email in [
        ("10.2.0.1", "oubli@example.org"), ("10.2.0.1", "oubli@example.org"), ("10.2.0.1", " OUBLI@example.org"),
        ("10.2.0.2", "oubli@example.org"), ("10.2.0.3", "Oubli@Example.org"), ("10.2.0.4", "oubli@example.org"),
    ]]
    unknown = forgot(browser(app, **at("10.2.0.5")), "personne@example.org")
    assert all(RESET_SENT in page for page in [*pages, unknown])
    smtp.pop("oubli@example.org")
    assert smtp.count() == 0  # one email for six requests (and the fixture fails on any other)


def test_a_new_reset_email_once_the_window_has_passed(app, make, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_RESET_EMAIL_LIMIT", "1 per 1 second")
    make.learner(email="patient@example.org")
    forgot(browser(app, **at("10.3.0.1")), "patient@example.org")
    forgot(browser(app, **at("10.3.0.2")), "patient@example.org")
    smtp.pop("patient@example.org")
    time.sleep(1.1)
    forgot(browser(app, **at("10.3.0.1")), "patient@example.org")
    smtp.pop("patient@example.org")
    assert smtp.count() == 0


def register_html(client, n: int, **fields):
    page = client.get("/inscription").get_data(as_text=True)
    data = {"email": f"inscrit{n}@example.org", "password": "un mot de passe long",
            "password_confirm": "un mot de passe long", "full_name": f"Inscrit {n}", "audience": "professional",
            "csrf_token": CSRF_RE.search(page).group(1), **fields}
    return client.post("/inscription", data=data)


def register_api(client, n: int, **fields):
    return client.post("/api/v1/auth/register", json={
        "email": f"inscrit{n}@example.org", "password": "un mot de passe long", "full_name": f"Inscrit {n}",
        "audience": "professional", **fields})


def accounts() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_self_registration_is_limited_per_address_on_the_html_form(app, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTRATION_RATE_LIMIT", "2 per hour")
    assert register_html(browser(app, **at("10.4.0.1")), 0, password="court").status_code == 422  # not counted
    assert [register_html(browser(app, **at("10.4.0.1")), n).status_code for n in (1, 2)] == [302, 302]
    before = accounts()
    refused = register_html(browser(app, **at("10.4.0.1")), 3)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    text = refused.get_data(as_text=True)
    assert "Trop de comptes ont été créés depuis votre adresse réseau" in text and "<html" in text
    assert accounts() == before
    assert register_html(browser(app, **at("10.4.0.2")), 4).status_code == 302


def test_self_registration_is_limited_per_address_on_the_api(app, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTRATION_RATE_LIMIT", "2 per hour")
    client = browser(app, **at("10.5.0.1"))
    assert register_api(client, 0, audience="nope").status_code == 422  # not counted
    assert [register_api(client, n).status_code for n in (1, 2)] == [201, 201]
    refused = register_api(client, 3)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.json["error"]["code"] == "rate_limited" and refused.json["error"]["fields"] == {}
    assert refused.json["error"]["message"].startswith("Trop de comptes ont été créés depuis votre adresse réseau")
    assert register_api(browser(app, **at("10.5.0.2")), 3).status_code == 201


def test_a_rate_limit_that_does_not_read_is_refused_at_start_up(capsys):
    with pytest.raises(SystemExit):
        create_app(TestConfig, REGISTRATION_RATE_LIMIT="beaucoup")
    assert "LMS_REGISTRATION_RATE_LIMIT" in capsys.readouterr().err


@pytest.fixture
def redis_app(database_url, tmp_path):
    """The app with its limits in Redis, as in production (LMS_REDIS_URL); the memory store back afterwards."""
    from lms.extensions import limiter

    url = os.environ.get("LMS_TEST_REDIS_URL")
    if not url:
        pytest.skip("LMS_TEST_REDIS_URL is not set")
    saved = limiter._storage, limiter._limiter  # one limiter for every app of the process: the session app's store
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_STORAGE_URI=url, ARGON2_PROFILE="fast",
                     INSTANCE_PATH=str(tmp_path / "instance"), MEDIA_ROOT=str(tmp_path / "media"))
    limiter.reset()
    try:
        yield app
    finally:
        limiter.reset()
        limiter._storage, limiter._limiter = saved


def test_the_limits_hold_in_redis(redis_app, make, outbox):
    owner = make.learner(email="redis@example.org")
    for n in range(LIMIT):
        assert api_sign_in(browser(redis_app, **at(f"203.0.113.{n}")), owner.email, "faux").status_code == 401
    assert api_sign_in(browser(redis_app, **at("203.0.113.4")), owner.email, PASSWORD).status_code == 429
    assert api_sign_in(browser(redis_app, **at("198.51.100.7")), owner.email, PASSWORD).status_code == 200
    for address in ("10.6.0.1", "10.6.0.2", "10.6.0.1"):
        assert RESET_SENT in forgot(browser(redis_app, **at(address)), owner.email)
    assert len(outbox(recipient=owner.email)) == 1  # this app keeps its mail in the outbox (no SMTP host)
