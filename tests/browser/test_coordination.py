"""A coordinator manages people: list and search, create with an invitation, import a CSV file."""
import itertools

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import check_a11y
from tests.browser.helpers import assert_no_horizontal_scroll, go_to, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

INVITATION_SUBJECT = "Invitation à la formation en santé mentale du CLSM"
_n = itertools.count(1)


def open_people(page):
    go_to(page, "Personnes", "Administration")
    expect(page.get_by_role("heading", level=1)).to_have_text("Personnes")
    check_a11y(page)


def test_coordinator_searches_the_people(page, create_user, sign_in):
    tag = f"Quetzal{next(_n)}x"
    coordinator = create_user("coordinator")
    create_user("learner", full_name=f"Aline {tag}", organisation=f"EHPAD {tag}")
    create_user("trainer", full_name=f"Bruno {tag}")
    create_user("learner", full_name="Quelqu'un d'autre")
    sign_in(page, coordinator)
    open_people(page)

    page.get_by_role("search", name="Rechercher des personnes").get_by_label("Nom, adresse ou structure").fill(tag)
    page.get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(f"/admin/utilisateurs?q={tag}&role=")
    expect(page.get_by_role("status").filter(has_text="personne")).to_have_text("2 personnes")
    table = page.get_by_role("table", name="Liste des personnes")
    expect(table.get_by_role("row")).to_have_count(3)  # header + 2
    expect(table).to_contain_text(f"Aline {tag}")
    expect(table).to_contain_text(f"EHPAD {tag}")
    expect(table).not_to_contain_text("Quelqu'un d'autre")
    expect(page.get_by_label("Nom, adresse ou structure")).to_have_value(tag)
    check_a11y(page)

    page.get_by_label("Rôle").select_option(label="Formateur·rice")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("status").filter(has_text="personne")).to_have_text("1 personne")
    expect(page.get_by_role("table", name="Liste des personnes")).to_contain_text(f"Bruno {tag}")
    check_a11y(page)

    page.get_by_role("link", name=f"Bruno {tag}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bruno {tag}")
    expect(page.get_by_label("Rôle")).to_have_value("trainer")
    check_a11y(page)

    page.get_by_label("Rôle").select_option(label="Coordination")
    page.get_by_role("button", name="Enregistrer le rôle").click()
    expect(page.get_by_role("status").first).to_contain_text("Rôle enregistré.")
    expect(page.get_by_label("Rôle")).to_have_value("coordinator")
    check_a11y(page)


def test_people_pages_reflow_at_320_px(new_context, create_user, sign_in, unique_email):
    coordinator = create_user("coordinator")
    create_user("learner", email=unique_email("une-adresse-particulierement-longue-pour-la-mise-en-page"),
                full_name="Maximilien-Alexandre de La Longue-Appellation", organisation="Centre hospitalier de Jury")
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    sign_in(page, coordinator)
    assert_no_horizontal_scroll(page)
    for path in ["/admin/utilisateurs", "/admin/utilisateurs/nouveau", "/admin/utilisateurs/import", "/admin/envois",
                 "/compte"]:
        page.goto(path)
        check_a11y(page)
        assert_no_horizontal_scroll(page)
    # The table may scroll inside its own frame (a data table), which the keyboard can reach.
    page.goto("/admin/utilisateurs")
    check_a11y(page)
    expect(page.get_by_role("region", name="Liste des personnes")).to_have_attribute("tabindex", "0")
    page.get_by_role("link", name="Maximilien-Alexandre de La Longue-Appellation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maximilien-Alexandre de La Longue-Appellation")
    check_a11y(page)
    assert_no_horizontal_scroll(page)


