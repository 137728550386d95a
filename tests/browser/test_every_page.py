"""Every page of the site through axe, for each kind of visitor, on a wide screen and on a 320 px phone."""
import pytest
from playwright.sync_api import expect

from tests.browser.a11y import check_a11y
from tests.browser.helpers import assert_no_horizontal_scroll, visit

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

WIDTHS = [1280, 320]


def visit_with_layout(page, path: str, status: int = 200, heading: str | None = None) -> None:
    """``helpers.visit``, and the layout every page shares: language, landmarks, title."""
    visit(page, path, heading, status)
    assert page.locator("html").get_attribute("lang") == "fr"
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("banner")).to_have_count(1)
    expect(page.get_by_role("contentinfo")).to_have_count(1)
    title = page.title()
    assert title.endswith(" — Formation santé mentale — CLSM de Metz") and not title.startswith(" —"), title


@pytest.mark.parametrize("width", WIDTHS)
def test_anonymous_pages(new_context, width, create_user):
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    visit_with_layout(page, "/", heading="Formation en ligne en santé mentale")
    visit_with_layout(page, "/connexion", heading="Connexion")
    visit_with_layout(page, "/inscription", heading="Créer un compte")
    visit_with_layout(page, "/mot-de-passe-oublie", heading="Mot de passe oublié")
    visit_with_layout(page, "/mot-de-passe/ce-lien-n-existe-pas", 404, heading="Ce lien n'est plus valable")
    visit_with_layout(page, "/accessibilite")
    visit_with_layout(page, "/mentions-legales")
    visit_with_layout(page, "/donnees-personnelles")
    visit_with_layout(page, "/page-inconnue", 404, heading="Erreur 404")

    # Forgotten password: the same answer whether the account exists or not.
    learner = create_user("learner")
    visit_with_layout(page, "/mot-de-passe-oublie")
    page.get_by_label("Adresse électronique").fill(learner.email)
    page.get_by_role("button", name="Recevoir un lien").click()
    expect(page).to_have_url("/connexion")
    expect(page.get_by_role("status").first).to_contain_text("Si un compte existe pour cette adresse")
    check_a11y(page)
    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_learner_pages(new_context, width, create_user, sign_in):
    learner = create_user("learner")
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    sign_in(page, learner)
    visit_with_layout(page, "/", heading=f"Bonjour {learner.full_name}")
    visit_with_layout(page, "/compte", heading="Mon compte")
    visit_with_layout(page, "/compte/supprimer", heading="Supprimer mon compte")
    visit_with_layout(page, "/admin/utilisateurs", 403, heading="Erreur 403")
    visit_with_layout(page, "/admin/envois", 403, heading="Erreur 403")

    # A wrong current password: the error sits next to the field of the second form.
    visit_with_layout(page, "/compte")
    page.get_by_label("Mot de passe actuel").fill("pas le bon")
    page.get_by_label("Nouveau mot de passe").fill("un nouveau mot de passe")
    page.get_by_role("button", name="Changer le mot de passe").click()
    expect(page.locator("#pw-current_password-error")).to_have_text("Erreur : Le mot de passe actuel est incorrect.")
    check_a11y(page)
    assert_no_horizontal_scroll(page)

    # Erasing the account without ticking the box.
    visit_with_layout(page, "/compte/supprimer")
    page.get_by_role("button", name="Effacer définitivement mon compte").click()
    expect(page.locator("#confirm-error")).to_have_text("Erreur : Cochez la case pour confirmer.")
    check_a11y(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_coordinator_pages(new_context, width, create_user, sign_in):
    coordinator = create_user("coordinator")
    learner = create_user("learner", password=None)  # invited, no password yet
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    sign_in(page, coordinator)
    visit_with_layout(page, "/", heading=f"Bonjour {coordinator.full_name}")
    visit_with_layout(page, "/admin/utilisateurs", heading="Personnes")
    visit_with_layout(page, f"/admin/utilisateurs?q={learner.email}&role=learner", heading="Personnes")
    visit_with_layout(page, "/admin/utilisateurs?q=personne-ne-s-appelle-ainsi", heading="Personnes")
    visit_with_layout(page, f"/admin/utilisateurs/{learner.id}", heading=learner.full_name)
    visit_with_layout(page, "/admin/utilisateurs/999999", 404, heading="Erreur 404")
    visit_with_layout(page, "/admin/utilisateurs/nouveau", heading="Créer un compte")
    visit_with_layout(page, "/admin/utilisateurs/import", heading="Importer des personnes")
    visit_with_layout(page, "/admin/envois", heading="Journal des envois")
    visit_with_layout(page, "/admin/envois?status=failed", heading="Journal des envois")
    visit_with_layout(page, "/admin/envois/999999", 404, heading="Erreur 404")

    # A message's detail page, from a password-reset request.
    other = new_context(viewport={"width": width, "height": 800}).new_page()
    visit_with_layout(other, "/mot-de-passe-oublie")
    other.get_by_label("Adresse électronique").fill(coordinator.email)
    other.get_by_role("button", name="Recevoir un lien").click()
    expect(other).to_have_url("/connexion")
    check_a11y(other)
    visit_with_layout(page, f"/admin/envois?q={coordinator.email}")
    page.get_by_role("link", name="Réinitialisation de votre mot de passe").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réinitialisation de votre mot de passe")
    check_a11y(page)
    assert_no_horizontal_scroll(page)

    # Creating an account with mistakes: errors next to the fields.
    visit_with_layout(page, "/admin/utilisateurs/nouveau")
    page.get_by_label("Adresse électronique").fill(learner.email)
    page.get_by_role("button", name="Créer et inviter").click()
    expect(page.locator("#full_name-error")).to_have_text("Erreur : Indiquez le nom.")
    check_a11y(page)
    assert_no_horizontal_scroll(page)
    page.get_by_label("Nom complet").fill("Quelqu'un")
    page.get_by_role("button", name="Créer et inviter").click()
    expect(page.locator("#email-error")).to_have_text("Erreur : Un compte existe déjà avec cette adresse.")
    check_a11y(page)
