"""The API twins of revocation (Accounts in shared/API.md): sign out, sign out everywhere, change the password."""
from tests.auth.helpers import assert_none_works, cookies_of, token_works
from tests.conftest import api_headers, signed_in_browser
from tests.factories import PASSWORD

NEW_PASSWORD = "un tout autre mot de passe"


def test_logout_ends_that_token_only(app, client, make):
    learner = make.learner()
    first, second = api_headers(app, learner), api_headers(app, learner)
    browser = signed_in_browser(app, learner, remember=True)
    assert client.post("/api/v1/auth/logout", headers=first).status_code == 204
    assert not token_works(client, first)
    answer = client.post("/api/v1/auth/logout", headers=first)
    assert answer.status_code == 401 and answer.json["error"]["code"] == "invalid_token"
    assert token_works(client, second)
    assert browser.get("/compte").status_code == 200


def test_logout_needs_a_bearer_token(app, client, make):
    browser = signed_in_browser(app, make.learner(), remember=True)
    assert client.post("/api/v1/auth/logout").status_code == 401
    assert browser.post("/api/v1/auth/logout").status_code == 401  # a session cookie does not sign API writes


def test_sign_out_everywhere_ends_every_session_remember_cookie_and_token(app, client, make):
    learner, other_learner = make.learner(), make.learner()
    browser = signed_in_browser(app, learner, remember=True)
    before = cookies_of(browser)
    headers, other, theirs = api_headers(app, learner), api_headers(app, learner), api_headers(app, other_learner)

    assert client.post("/api/v1/me/sign-out-everywhere", headers=headers).status_code == 204
    assert not token_works(client, headers) and not token_works(client, other)
    assert_none_works(app, before)
    assert browser.get("/compte").status_code == 302
    assert token_works(client, theirs)  # nobody else's


def test_change_password_through_the_api(app, client, make):
    learner = make.learner()
    browser = signed_in_browser(app, learner, remember=True)
    before = cookies_of(browser)
    headers, other = api_headers(app, learner), api_headers(app, learner)

    answer = client.post("/api/v1/me/password", headers=headers,
                         json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert answer.status_code == 204 and answer.get_data() == b""
    assert not token_works(client, headers) and not token_works(client, other)
    assert_none_works(app, before)
    assert client.post("/api/v1/auth/token", json={"email": learner.email, "password": PASSWORD}).status_code == 401
    assert token_works(client, api_headers(app, learner, NEW_PASSWORD))


def test_change_password_refuses_a_wrong_current_password_with_403(app, client, make):
    learner = make.learner()
    headers = api_headers(app, learner)
    answer = client.post("/api/v1/me/password", headers=headers,
                         json={"current_password": "pas le bon", "new_password": NEW_PASSWORD})
    assert answer.status_code == 403 and answer.json["error"]["code"] == "wrong_password"
    assert "current_password" in answer.json["error"]["fields"]
    assert token_works(client, headers)  # nothing changed


def test_change_password_names_an_invalid_new_password_as_the_page_does(app, client, make):
    learner = make.learner()
    headers = api_headers(app, learner)
    for new in ("court", "x" * 257):
        answer = client.post("/api/v1/me/password", headers=headers, json={"current_password": PASSWORD, "new_password": new})
        assert answer.status_code == 422 and list(answer.json["error"]["fields"]) == ["new_password"], answer.json
    answer = client.post("/api/v1/me/password", headers=headers, json={"current_password": PASSWORD})
    assert answer.status_code == 422 and "new_password" in answer.json["error"]["fields"]
    assert token_works(client, headers)


def test_the_new_routes_need_a_token(app, client, make):
    browser = signed_in_browser(app, make.learner(), remember=True)
    for path in ("/api/v1/me/password", "/api/v1/me/sign-out-everywhere"):
        assert client.post(path, json={}).status_code == 401
        assert browser.post(path, json={}).status_code == 401
    assert browser.get("/compte").status_code == 200
