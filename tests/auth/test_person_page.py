"""The coordinator's page of a person: that person's courses, progress, quiz results and certificates;
nobody else may open it."""
import re
from html import unescape

from lms.certificates import services as certificates
from lms.extensions import db
from lms.learning.services import progress, quizzes
from tests.certificates.helpers import completed_course
from tests.conftest import login_as
from tests.learningtools import right_answers, wrong_answers


def text_of(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def test_the_coordinator_sees_the_persons_courses_progress_quiz_results_and_certificates(client, make, small_course,
                                                                                          outbox):
    learner = make.learner(full_name="Paul Suivi")
    progress.mark_text_read(learner, small_course.text)
    graded = small_course.graded.quiz
    quizzes.submit_attempt(learner, graded, wrong_answers(graded))
    quizzes.submit_attempt(learner, graded, right_answers(graded))
    done, completion = completed_course(learner, title="Parcours déjà terminé")
    done.status = "published"
    progress.mark_text_read(learner, done.modules[0].items[0])
    certificate = certificates.issue_certificate(completion.id)
    db.session.flush()
    login_as(client, make.coordinator())

    response = client.get(f"/admin/utilisateurs/{learner.id}")
    assert response.status_code == 200
    text = text_of(response)
    assert "Paul Suivi" in text
    assert "Parcours court" in text and "2 éléments requis terminés sur 5" in text
    assert "Résultats aux quiz : Parcours court" in text
    assert "Quiz 2 100 % réussi" in text  # two attempts, the best at 100 %
    assert "Parcours déjà terminé" in text and "1 élément requis terminé sur 1" in text
    assert f"n° {certificate.display_code}" in text


def test_a_person_without_any_learning_has_empty_sections(client, make):
    learner = make.learner()
    login_as(client, make.coordinator())
    text = text_of(client.get(f"/admin/utilisateurs/{learner.id}"))
    assert "Aucune formation commencée." in text and "Aucune attestation." in text


def test_a_learner_and_a_trainer_cannot_see_a_persons_page(app, make):
    learner = make.learner()
    for visitor in (make.learner(), make.trainer(), learner):
        client = app.test_client()
        login_as(client, visitor)
        assert client.get(f"/admin/utilisateurs/{learner.id}").status_code == 403
