"""A trainer builds a course through the authoring pages (/edition), mostly with the keyboard: creates it,
adds a module, a text item and a quiz with a question, is told why it cannot be published yet, fixes it,
publishes. Every page goes through axe-core, also at 320 px."""
import itertools

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import check_a11y
from tests.browser.helpers import assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

_n = itertools.count(1)


def heading(page):
    return page.get_by_role("heading", level=1)


def test_trainer_builds_and_publishes_a_course(page, create_user, sign_in):
    title = f"Repérer la souffrance psychique {next(_n)}"
    trainer = create_user("trainer")
    sign_in(page, trainer)
    page.goto("/edition")
    expect(heading(page)).to_have_text("Édition des parcours")
    check_a11y(page)

    page.get_by_label("Titre du nouveau parcours").fill(title)
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text(title)
    expect(page.get_by_role("status").first).to_contain_text("Parcours créé.")
    check_a11y(page)

    # a module, typed and sent with Enter
    page.get_by_label("Titre du module").fill("Comprendre")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=3, name="Module 1 : Comprendre")).to_be_visible()
    check_a11y(page)

    # a text item: open the disclosure with the keyboard, fill, send
    page.get_by_text("Ajouter un élément au module 1").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Type d'élément").select_option(label="Texte")
    page.get_by_label("Titre de l'élément").fill("Introduction")
    page.get_by_role("button", name="Ajouter l'élément").press("Enter")
    expect(heading(page)).to_have_text("Élément « Introduction »")
    check_a11y(page)
    page.get_by_role("link", name=title).click()  # back without writing the text: a reason not to publish
    expect(heading(page)).to_have_text(title)
    check_a11y(page)

    # a quiz item, then its first question
    page.get_by_text("Ajouter un élément au module 1").click()
    page.get_by_label("Type d'élément").select_option(label="Quiz")
    page.get_by_label("Titre de l'élément").fill("Idées reçues")
    page.get_by_role("button", name="Ajouter l'élément").click()
    expect(heading(page)).to_have_text("Quiz « Idées reçues »")
    check_a11y(page)
    page.get_by_role("link", name="Ajouter une question").click()
    expect(heading(page)).to_have_text("Nouvelle question")
    check_a11y(page)
    page.get_by_label("Énoncé").fill("Une personne sur cinq sera concernée au cours de sa vie ?")
    page.get_by_label("Texte de la réponse 1").fill("Vrai")
    page.get_by_label("Texte de la réponse 2").fill("Faux")
    actions = page.locator("p.actions")
    actions.get_by_role("button", name="Enregistrer la question").click()  # no correct answer yet
    expect(page.locator("#choices-error")).to_have_text("Erreur : Exactement une réponse doit être correcte.")
    check_a11y(page)
    page.get_by_label("La réponse 1 est une bonne réponse").check()
    page.get_by_role("button", name="Ajouter un choix").click()
    expect(page.get_by_role("status").filter(has_text="ligne")).to_contain_text("Une ligne de réponse a été ajoutée.")
    expect(page.get_by_label("Texte de la réponse 1")).to_have_value("Vrai")
    check_a11y(page)
    actions.get_by_role("button", name="Enregistrer la question").click()
    expect(heading(page)).to_have_text("Quiz « Idées reçues »")
    expect(page.get_by_role("main")).to_contain_text("Une personne sur cinq")
    check_a11y(page)

    # publishing is refused with the reasons
    page.get_by_role("link", name=title).click()
    page.get_by_role("button", name="Publier le parcours").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Ce parcours ne peut pas encore être publié.")
    expect(alert).to_contain_text("Le texte « Introduction » (module « Comprendre ») est vide.")
    check_a11y(page)

    # fixed, then published
    page.get_by_role("link", name="Modifier l'élément « Introduction »").click()
    page.get_by_label("Texte", exact=True).fill("Bienvenue dans ce parcours.")
    page.get_by_role("button", name="Enregistrer l'élément").click()
    expect(page.get_by_role("status").first).to_contain_text("Élément enregistré.")
    check_a11y(page)
    # moving the quiz above the text keeps the focus on the moved item's button
    page.get_by_role("button", name="Monter l'élément « Idées reçues »").press("Enter")
    expect(page.get_by_role("button", name="Descendre l'élément « Idées reçues »")).to_be_focused()
    check_a11y(page)
    page.get_by_role("button", name="Publier le parcours").click()
    expect(page.get_by_role("status").first).to_contain_text("Parcours publié")
    expect(page.get_by_role("main").locator(".status")).to_have_text("Publié")
    check_a11y(page)

    # the pages reflow at 320 px
    page.set_viewport_size({"width": 320, "height": 640})
    course_url = page.url.split("#")[0]
    for link in (None, "Modifier l'élément « Introduction »", "Questions du quiz « Idées reçues »"):
        page.goto(course_url)
        check_a11y(page)
        if link:
            page.get_by_role("link", name=link).click()
            check_a11y(page)
        assert_no_horizontal_scroll(page)
    page.get_by_role("link", name="Modifier la question 1").click()
    check_a11y(page)
    assert_no_horizontal_scroll(page)
    page.goto(course_url)
    check_a11y(page)
    page.get_by_role("link", name="Supprimer le module « Comprendre »").click()
    expect(heading(page)).to_have_text("Confirmer la suppression")
    check_a11y(page)
    assert_no_horizontal_scroll(page)
    page.get_by_role("link", name="Annuler").click()
    check_a11y(page)
    page.goto("/edition")
    check_a11y(page)
    assert_no_horizontal_scroll(page)
    expect(page.get_by_role("table", name="Parcours modifiables")).to_contain_text(title)
