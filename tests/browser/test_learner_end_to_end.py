"""Acceptance test of the "Learning" issue, in Chromium: a new learner completes the sample course and
holds a certificate that anyone can verify.

The learner signs in, opens the course from "Formations" and goes through its twenty items in order by
the pages' own links ("Commencer le parcours", "Suivant", "Élément suivant", once "Reprendre le
parcours"): each film played to its end (muted, faster than real time) until the page says "Terminé",
each text marked read, each quiz answered with the keyboard only. The course page then says the course
is completed; the certificate task (triggered through the outbox, which the live server does not
dispatch) is run here; "Attestations" lists the certificate, whose PDF names the learner, the course,
its duration and its code; and someone not signed in verifies the code, as a page and as JSON.
Every page goes through axe; the final evaluation and its results also at 320 px.
"""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.authoring import services as authoring
from lms.authoring.models import Item
from lms.certificates import services as certificates
from lms.core import outbox
from lms.core.triggers import run_task_now
from lms.extensions import db
from lms.learning import queries
from lms.learning.models import CourseCompletion, ItemProgress
from tests.browser.a11y import check_a11y
from tests.browser.helpers import assert_no_horizontal_scroll, focused, go_to, here, tab_to
from tests.browser.sample_course import import_sample_course
from tests.certificates.helpers import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction, pytest.mark.slow]

SLUG, TITLE = "parcours-complet-essai", "Parcours complet : de la connexion à l'attestation"
LEARNER_NAME = "Maëlle Kervella-Noël"

# The rate the films play at (the demo films last 58 to 60 s): the server counts, per beacon, at most
# 2 × s + 15 s of new coverage (s: seconds since the previous beacon, up to 60), and for all beacons together
# at most 2 × t + 15 s (t: seconds since the first one, which the player sends on "play"). Double speed is
# the most the contract promises to count in full.
PLAYBACK_RATE = 2

@pytest.fixture(scope="module")
def end_to_end_course(live_server, tmp_path_factory):
    """The sample course under its own slug and title, published; its items in the order of the course page."""
    app = live_server.app
    course_id = import_sample_course(app, tmp_path_factory.mktemp("end-to-end"), slug=SLUG, title=TITLE,
                                     coordinator_email="coordination.bout-en-bout@navigateur.example.org")
    with app.app_context():
        course = authoring.get_course(course_id)
        items = [SimpleNamespace(id=item.id, kind=item.kind, title=item.title)
                 for item in queries.course_outline(course).items()]
        return SimpleNamespace(id=course.id, title=course.title, duration_minutes=course.duration_minutes,
                               items=items)


def quiz_key(app, item_id: int) -> SimpleNamespace:
    """The quiz's role and, per question id, its correct choice ids (the pages never show them before submission)."""
    with app.app_context():
        quiz = db.session.get(Item, item_id).quiz
        key = SimpleNamespace(role=quiz.role, correct={
            question.id: {choice.id for choice in question.choices if choice.correct} for question in quiz.questions})
        db.session.remove()
        return key


# -- the keyboard ---------------------------------------------------------------------------------

def press(page, tag: str, text: str) -> None:
    """Tab to the button or link named ``text`` and press Enter."""
    tab_to(page, lambda a: a["tag"] == tag and a["text"] == text)
    page.keyboard.press("Enter")


def answer(page, question_id: int, correct: set[int]) -> None:
    """Tab into the question's choices, then check the correct ones: arrows in a radio group (they check as
    they move, Space checks the first one), Space on each correct checkbox."""
    name = f"q-{question_id}"
    active = tab_to(page, lambda a: a["name"] == name)
    if active["type"] == "radio":
        (target,) = correct
        for _ in range(page.locator(f"input[name='{name}']").count()):
            if int(active["value"]) == target:
                if not active["checked"]:
                    page.keyboard.press("Space")
                break
            page.keyboard.press("ArrowDown")
            active = focused(page)
        else:
            raise AssertionError(f"question {question_id}: the arrows never reached choice {target}")
    else:
        while active["name"] == name:
            if int(active["value"]) in correct:
                page.keyboard.press("Space")
            page.keyboard.press("Tab")
            active = focused(page)
        page.keyboard.press("Shift+Tab")  # back on the last box: the next question is the next Tab stop
    checked = page.eval_on_selector_all(f"input[name='{name}']:checked", "els => els.map(e => Number(e.value))")
    assert set(checked) == correct, f"question {question_id}: checked {checked}, expected {sorted(correct)}"


