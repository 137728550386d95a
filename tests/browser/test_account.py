"""The account page: profile and interface language, by mouse and by keyboard."""
import pytest
from playwright.sync_api import expect

from tests.browser.a11y import check_a11y
from tests.browser.helpers import go_to, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]


def open_account(page):
    go_to(page, "Mon compte", "Compte")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    check_a11y(page)


def test_learner_edits_their_name(page, create_user, sign_in):
    learner = create_user("learner", full_name="Nom Avant")
    sign_in(page, learner)
    open_account(page)
    expect(open_menu(page, "Compte").get_by_role("link", name="Mon compte")).to_have_attribute("aria-current", "page")
    expect(page.get_by_label("Nom complet")).to_have_value("Nom Avant")

    page.get_by_label("Nom complet").fill("Nom Après")
    page.get_by_label("Structure (facultatif)").fill("MDPH de la Moselle")
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    expect(page.get_by_role("status").first).to_contain_text("Vos informations sont enregistrées.")
    expect(page.get_by_label("Nom complet")).to_have_value("Nom Après")
    expect(page.get_by_label("Structure (facultatif)")).to_have_value("MDPH de la Moselle")
    check_a11y(page)

    page.get_by_role("link", name="Formation santé mentale").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Nom Après")
    check_a11y(page)


def test_an_empty_name_is_refused_with_the_error_next_to_the_field(page, create_user, sign_in):
    sign_in(page, create_user("learner"))
    open_account(page)
    page.get_by_label("Nom complet").fill("")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("#full_name-error")).to_have_text("Erreur : Indiquez votre nom.")
    expect(page.get_by_label("Nom complet")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_be_focused()
    check_a11y(page)


def test_interface_language_is_chosen_with_the_keyboard_only(page, create_user, sign_in):
    learner = create_user("learner")
    sign_in(page, learner)
    open_account(page)

    language = page.get_by_label("Langue de l'interface")
    expect(language).to_have_value("fr")
    page.get_by_label("Nom complet").focus()
    # Tab through the form to the language list: every control on the way is reachable.
    for _ in range(12):
        page.keyboard.press("Tab")
        if language.evaluate("(el) => el === document.activeElement"):
            break
    expect(language).to_be_focused()
    page.keyboard.press("ArrowDown")  # a closed <select> changes option with the arrows
    expect(language).to_have_value("en")
    page.keyboard.press("Tab")
    save = page.get_by_role("button", name="Enregistrer", exact=True)
    expect(save).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#locale")).to_have_value("en")  # its label may now be in English
    expect(page.get_by_role("contentinfo").get_by_role("button", name="Français")).to_have_attribute("lang", "fr")
    check_a11y(page)

    # The choice is kept with the account: a new session opens in English.
    page.context.clear_cookies()
    page.goto("/connexion")
    check_a11y(page)
    page.get_by_label("Adresse électronique").fill(learner.email)
    page.get_by_label("Mot de passe", exact=True).fill(learner.password)
    page.get_by_label("Mot de passe", exact=True).press("Enter")
    expect(page).to_have_url("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_a11y(page)


def test_footer_language_toggle_works_with_the_keyboard(page):
    page.goto("/connexion")
    check_a11y(page)
    english = page.get_by_role("contentinfo").get_by_role("button", name="English")
    expect(english).to_have_attribute("lang", "en")
    for _ in range(30):
        page.keyboard.press("Tab")
        if english.evaluate("(el) => el === document.activeElement"):
            break
    expect(english).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url("/connexion")  # back on the same page
    expect(page.locator("html")).to_have_attribute("lang", "en")
    french = page.get_by_role("contentinfo").get_by_role("button", name="Français")
    expect(french).to_have_attribute("lang", "fr")
    check_a11y(page)

    french.focus()
    page.keyboard.press("Space")  # a button also answers to the space bar
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("contentinfo").get_by_role("button", name="English")).to_be_visible()
    check_a11y(page)


def test_signing_out_of_every_device_from_the_account_page(page, new_context, create_user, sign_in):
    learner = create_user("learner")
    phone = new_context().new_page()  # another device, signed in with "Rester connecté·e"
    phone.goto("/connexion")
    check_a11y(phone)
    phone.get_by_label("Adresse électronique").fill(learner.email)
    phone.get_by_label("Mot de passe", exact=True).fill(learner.password)
    phone.get_by_label("Rester connecté·e sur cet appareil").check()
    phone.get_by_role("button", name="Se connecter").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Bonjour {learner.full_name}")
    check_a11y(phone)

    sign_in(page, learner)
    open_account(page)
    section = page.get_by_role("region", name="Mes connexions")
    expect(section).to_contain_text("il faudra vous reconnecter partout")
    button = section.get_by_role("button", name="Se déconnecter de tous les appareils")
    button.focus()
    expect(button).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url("/connexion")
    expect(page.get_by_role("status").first).to_contain_text("Vous êtes déconnecté·e de tous vos appareils.")
    check_a11y(page)

    phone.goto("/compte")  # the other device, even with its remember cookie, is signed out too
    expect(phone).to_have_url("/connexion?next=%2Fcompte")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Connexion")
    check_a11y(phone)