def test_invited_person_sets_a_password_from_the_journal_link_then_signs_in(page, new_context, create_user,
                                                                           sign_in, unique_email):
    coordinator = create_user("coordinator", full_name="Camille Coordination")
    email = unique_email("invitee")
    sign_in(page, coordinator)
    open_people(page)
    page.get_by_role("main").get_by_role("link", name="Créer un compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer un compte")
    check_a11y(page)

    page.get_by_label("Nom complet").fill("Hugo Invité")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Rôle").select_option(label="Apprenant·e")
    page.get_by_label("Public (facultatif)").select_option(label="Élu·e")
    page.get_by_label("Structure (facultatif)").fill("Mairie de Metz")
    page.get_by_role("button", name="Créer et inviter").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Hugo Invité")
    expect(page.get_by_role("status").first).to_contain_text(f"Compte créé ; une invitation a été envoyée à {email}.")
    expect(page.get_by_role("main")).to_contain_text("invitation en attente")
    check_a11y(page)

    # The invitation waits in the journal (no mail server configured).
    go_to(page, "Journal des envois", "Administration")
    expect(page.get_by_role("heading", level=1)).to_have_text("Journal des envois")
    expect(page.get_by_role("main")).to_contain_text("Aucun serveur de messagerie n'est configuré")
    check_a11y(page)
    page.get_by_role("search", name="Rechercher des envois").get_by_label("Destinataire ou objet").fill(email)
    page.get_by_role("button", name="Filtrer").click()
    row = page.get_by_role("row").filter(has_text=email)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("En attente")
    check_a11y(page)

    row.get_by_role("link", name=INVITATION_SUBJECT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(INVITATION_SUBJECT)
    expect(page.get_by_role("main")).to_contain_text(email)
    expect(page.get_by_role("main")).to_contain_text("Bonjour Hugo Invité")
    expect(page.get_by_role("main")).to_contain_text("Camille Coordination vous invite")
    link = page.get_by_role("link", name="/mot-de-passe/")
    expect(link).to_have_count(1)
    href = link.get_attribute("href")
    assert href.startswith(f"{page.url.split('/admin/')[0]}/mot-de-passe/"), href
    check_a11y(page)

    # The invited person, in their own browser, follows the link.
    invitee = new_context().new_page()
    invitee.goto(href)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Choisir un mot de passe")
    expect(invitee.get_by_role("main")).to_contain_text(
        f"Bienvenue Hugo Invité ! Choisissez un mot de passe pour activer votre compte ({email}).")
    check_a11y(invitee)

    invitee.get_by_label("Nouveau mot de passe").fill("trop court")
    invitee.get_by_label("Confirmez le mot de passe").fill("pas pareil du tout")
    invitee.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(invitee.locator("#password_confirm-error")).to_have_text("Erreur : Les deux mots de passe diffèrent.")
    check_a11y(invitee)

    new_password = "le printemps de Metz 2026"
    invitee.get_by_label("Nouveau mot de passe").fill(new_password)
    invitee.get_by_label("Confirmez le mot de passe").fill(new_password)
    invitee.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Bonjour Hugo Invité")
    expect(invitee.get_by_role("status").first).to_contain_text("Votre mot de passe est enregistré.")
    check_a11y(invitee)

    sign_out(invitee)
    expect(invitee).to_have_url("/connexion")
    check_a11y(invitee)
    invitee.get_by_label("Adresse électronique").fill(email)
    invitee.get_by_label("Mot de passe", exact=True).fill(new_password)
    invitee.get_by_role("button", name="Se connecter").click()
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Bonjour Hugo Invité")
    check_a11y(invitee)

    # The link served once.
    invitee.goto(href)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Ce lien n'est plus valable")
    check_a11y(invitee)

    # The coordinator sees the password is now set.
    page.goto("/admin/utilisateurs?q=" + email)
    check_a11y(page)
    page.get_by_role("link", name="Hugo Invité").click()
    expect(page.get_by_role("main")).to_contain_text("défini")
    check_a11y(page)


def test_csv_import_reports_each_bad_line(page, create_user, sign_in, unique_email, tmp_path):
    coordinator = create_user("coordinator")
    good, other = unique_email("import-ok"), unique_email("import-ok")
    csv_file = tmp_path / "personnes.csv"
    csv_file.write_text(
        "email,full_name,audience,organisation\n"
        f"{good},Alice Importée,professional,CCAS de Metz\n"
        "pas-une-adresse,Bob Sans Adresse,,\n"
        f"{other},Chloé Importée,user_or_carer,\n"
        f"{good},Alice En Double,,\n",
        encoding="utf-8",
    )
    sign_in(page, coordinator)
    open_people(page)
    page.get_by_role("link", name="Importer un fichier CSV").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer des personnes")
    check_a11y(page)

    # No file: the error is next to the field.
    page.get_by_role("button", name="Importer").click()
    expect(page.locator("#file-error")).to_have_text("Erreur : Choisissez un fichier CSV.")
    check_a11y(page)

    page.get_by_label("Fichier CSV").set_input_files(str(csv_file))
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_role("heading", name="Résultat")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="créé")).to_have_text(
        "1 compte créé, 0 mis à jour, 0 inchangé, 3 lignes en erreur.")
    table = page.get_by_role("table", name="Lignes ignorées")
    rows = table.get_by_role("row")
    expect(rows).to_have_count(4)  # header + 3 lines
    expect(rows.nth(1)).to_contain_text("3")
    expect(rows.nth(1)).to_contain_text("Adresse électronique invalide.")
    expect(rows.nth(2)).to_contain_text("4")
    expect(rows.nth(2)).to_contain_text("seule la personne peut le déclarer")
    expect(rows.nth(3)).to_contain_text("5")
    expect(rows.nth(3)).to_contain_text("adresse en double dans le fichier")
    check_a11y(page)
    # On a phone the result table scrolls in its own frame, reachable by keyboard; the page does not.
    page.set_viewport_size({"width": 320, "height": 640})
    assert_no_horizontal_scroll(page)
    expect(page.get_by_role("region", name="Lignes ignorées")).to_have_attribute("tabindex", "0")
    check_a11y(page)

    # The good line was kept: the person is in the list, invited.
    page.goto("/admin/utilisateurs?q=" + good)
    check_a11y(page)
    expect(page.get_by_role("table", name="Liste des personnes")).to_contain_text("Alice Importée")
