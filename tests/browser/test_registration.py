"""A learner creates an account through the form."""
import pytest
from playwright.sync_api import expect

from tests.browser.a11y import check_a11y
from tests.browser.helpers import go_to, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

PASSWORD = "un mot de passe assez long"


def fill_registration(page, *, full_name: str, email: str, audience: str, organisation: str = "") -> None:
    page.get_by_label("Nom complet").fill(full_name)
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Structure (facultatif)").fill(organisation)
    page.get_by_label("Vous êtes (facultatif)").select_option(label=audience)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)


def test_a_professional_registers_and_lands_on_the_home_page(page, unique_email):
    page.goto("/connexion")
    check_a11y(page)
    page.get_by_role("main").get_by_role("link", name="Créer un compte").click()
    expect(page).to_have_url("/inscription")
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer un compte")
    expect(page.get_by_role("main")).to_contain_text("Les champs marqués « facultatif » peuvent rester vides")
    expect(page.get_by_label("Nom complet")).to_have_attribute("required", "")
    expect(page.get_by_label("Structure (facultatif)")).not_to_have_attribute("required", "")
    check_a11y(page)

    fill_registration(page, full_name="Inès Professionnelle", email=unique_email("ines"),
                      audience="Professionnel·le de santé, du social ou du médico-social",
                      organisation="CCAS de Metz")
    page.get_by_role("button", name="Créer mon compte").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Inès Professionnelle")
    expect(page.get_by_role("status").first).to_contain_text("Bienvenue ! Votre compte est créé.")
    expect(open_menu(page, "Compte").get_by_role("link", name="Mon compte")).to_be_visible()
    check_a11y(page)


def test_health_revealing_audience_needs_the_consent_box(page, unique_email):
    email = unique_email("proche")
    page.goto("/inscription")
    check_a11y(page)
    fill_registration(page, full_name="Paul Proche", email=email, audience="Personne concernée ou proche")
    page.get_by_role("button", name="Créer mon compte").click()

    # Still on the form, with the error in text next to the consent box and in the summary.
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer un compte")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Le formulaire contient des erreurs")
    expect(summary).to_be_focused()  # app.js moves focus to the summary
    consent = page.get_by_role("checkbox", name="J'accepte que cette information, qui révèle une donnée de santé, "
                                                "soit enregistrée")
    expect(consent).not_to_be_checked()
    expect(consent).to_have_attribute("aria-invalid", "true")
    error = page.locator("#audience_consent-error")
    expect(error).to_be_visible()
    expect(error).to_have_text("Erreur : Cette réponse révèle une information de santé : cochez la case de "
                               "consentement ou choisissez « je préfère ne pas répondre ».")
    expect(consent).to_have_accessible_description(
        "Cette réponse révèle une information de santé. Elle est facultative ; elle ne sert qu'à des statistiques "
        "anonymes et vous pouvez la retirer à tout moment depuis votre compte. " + error.inner_text()
    )
    # "next to the field": the error sits in the same block as the box, right under it.
    assert error.evaluate("(el) => el.closest('.field') === document.getElementById('audience_consent')"
                          ".closest('.field')")
    consent_box, error_box = consent.bounding_box(), error.bounding_box()
    assert 0 <= error_box["y"] - consent_box["y"] < 150
    # The link in the summary leads to the box.
    expect(summary.get_by_role("link")).to_have_attribute("href", "#audience_consent")
    # What was typed is kept, except the passwords.
    expect(page.get_by_label("Nom complet")).to_have_value("Paul Proche")
    expect(page.get_by_label("Vous êtes (facultatif)")).to_have_value("user_or_carer")
    check_a11y(page)

    consent.check()
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Paul Proche")
    expect(page.get_by_role("status").first).to_contain_text("Bienvenue ! Votre compte est créé.")
    check_a11y(page)

    # The account page shows the answer and the consent, which can be withdrawn there.
    go_to(page, "Mon compte", "Compte")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    expect(page.get_by_label("Vous êtes (facultatif)")).to_have_value("user_or_carer")
    expect(page.get_by_role("main")).to_contain_text(email)
    check_a11y(page)


def test_registration_errors_are_listed_and_explained(page, unique_email):
    page.goto("/inscription")
    check_a11y(page)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient des erreurs")
    expect(page.locator("#full_name-error")).to_have_text("Erreur : Indiquez votre nom.")
    expect(page.locator("#email-error")).to_have_text("Erreur : Indiquez votre adresse électronique.")
    expect(page.get_by_label("Nom complet")).to_have_attribute("aria-invalid", "true")
    check_a11y(page)
