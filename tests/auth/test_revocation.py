"""Every way in can be taken back on the server: browser sessions, "Rester connecté·e" cookies, API tokens.

A copy of a browser's cookies taken before an event is replayed from another client afterwards, as someone
who stole them would.
"""
import re

from sqlalchemy import text

from lms.extensions import db
from tests.auth.helpers import REMEMBER, assert_none_works, cookies_of, token_works, works
from tests.conftest import api_headers, csrf_token, login_as, post_form, signed_in_browser
from tests.factories import PASSWORD

NEW_PASSWORD = "un tout autre mot de passe"


def test_signing_out_ends_that_session_and_its_remember_cookie_for_good(app, make):
    learner = make.learner()
    browser, other = signed_in_browser(app, learner, remember=True), signed_in_browser(app, learner, remember=True)
    copy = cookies_of(browser)
    assert set(copy) == {"session", REMEMBER}
    assert works(app, session=copy["session"]) and works(app, **{REMEMBER: copy[REMEMBER]})

    response = post_form(browser, "/deconnexion", token_from="/compte")
    assert response.status_code == 302
    assert browser.get_cookie(REMEMBER) is None  # the browser is told to forget it
    assert browser.get("/compte").status_code == 302
    assert not works(app, session=copy["session"])
    assert not works(app, **{REMEMBER: copy[REMEMBER]})
    assert other.get("/compte").status_code == 200  # signing out of one browser leaves the others signed in


def test_signing_out_with_only_the_remember_cookie_left_ends_it_too(app, make):
    learner = make.learner()
    browser = signed_in_browser(app, learner, remember=True)
    remember = cookies_of(browser)[REMEMBER]
    browser.delete_cookie("session")  # the browser closed: the session cookie is gone, the remember cookie stays
    assert browser.get("/compte").status_code == 200
    post_form(browser, "/deconnexion", token_from="/compte")
    assert not works(app, **{REMEMBER: remember})


def test_a_browser_whose_sign_in_ended_elsewhere_forgets_its_cookies(app, make):
    learner = make.learner()
    browser, other = signed_in_browser(app, learner, remember=True), signed_in_browser(app, learner, remember=True)
    post_form(other, "/compte/deconnexion-partout", token_from="/compte")
    assert browser.get("/compte").status_code == 302
    assert browser.get_cookie(REMEMBER) is None


def test_the_remember_cookie_is_new_at_every_sign_in(app, make):
    learner = make.learner()
    first, second = cookies_of(signed_in_browser(app, learner, remember=True))[REMEMBER], cookies_of(signed_in_browser(app, learner, remember=True))[REMEMBER]
    assert first != second
    assert works(app, **{REMEMBER: first}) and works(app, **{REMEMBER: second})


def test_a_remember_cookie_naming_only_the_user_id_is_refused(app, make):
    """What the app signed before (and what a forger with the secret would write): the bare id."""
    from flask_login.utils import encode_cookie

    learner = make.learner()
    with app.test_request_context():
        forged = encode_cookie(str(learner.id))
    assert not works(app, **{REMEMBER: forged})


def test_changing_the_password_ends_every_session_remember_cookie_and_token(app, client, make):
    learner = make.learner()
    browser, other = signed_in_browser(app, learner, remember=True), signed_in_browser(app, learner)
    before, other_before = cookies_of(browser), cookies_of(other)
    headers = api_headers(app, learner)

    response = post_form(browser, "/compte/mot-de-passe", {"pw-current_password": PASSWORD, "pw-new_password": NEW_PASSWORD},
                         token_from="/compte")
    assert response.status_code == 302
    assert "Votre mot de passe est changé." in browser.get("/compte").get_data(as_text=True)  # this browser goes on
    after = cookies_of(browser)
    assert after[REMEMBER] != before[REMEMBER]  # "Rester connecté·e" kept, on a new sign-in
    assert works(app, **{REMEMBER: after[REMEMBER]})
    assert_none_works(app, before, other_before)
    assert other.get("/compte").status_code == 302
    assert not token_works(client, headers)