# -- the pages ------------------------------------------------------------------------------------

def watch_film(page, app, learner_id: int, item) -> None:
    """Play the film to its end, muted and faster than real time, until the beacons' answer shows "Terminé"."""
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    here(page, item.title)  # axe before playing: the film then plays with nothing else running in the page
    expect(page.get_by_text("Vu : 0 %")).to_be_visible()
    duration = page.evaluate("""(rate) => {
      const v = document.querySelector("video");
      v.muted = true; v.playbackRate = rate; v.play(); return v.duration;
    }""", PLAYBACK_RATE)
    page.wait_for_function("() => document.querySelector('video').ended",
                           timeout=duration * 1000 / PLAYBACK_RATE + 20_000)
    done = page.locator("[data-watch-done]")
    try:
        expect(done).to_be_visible()
    except AssertionError as exc:
        with app.app_context():
            row = db.session.scalar(select(ItemProgress).where(ItemProgress.user_id == learner_id,
                                                               ItemProgress.item_id == item.id))
            seen = row and {"watched": row.watched, "watched_ms": row.watched_ms, "duration_ms": row.duration_ms,
                            "beacons": row.beacons}
            db.session.remove()
        raise AssertionError(f"{item.title}: played to the end, not complete; recorded: {seen}") from exc
    expect(done).to_have_text(re.compile("Terminé"))
    expect(page.locator("[data-watch-seen]")).to_have_text(re.compile(r"Vu : (9\d|100) %"))
    check_a11y(page)


