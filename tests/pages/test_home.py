"""The home page: before sign-in, what the training is and its published courses; signed in, where the
person stands (« Reprendre » to the next item, progress per course, the certificate once earned)."""
import re
from html import unescape

from lms.authoring import services as authoring
from lms.authoring.models import PUBLISHED
from lms.certificates import services as certificates
from lms.extensions import db
from lms.learning.services import progress
from tests.certificates.helpers import completed_course
from tests.conftest import login_as


def text_of(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def test_before_sign_in_the_home_says_what_the_training_is_and_lists_the_published_courses(client, make):
    trainer = make.trainer()
    published = authoring.create_course(trainer, "Premiers secours en santé mentale", duration_minutes=90,
                                        summary="Repérer, écouter, orienter.")
    published.status = PUBLISHED
    authoring.create_course(trainer, "Un brouillon pas encore prêt")
    db.session.flush()

    response = client.get("/")
    assert response.status_code == 200
    text = text_of(response)
    assert "module de base de sensibilisation en santé mentale" in text
    assert "CLSM" in text and "Metz" in text
    assert "Premiers secours en santé mentale" in text and "Repérer, écouter, orienter." in text
    assert "Durée : 1 h 30 min" in text
    assert "Un brouillon pas encore prêt" not in text
    html = response.get_data(as_text=True)
    assert 'href="/connexion"' in html and 'href="/inscription"' in html


def test_the_learners_home_offers_to_resume_with_progress_per_course(client, make, small_course):
    learner = make.learner(full_name="Inès Reprise")
    progress.mark_text_read(learner, small_course.text)
    db.session.flush()
    login_as(client, learner)

    response = client.get("/")
    assert response.status_code == 200
    text = text_of(response)
    assert "Bonjour Inès Reprise" in text
    assert "Reprendre là où vous en étiez" in text
    assert f"Parcours court : {small_course.pre.title}" in text  # the first required item not done yet
    html = response.get_data(as_text=True)
    assert f'href="/formations/{small_course.course.id}/elements/{small_course.pre.id}">Reprendre' in html
    assert "1 élément requis terminé sur 5" in text
    assert "Autres formations proposées" not in text


def test_the_home_shows_the_certificate_once_earned(client, make, outbox):
    learner = make.learner()
    course, completion = completed_course(learner, title="Parcours terminé pour de bon")
    course.status = PUBLISHED
    progress.mark_text_read(learner, course.modules[0].items[0])
    certificate = certificates.issue_certificate(completion.id)
    db.session.flush()
    login_as(client, learner)

    html = client.get("/").get_data(as_text=True)
    assert "Parcours terminé pour de bon" in html
    assert "Reprendre là où vous en étiez" not in html
    assert f'href="/attestations/{certificate.display_code}"' in html
    assert "Voir votre attestation" in html


def test_a_new_learner_is_offered_the_courses_to_start(client, make, small_course):
    login_as(client, make.learner())
    text = text_of(client.get("/"))
    assert "Commencer une formation" in text and "Parcours court" in text
    assert "Reprendre" not in text
