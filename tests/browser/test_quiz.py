"""Answering a quiz in Chromium with the keyboard only: intro, answers, review, submission,
results announced in a role="status" region; axe on every page, also at 320 px."""
from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from lms.authoring import services as authoring
from lms.authoring.models import PUBLISHED
from lms.core.db import commit
from tests import factories
from tests.browser.a11y import check_a11y
from tests.browser.helpers import assert_no_horizontal_scroll, focused, tab_to
from tests.learningtools import quiz_spec

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

_courses = itertools.count(1)


@pytest.fixture
def quiz_course(live_app, unique_email):
    """A published course of one module: a graded quiz (the three questions of tests.learningtools), then a text."""
    with live_app.app_context():
        trainer = factories.trainer(email=unique_email("formatrice"))
        course = authoring.create_course(trainer, f"Parcours quiz {next(_courses)}")
        module = authoring.add_module(trainer, course, "Partie 1")
        quiz = authoring.add_item(trainer, module, "quiz", "Quiz : idées reçues",
                                  quiz=quiz_spec("graded", pass_mark=60, max_attempts=3))
        after = authoring.add_item(trainer, module, "text", "Pour la suite", body_markdown="Suite.")
        course.status = PUBLISHED
        commit()
        return SimpleNamespace(id=course.id, item_id=quiz.id, next_title=after.title,
                               path=f"/formations/{course.id}/elements/{quiz.id}")


def tab_to_button(page, name: str) -> None:
    tab_to(page, lambda a: a["tag"] == "BUTTON" and a["text"] == name)


def choose(page, question: int, wanted: set[str]) -> None:
    """Answer the question numbered ``question`` on the page by keyboard: arrows in a radio
    group (they check as they move), Space on each checkbox wanted."""
    fieldset_names = page.eval_on_selector_all("fieldset.question", "els => els.map(e => e.querySelector('input').name)")
    name = fieldset_names[question - 1]
    active = tab_to(page, lambda a: a["name"] == name)
    if active["type"] == "radio":
        (target,) = wanted
        for _ in range(6):
            if active["text"] == target:
                if not page.evaluate("() => document.activeElement.checked"):
                    page.keyboard.press("Space")
                return
            page.keyboard.press("ArrowDown")
            active = focused(page)
        raise AssertionError(f"no radio labelled {target!r}")
    while active["name"] == name:
        if active["text"] in wanted:
            page.keyboard.press("Space")
        page.keyboard.press("Tab")
        active = focused(page)
    page.keyboard.press("Shift+Tab")  # back on the last box, so the next question is the next Tab stop


def test_a_learner_answers_a_quiz_with_the_keyboard_only(page, create_user, sign_in, quiz_course):
    learner = create_user("learner")
    sign_in(page, learner)

    page.goto(quiz_course.path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz : idées reçues")
    expect(page.get_by_text("Quiz noté : l'élément est validé")).to_be_visible()
    expect(page.get_by_text("0 utilisée sur 3 ; il en reste 3")).to_be_visible()
    check_a11y(page)
    tab_to_button(page, "Commencer")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz : idées reçues : vos réponses")
    expect(page.get_by_role("group", name="Question 1 sur 3")).to_be_visible()
    check_a11y(page)
    assert page.locator("fieldset.question").count() == 3
    choose(page, 1, {"Une sur quatre"})
    choose(page, 2, {"Le médecin traitant", "Le CMP"})
    choose(page, 3, {"Vrai"})  # wrong: a myth
    group = page.get_by_role("group", name="Question 2 sur 3")
    expect(group.get_by_role("checkbox", name="Le CMP")).to_be_checked()
    expect(group.get_by_role("checkbox", name="Personne")).not_to_be_checked()
    expect(page.get_by_role("radio", name="Une sur quatre")).to_be_checked()
    tab_to_button(page, "Relire mes réponses")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz : idées reçues : relire mes réponses")
    page.wait_for_function("() => document.activeElement.tagName === 'H1'")  # quiz.js, after the redirect
    expect(page.get_by_text("Vous avez répondu à 3 questions sur 3")).to_be_visible()
    check_a11y(page)
    # The link back to a question lands on it, with its answer kept.
    tab_to(page, lambda a: a["tag"] == "A" and a["text"] == "Modifier la réponse à la question 3")
    page.keyboard.press("Enter")
    expect(page.get_by_role("radio", name="Vrai")).to_be_checked()
    assert page.url.endswith("#" + page.locator("fieldset.question").nth(2).get_attribute("id"))
    check_a11y(page)
    page.keyboard.press("Tab")  # from the question the link pointed at: its radio group
    assert focused(page)["type"] == "radio"
    page.keyboard.press("ArrowDown")  # "Faux", now checked
    expect(page.get_by_role("radio", name="Faux")).to_be_checked()
    tab_to_button(page, "Relire mes réponses")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz : idées reçues : relire mes réponses")
    check_a11y(page)
    tab_to_button(page, "Envoyer mes réponses")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz : idées reçues : résultats")
    status = page.locator(".quiz-outcome[role=status]")
    expect(status).to_contain_text("Votre score : 100 sur 100.")
    expect(status).to_contain_text("Réussi.")
    expect(status).to_contain_text("60 %")
    page.wait_for_function("() => document.activeElement.classList.contains('quiz-outcome')")
    expect(page.get_by_text("Idée reçue : elles sont plus souvent victimes.")).to_be_visible()
    check_a11y(page)
    tab_to(page, lambda a: a["tag"] == "A" and a["text"] == f"Élément suivant : {quiz_course.next_title}")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(quiz_course.next_title)
    check_a11y(page)


def test_quiz_pages_pass_axe_at_320_px(new_context, create_user, sign_in, quiz_course):
    page = new_context(viewport={"width": 320, "height": 800}).new_page()
    sign_in(page, create_user("learner"))

    def here(heading: str) -> None:
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        check_a11y(page)
        assert_no_horizontal_scroll(page)

    page.goto(quiz_course.path)
    here("Quiz : idées reçues")
    page.get_by_role("button", name="Commencer").click()
    here("Quiz : idées reçues : vos réponses")
    page.get_by_role("radio", name="Une sur cent").check()
    page.get_by_role("button", name="Relire mes réponses").click()
    here("Quiz : idées reçues : relire mes réponses")
    expect(page.get_by_text("Sans réponse")).to_have_count(2)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    here("Quiz : idées reçues : résultats")
    expect(page.locator(".quiz-outcome[role=status]")).to_contain_text("Pas encore réussi.")
    expect(page.get_by_role("button", name="Réessayer (il reste 2 tentatives)")).to_be_visible()
    page.goto(quiz_course.path)
    here("Quiz : idées reçues")
    expect(page.get_by_role("link", name="Voir les résultats de la tentative 1")).to_be_visible()