def test_a_password_reset_ends_every_session_remember_cookie_and_token(app, client, make, smtp):
    learner = make.learner(email="reinit@example.org")
    browser = signed_in_browser(app, learner, remember=True)
    before = cookies_of(browser)
    headers = api_headers(app, learner)

    post_form(client, "/mot-de-passe-oublie", {"email": learner.email})
    mail = smtp.pop(learner.email)
    link = re.search(r"http://localhost(/mot-de-passe/\S+)", mail.get_body(("plain",)).get_content()).group(1)
    response = post_form(client, link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302 and client.get("/compte").status_code == 200  # the one who reset it

    assert_none_works(app, before)
    assert browser.get("/compte").status_code == 302
    assert not token_works(client, headers)


def test_a_role_change_ends_every_session_remember_cookie_and_token_of_that_person(app, client, make):
    trainer, coordinator = make.trainer(), make.coordinator()
    browser = signed_in_browser(app, trainer, remember=True)
    before = cookies_of(browser)
    headers = api_headers(app, trainer)
    login_as(client, coordinator)

    response = post_form(client, f"/admin/utilisateurs/{trainer.id}", {"role": "learner"})
    assert response.status_code == 302
    assert_none_works(app, before)
    assert not token_works(client, headers)
    assert client.get("/compte").status_code == 200  # the coordinator's own session is untouched


def test_erasure_on_the_page_ends_every_session_remember_cookie_and_token(app, client, make):
    learner = make.learner()
    browser, other = signed_in_browser(app, learner, remember=True), signed_in_browser(app, learner, remember=True)
    copies = [cookies_of(browser), cookies_of(other)]
    headers = api_headers(app, learner)

    response = post_form(browser, "/compte/supprimer", {"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    assert browser.get_cookie(REMEMBER) is None
    assert_none_works(app, *copies)
    assert not token_works(client, headers)
    assert not db.session.execute(text("SELECT 1 FROM sign_ins WHERE user_id = :id"), {"id": learner.id}).all()


def test_erasure_through_the_api_ends_every_browser_session(app, client, make):
    learner = make.learner()
    browser = signed_in_browser(app, learner, remember=True)
    before = cookies_of(browser)
    assert client.delete("/api/v1/me", headers=api_headers(app, learner)).status_code == 204
    assert_none_works(app, before)


def test_sign_out_everywhere_from_the_account_page(app, client, make):
    learner = make.learner()
    browser, other = signed_in_browser(app, learner, remember=True), signed_in_browser(app, learner, remember=True)
    copies = [cookies_of(browser), cookies_of(other)]
    headers = api_headers(app, learner)

    page = browser.get("/compte").get_data(as_text=True)
    assert 'action="/compte/deconnexion-partout"' in page and "Se déconnecter de tous les appareils" in page
    assert browser.post("/compte/deconnexion-partout").status_code == 400  # no CSRF token
    response = browser.post("/compte/deconnexion-partout", data={"csrf_token": csrf_token(browser, "/compte")},
                            follow_redirects=True)
    assert response.request.path == "/connexion"
    assert "Vous êtes déconnecté·e de tous vos appareils." in response.get_data(as_text=True)
    assert browser.get("/compte").status_code == 302 and other.get("/compte").status_code == 302
    assert_none_works(app, *copies)
    assert not token_works(client, headers)
    signed_in_browser(app, learner, remember=True)  # and the person can sign in again


def test_sign_out_everywhere_is_in_english_too(app, make):
    learner = make.learner()
    learner.locale = "en"
    db.session.flush()
    browser = signed_in_browser(app, learner, remember=True)
    page = browser.get("/compte").get_data(as_text=True)
    assert "Sign out of all devices" in page


def test_a_sign_in_past_its_end_is_refused_and_dropped_at_the_next_one(app, make):
    from datetime import timedelta

    from lms.auth.models import SignIn

    learner = make.learner()
    browser = signed_in_browser(app, learner, remember=True)
    row = db.session.query(SignIn).filter_by(user_id=learner.id).one()
    row.expires_at = row.created_at - timedelta(seconds=1)
    db.session.flush()
    assert browser.get("/compte").status_code == 302
    signed_in_browser(app, learner, remember=True)
    assert db.session.query(SignIn).filter_by(user_id=learner.id).count() == 1


def test_the_export_lists_the_sign_ins_without_their_keys(app, make):
    learner = make.learner()
    browser = signed_in_browser(app, learner, remember=True)
    data = browser.get("/compte/export.json").json
    assert len(data["sign_ins"]) == 1 and set(data["sign_ins"][0]) == {"created_at", "expires_at"}


def test_each_signed_in_page_checks_its_sign_in_in_the_statement_that_loads_the_user(client, make):
    from tests.learningtools import statements

    login_as(client, make.learner())
    with statements() as seen:
        assert client.get("/mon-parcours").status_code == 200
    checks = [s for s in seen if "sign_ins" in s]
    assert len(checks) == 1 and checks[0].startswith("SELECT users.")  # no extra round trip