def read_text(page, title: str, following: str) -> None:
    here(page, title)
    page.get_by_role("button", name="J'ai lu ce texte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(following)  # the next item, at once
    expect(page.get_by_role("status").filter(has_text="Texte marqué comme lu.")).to_be_visible()


def take_quiz(page, app, item, *, narrow: bool = False) -> None:
    """From the quiz's page to its results, with the keyboard only, answering every question right."""
    key = quiz_key(app, item.id)
    here(page, item.title, narrow=narrow)
    press(page, "BUTTON", "Commencer")

    here(page, f"{item.title} : vos réponses", narrow=narrow)
    on_page = [int(value.removeprefix("question-"))
               for value in page.eval_on_selector_all("fieldset.question", "els => els.map(e => e.id)")]
    assert sorted(on_page) == sorted(key.correct)
    for question_id in on_page:
        answer(page, question_id, key.correct[question_id])
    press(page, "BUTTON", "Relire mes réponses")

    here(page, f"{item.title} : relire mes réponses", narrow=narrow)
    page.wait_for_function("() => document.activeElement.tagName === 'H1'")  # quiz.js
    total = len(on_page)
    expect(page.get_by_text(f"Vous avez répondu à {total} questions sur {total}")).to_be_visible()
    expect(page.get_by_text("Sans réponse")).to_have_count(0)
    press(page, "BUTTON", "Envoyer mes réponses")

    expect(page.get_by_role("heading", level=1)).to_have_text(f"{item.title} : résultats")
    outcome = page.get_by_role("status").filter(has_text="Votre score")
    expect(outcome).to_contain_text("Votre score : 100 sur 100.")
    expect(outcome).to_contain_text("Ce test de positionnement ne compte pas" if key.role == "pre_test" else "Réussi.")
    page.wait_for_function("() => document.activeElement.classList.contains('quiz-outcome')")
    expect(page.locator(".feedback-question.is-correct")).to_have_count(total)
    check_a11y(page)
    if narrow:
        assert_no_horizontal_scroll(page)


def course_progress(page, done: int, total: int) -> None:
    expect(page.get_by_text(re.compile(rf"^{done} éléments? requis terminés? sur {total}$"))).to_be_visible()


# -- the test -------------------------------------------------------------------------------------

def test_a_new_learner_completes_the_sample_course_and_anyone_verifies_the_certificate(
        page, new_context, create_user, sign_in, live_app, end_to_end_course):
    course, items = end_to_end_course, end_to_end_course.items
    total = len(items)
    assert [item.kind for item in items].count("video") == 6 and items[-1].kind == "quiz"
    learner = create_user("learner", full_name=LEARNER_NAME)
    sign_in(page, learner)

    # "Formations", then the course, then its first item.
    go_to(page, "Formations")
    here(page, "Formations")
    page.get_by_role("link", name=course.title, exact=True).click()
    here(page, course.title)
    course_progress(page, 0, total)
    page.get_by_role("link", name="Commencer le parcours").click()

    resumed = False
    for index, item in enumerate(items):
        following = items[index + 1] if index + 1 < total else None
        last = following is None
        expect(page).to_have_url(re.compile(rf"/formations/{course.id}/elements/{item.id}$"))
        if item.kind == "video":
            watch_film(page, live_app, learner.id, item)
            page.get_by_role("navigation", name="Éléments du parcours").get_by_role(
                "link", name=re.compile("^Suivant")).click()
        elif item.kind == "text":
            read_text(page, item.title, following.title)  # the next item's page is checked just below
        else:
            if last:  # the final evaluation and its results at 320 px
                page.set_viewport_size({"width": 320, "height": 800})
            take_quiz(page, live_app, item, narrow=last)
            if not last and not resumed and index >= total // 2:
                # Halfway: back to the course page, which resumes at the next item.
                page.get_by_role("link", name="Retour au programme du parcours").click()
                here(page, course.title)
                course_progress(page, index + 1, total)
                expect(page.get_by_text(f"Prochain élément : {following.title}")).to_be_visible()
                page.get_by_role("link", name="Reprendre le parcours").click()
                resumed = True
            elif not last:
                press(page, "A", f"Élément suivant : {following.title}")
            else:
                press(page, "A", "Retour au programme du parcours")
    assert resumed

    # The course page: completed, the certificate on its way (the live server leaves the outbox alone).
    here(page, course.title, narrow=True)
    course_progress(page, total, total)
    expect(page.get_by_text(re.compile(r"^Parcours terminé le "))).to_be_visible()
    expect(page.get_by_text("Votre attestation est en préparation.")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})

    with live_app.app_context():
        completion = db.session.scalar(select(CourseCompletion).where(
            CourseCompletion.user_id == learner.id, CourseCompletion.course_id == course.id))
        assert completion is not None
        (trigger,) = [task for task in outbox.tasks_with_prefix("certificate:")
                      if task.dedupe_key == f"certificate:{completion.id}"]
        assert trigger.status == outbox.PENDING
        run_task_now(trigger.id)  # what `flask jobs run-due` does with each due trigger
        certificate = certificates.certificate_for_completion(completion.id)
        assert certificate is not None and certificate.valid
        code = certificate.display_code
        db.session.remove()

    page.reload()
    here(page, course.title)
    expect(page.get_by_role("link", name="Voir votre attestation")).to_be_visible()

    # "Attestations": the certificate, its PDF and its HTML equivalent.
    go_to(page, "Attestations")
    here(page, "Mes attestations")
    card = page.locator(".card", has=page.get_by_role("heading", name=course.title))
    expect(card).to_contain_text(f"Numéro : {code}")
    pdf_link = card.get_by_role("link", name=f"Télécharger l'attestation {course.title} (PDF)")
    response = page.request.get(pdf_link.get_attribute("href"))  # the page's cookies
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    for expected in (LEARNER_NAME, course.title, "Durée déclarée 2 h", code):
        assert expected in text, f"{expected!r} missing from the PDF: {text}"
    assert course.duration_minutes == 120

    card.get_by_role("link", name=f"Version accessible {course.title} (page web)").click()
    here(page, "Attestation de fin de formation")
    document = page.get_by_role("article")
    for expected in (LEARNER_NAME, course.title, "2 h", code):
        expect(document).to_contain_text(expected)

    # Anyone, not signed in: the verification page and its JSON.
    stranger = new_context().new_page()
    response = stranger.goto(f"/verify/{code}")
    assert response.status == 200
    here(stranger, "Vérification d'une attestation")
    expect(stranger.get_by_role("status").filter(has_text="Attestation valide")).to_be_visible()
    expect(stranger.get_by_text(LEARNER_NAME)).to_be_visible()
    expect(stranger.get_by_text(course.title, exact=True)).to_be_visible()
    stranger.set_viewport_size({"width": 320, "height": 800})
    check_a11y(stranger)
    assert_no_horizontal_scroll(stranger)
    answer_json = stranger.request.get(f"/verify/{code}", headers={"Accept": "application/json"})
    assert answer_json.ok and answer_json.headers["content-type"].startswith("application/json")
    body = answer_json.json()
    assert body["valid"] is True and body["revoked"] is False
    assert body["code"] == code and body["holder_name"] == LEARNER_NAME and body["course_title"] == course.title
