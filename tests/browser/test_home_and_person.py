"""The home before sign-in, the learner's home (« Reprendre », progress, certificate) and the coordinator's page of
a person, through axe on a laptop and a phone; with LMS_SCREENSHOTS set, the README's screenshots."""
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from lms.authoring import services as authoring
from lms.authoring.models import PUBLISHED
from lms.core.db import commit
from tests import factories
from tests.browser.a11y import check_a11y
from tests.browser.helpers import assert_no_horizontal_scroll, here, visit
from tests.browser.screenshots import shoot
from tests.learningtools import quiz_spec

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]


@pytest.fixture(scope="module")
def course(live_server):
    """A published course of two modules: texts and a graded quiz (once for the module: the screenshots show it)."""
    with live_server.app.app_context():
        trainer = factories.trainer(email="formatrice.accueil@navigateur.example.org")
        course = authoring.create_course(
            trainer, "Premiers repères en santé mentale", duration_minutes=90,
            summary="Repérer la souffrance psychique, en parler sans stigmatiser, orienter vers les ressources de Metz.",
            objectives=["Reconnaître les signes d'une souffrance psychique", "Orienter vers le CMP ou le 3114"])
        first = authoring.add_module(trainer, course, "Comprendre")
        intro = authoring.add_item(trainer, first, "text", "Ce que recouvre la santé mentale",
                                   body_markdown="La santé mentale est un état de bien-être.")
        myths = authoring.add_item(trainer, first, "text", "Idées reçues", body_markdown="Une personne sur cinq.")
        second = authoring.add_module(trainer, course, "Agir")
        quiz = authoring.add_item(trainer, second, "quiz", "Quiz : idées reçues",
                                  quiz=quiz_spec("graded", pass_mark=60, max_attempts=3))
        course.status = PUBLISHED
        commit()
        return SimpleNamespace(id=course.id, title=course.title, intro=intro.title, intro_id=intro.id,
                               next=myths.title, next_id=myths.id, quiz=quiz.title)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_home_before_sign_in_says_what_the_training_is(new_context, width, course):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    visit(page, "/", "Formation en ligne en santé mentale")
    expect(page.get_by_role("main")).to_contain_text("module de base de sensibilisation en santé mentale")
    expect(page.get_by_role("heading", name=course.title)).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="Se connecter")).to_be_visible()
    if width == 1280:
        shoot(page, "welcome")


def test_the_learner_resumes_from_the_home_and_the_coordinator_follows_them(new_context, create_user, sign_in,
                                                                            course):
    learner = create_user("learner", full_name="Alex Apprenant")
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, learner)
    page.goto(f"/formations/{course.id}/elements/{course.intro_id}")
    here(page, course.intro)
    page.get_by_role("button", name="J'ai lu ce texte").click()
    here(page, course.next)

    page.get_by_role("link", name="Formation santé mentale").click()  # the site's name leads home
    here(page, "Bonjour Alex Apprenant")
    resume = page.get_by_role("region", name="Reprendre là où vous en étiez")
    expect(resume).to_contain_text(f"{course.title} : {course.next}")
    expect(page.get_by_role("region", name="Mes formations")).to_contain_text("1 élément requis terminé sur 3")
    shoot(page, "learner-home")
    resume.get_by_role("link", name=f"Reprendre : {course.next}").click()
    here(page, course.next)

    page.goto(f"/formations/{course.id}")
    here(page, course.title)
    shoot(page, "course-page")

    phone = new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(phone, learner)
    expect(phone.get_by_role("link", name=f"Reprendre : {course.next}")).to_be_visible()
    assert_no_horizontal_scroll(phone)

    coordinator = create_user("coordinator")
    admin = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(admin, coordinator)
    visit(admin, f"/admin/utilisateurs/{learner.id}", "Alex Apprenant")
    courses = admin.get_by_role("region", name="Formations")
    expect(courses).to_contain_text(course.title)
    expect(courses).to_contain_text("1 élément requis terminé sur 3")
    expect(admin.get_by_role("region", name="Attestations")).to_contain_text("Aucune attestation.")
    check_a11y(admin)
    shoot(admin, "person-page", full_page=True)
