"""Signing in and out."""
import pytest
from playwright.sync_api import expect

from tests.browser.a11y import check_a11y
from tests.browser.helpers import nav, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]


def test_learner_signs_in_and_out(page, create_user, sign_in):
    learner = create_user("learner", full_name="Léa Apprenante")
    sign_in(page, learner)
    expect(page.get_by_role("banner").get_by_role("link", name="Formation santé mentale")) \
        .to_have_attribute("aria-current", "page")  # the site's name leads home
    expect(nav(page).get_by_role("link", name="Personnes")).to_have_count(0)  # coordinators only

    sign_out(page)
    expect(page).to_have_url("/connexion")
    expect(page.get_by_role("status").first).to_contain_text("Vous êtes déconnecté·e.")
    expect(nav(page).get_by_role("link", name="Se connecter")).to_be_visible()
    check_a11y(page)

    # Signed out for real: a private page sends back to the sign-in form.
    page.goto("/compte")
    expect(page).to_have_url("/connexion?next=%2Fcompte")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    check_a11y(page)


def test_sign_in_returns_to_the_page_asked_for(page, create_user):
    learner = create_user("learner")
    page.goto("/compte")
    check_a11y(page)
    page.get_by_label("Adresse électronique").fill(learner.email.upper())
    page.get_by_label("Mot de passe", exact=True).fill(learner.password)
    page.get_by_label("Mot de passe", exact=True).press("Enter")  # the keyboard submits the form
    expect(page).to_have_url("/compte")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    check_a11y(page)


def test_wrong_password_shows_a_french_error(page, create_user):
    learner = create_user("learner")
    page.goto("/connexion")
    check_a11y(page)
    page.get_by_label("Adresse électronique").fill(learner.email)
    page.get_by_label("Mot de passe", exact=True).fill("pas le bon mot de passe")
    page.get_by_role("button", name="Se connecter").click()

    expect(page.get_by_role("main")).to_contain_text("Adresse électronique ou mot de passe incorrect.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    expect(page.get_by_label("Adresse électronique")).to_have_value(learner.email)
    expect(page.get_by_label("Mot de passe", exact=True)).to_have_value("")
    check_a11y(page)

    # Empty fields: errors in French next to each field.
    page.get_by_label("Adresse électronique").fill("")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#email-error")).to_have_text("Erreur : Indiquez votre adresse électronique.")
    expect(page.locator("#password-error")).to_have_text("Erreur : Indiquez votre mot de passe.")
    check_a11y(page)
