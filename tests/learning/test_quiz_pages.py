"""Answering a quiz in the browser's HTML pages: start, answer, review, submit, results."""
import re
from html import unescape

import pytest
from sqlalchemy import func, select

from lms.authoring.models import DRAFT
from lms.core.db import commit
from lms.extensions import db
from lms.learning.models import QuizAttempt
from lms.learning.services import quizzes
from tests.conftest import csrf_token, login_as, post_form
from tests.learningtools import page, right_answers, wrong_answers


def base(course, item) -> str:
    return f"/formations/{course.id}/elements/{item.id}"


def main(html: str) -> str:
    return html[html.index('id="contenu"'):html.index('class="site-footer"')]


def start(client, course, item):
    """Press "Commencer" on the item page: the answer page's address."""
    response = post_form(client, f"{base(course, item)}/quiz/commencer", token_from=base(course, item))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def form_of(answers: dict) -> dict:
    return {f"q-{question_id}": [str(c) for c in chosen] for question_id, chosen in answers.items()}


def outcome(html: str) -> str:
    """The results' status region (the flash region of base.html is another one)."""
    return re.search(r'<div class="quiz-outcome[^"]*"\s+role="status"[^>]*>(.*?)</div>', html, re.S).group(1)


def attempts_of(user, quiz) -> int:
    return db.session.scalar(select(func.count()).select_from(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id))


def test_intro_explains_the_quiz_and_leads_to_answering(client, make, small_course):
    course, item = small_course.course, small_course.graded
    html = unescape(page(login_as(client, make.learner()), base(course, item)))
    assert "Quiz noté" in html and "Seuil de réussite" in html and "60 %" in html
    assert "0 utilisée sur 2 ; il en reste 2" in html and "pas de limite de temps" in html
    assert f'action="{base(course, item)}/quiz/commencer"' in html and ">Commencer<" in html
    assert 'name="csrf_token"' in main(html)
    pre = unescape(page(client, base(course, small_course.pre)))
    assert "ne compte pas, il sert à mesurer vos acquis" in pre


def test_a_learner_answers_reviews_submits_and_sees_the_results(client, make, small_course):
    course, item, quiz = small_course.course, small_course.graded, small_course.graded.quiz
    learner = make.learner()
    login_as(client, learner)
    answer_page = start(client, course, item)
    attempt = quizzes.open_attempt(learner, quiz)
    assert answer_page.endswith(f"{base(course, item)}/quiz/tentatives/{attempt.id}")

    html = page(client, answer_page)
    assert html.count("<fieldset") == 3 and html.count("<legend>") == 3
    assert "Question 1 sur 3" in html and "Question 3 sur 3" in html
    multiple = quiz.questions[1]
    assert re.search(rf'<fieldset[^>]*id="question-{multiple.id}"[^>]*aria-describedby="question-{multiple.id}-hint"', html)
    assert "Plusieurs réponses possibles" in html
    assert html.count('type="checkbox"') == 3 and html.count('type="radio"') == 4
    for question in quiz.questions:
        for choice in question.choices:
            assert f'<label for="choice-{choice.id}">' in html
    # Choices in the attempt's shuffled order.
    order = attempt.order["choices"][str(multiple.id)]
    positions = [html.index(f'id="choice-{choice_id}"') for choice_id in order]
    assert positions == sorted(positions)
    assert ">Relire mes réponses<" in html

    answers = right_answers(quiz)
    del answers[str(quiz.questions[2].id)]  # the true/false one left unanswered
    response = post_form(client, answer_page, form_of(answers))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{answer_page}/relecture")
    assert db.session.get(QuizAttempt, attempt.id).answers == {**answers, str(quiz.questions[2].id): []}

    review = unescape(page(client, f"{answer_page}/relecture"))
    assert "<strong>Une sur quatre</strong>" in review and "<strong>Le CMP</strong>" in review
    assert "<strong>Sans réponse</strong>" in review
    assert f'href="{answer_page}#question-{quiz.questions[2].id}"' in review
    assert "Vous avez répondu à 2 questions sur 3" in review
    assert ">Envoyer mes réponses<" in review and "Idée reçue" not in review

    response = post_form(client, f"{answer_page}/envoi", token_from=f"{answer_page}/relecture")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{answer_page}/resultats")
    attempt = db.session.get(QuizAttempt, attempt.id)
    assert attempt.submitted and attempt.score == 67 and attempt.passed

    results = unescape(page(client, f"{answer_page}/resultats"))
    status = outcome(results)
    assert "Votre score : 67 sur 100." in status and "Réussi." in status and "60 %" in status
    assert results.count("Bonne réponse.") == 2 and results.count("Réponse incorrecte.") == 1
    assert "Oui." in results  # the chosen choice's feedback
    assert "Bien plus fréquent." not in results  # a choice not chosen: its feedback is not shown
    for question in quiz.questions:
        assert question.explanation in results
    assert "La bonne réponse :" in results and "Les bonnes réponses :" in results and "Faux" in results
    assert f'href="{base(course, small_course.extra)}"' in results  # the next item
    assert f'href="/formations/{course.id}"' in results
    assert "Réessayer" not in results  # passed

    intro = unescape(page(client, base(course, item)))
    assert "1 utilisée sur 2 ; il en reste 1" in intro and "67 sur 100" in intro
    assert f'href="{answer_page}/resultats"' in intro and "Commencer une nouvelle tentative" in intro


def test_the_answer_and_review_pages_never_carry_the_answers(client, make, small_course):
    course, item, quiz = small_course.course, small_course.graded, small_course.graded.quiz
    login_as(client, make.learner())
    answer_page = start(client, course, item)
    post_form(client, answer_page, form_of(right_answers(quiz)))
    for path in (answer_page, f"{answer_page}/relecture"):
        html = main(page(client, path))
        assert "correct" not in html.lower() and "feedback" not in html.lower()
        assert "Oui." not in html and "Bien plus fréquent." not in html
        for question in quiz.questions:
            assert question.explanation not in unescape(html)


def test_saved_answers_are_checked_when_the_learner_comes_back(client, make, small_course):
    course, item, quiz = small_course.course, small_course.graded, small_course.graded.quiz
    login_as(client, make.learner())
    answer_page = start(client, course, item)
    answers = wrong_answers(quiz)
    post_form(client, answer_page, form_of(answers))
    assert start(client, course, item) == answer_page  # "Reprendre": the same attempt
    assert "Reprendre" in page(client, base(course, item))
    html = page(client, answer_page)
    for question in quiz.questions:
        for choice in question.choices:
            tag = re.search(rf'<input[^>]*id="choice-{choice.id}"[^>]*>', html).group(0)
            assert ("checked" in tag) == (choice.id in answers[str(question.id)]), tag


def test_an_invalid_answer_is_shown_next_to_its_question(client, make, small_course):
    course, item, quiz = small_course.course, small_course.graded, small_course.graded.quiz
    learner = make.learner()
    login_as(client, learner)
    answer_page = start(client, course, item)
    single = quiz.questions[0]
    response = post_form(client, answer_page, {f"q-{single.id}": [str(c.id) for c in single.choices]})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    fieldset = re.search(rf'<fieldset[^>]*id="question-{single.id}".*?</fieldset>', html, re.S).group(0)
    assert f'aria-describedby="question-{single.id}-hint question-{single.id}-error"' in fieldset
    assert f'<p class="error" id="question-{single.id}-error">Erreur : Une seule réponse est attendue' in unescape(fieldset)
    assert 'class="error-summary" role="alert"' in html and f'href="#question-{single.id}"' in html
    assert quizzes.open_attempt(learner, quiz).answers == {}
    response = post_form(client, answer_page, {f"q-{single.id}": "pas-un-id"})
    assert response.status_code == 422 and "Une liste d&#39;identifiants de choix est attendue." in response.get_data(as_text=True)


def test_a_double_submit_shows_the_same_results_and_makes_one_attempt(client, make, small_course):
    course, item, quiz = small_course.course, small_course.graded, small_course.graded.quiz
    learner = make.learner()
    login_as(client, learner)
    answer_page = start(client, course, item)
    post_form(client, answer_page, form_of(right_answers(quiz)))
    token = csrf_token(client, f"{answer_page}/relecture")
    first = client.post(f"{answer_page}/envoi", data={"csrf_token": token})
    second = client.post(f"{answer_page}/envoi", data={"csrf_token": token})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert attempts_of(learner, quiz) == 1 and quizzes.attempts_left(learner, quiz) == 1
    assert "déjà été envoyées" in unescape(page(client, second.headers["Location"]))
    # Back button: the answer and review pages of a sent attempt lead to its results; saving is refused.
    for path in (answer_page, f"{answer_page}/relecture"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith(f"{answer_page}/resultats")
    response = client.post(answer_page, data={"csrf_token": token, **form_of(wrong_answers(quiz))})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{answer_page}/resultats")
    assert attempts_of(learner, quiz) == 1 and quizzes.attempts(learner, quiz)[0].score == 100


def test_results_before_submitting_lead_back_to_the_questions(client, make, small_course):
    course, item = small_course.course, small_course.graded
    login_as(client, make.learner())
    answer_page = start(client, course, item)
    response = client.get(f"{answer_page}/resultats")
    assert response.status_code == 302 and response.headers["Location"].endswith(answer_page)


def test_a_failed_attempt_offers_a_retry_then_the_limit_gives_a_clear_page(client, make, small_course):
    course, item, quiz = small_course.course, small_course.graded, small_course.graded.quiz
    learner = make.learner()
    login_as(client, learner)
    for number in (1, 2):
        answer_page = start(client, course, item)
        post_form(client, answer_page, form_of(wrong_answers(quiz)))
        post_form(client, f"{answer_page}/envoi", token_from=f"{answer_page}/relecture")
        results = unescape(page(client, f"{answer_page}/resultats"))
        assert "Pas encore réussi." in results and "Le seuil de réussite est de 60 %." in results
        assert ("Réessayer (il reste 1 tentative)" in results) == (number == 1)
    assert "Vous avez utilisé toutes vos tentatives" in results

    intro = unescape(page(client, base(course, item)))
    assert "Vous avez utilisé toutes vos tentatives" in intro and "quiz/commencer" not in intro
    response = post_form(client, f"{base(course, item)}/quiz/commencer", token_from=base(course, item))
    assert response.status_code == 302 and response.headers["Location"].endswith(base(course, item))
    assert "Vous avez utilisé toutes vos tentatives" in unescape(page(client, base(course, item)))
    assert attempts_of(learner, quiz) == 2


def test_a_pre_test_never_blocks(client, make, small_course):
    course, item, quiz = small_course.course, small_course.pre, small_course.pre.quiz
    login_as(client, make.learner())
    answer_page = start(client, course, item)
    post_form(client, answer_page, form_of(wrong_answers(quiz)))
    post_form(client, f"{answer_page}/envoi", token_from=f"{answer_page}/relecture")
    results = unescape(page(client, f"{answer_page}/resultats"))
    status = outcome(results)
    assert "Votre score : 0 sur 100." in status and "ne compte pas" in status and "passer à la suite" in status
    assert "Pas encore réussi" not in results and "Réessayer" not in results
    assert f'href="{base(course, small_course.film)}"' in results


def test_someone_elses_attempt_is_not_found(client, app, make, small_course):
    course, item, quiz = small_course.course, small_course.graded, small_course.graded.quiz
    owner = make.learner()
    attempt = quizzes.submit_attempt(owner, quiz, right_answers(quiz))
    open_one = quizzes.start_attempt(owner, quiz)
    commit()
    login_as(client, make.learner())
    path = f"{base(course, item)}/quiz/tentatives"
    page(client, f"{path}/{attempt.id}/resultats", 404)
    page(client, f"{path}/{open_one.id}", 404)
    page(client, f"{path}/{open_one.id}/relecture", 404)
    token = csrf_token(client, base(course, item))
    assert client.post(f"{path}/{open_one.id}", data={"csrf_token": token}).status_code == 404
    assert client.post(f"{path}/{open_one.id}/envoi", data={"csrf_token": token}).status_code == 404
    assert not db.session.get(QuizAttempt, open_one.id).submitted
    # An attempt of another quiz, under this quiz's address: not found either.
    other_quiz = quizzes.submit_attempt(owner, small_course.post.quiz, right_answers(small_course.post.quiz))
    commit()
    owner_client = login_as(app.test_client(), owner)
    page(owner_client, f"{path}/{attempt.id}/resultats")
    page(owner_client, f"{path}/{other_quiz.id}/resultats", 404)


def test_a_drafts_quiz_is_not_found_for_learners_and_not_answered_in_preview(app, client, make, small_course):
    course, item = small_course.course, small_course.graded
    course.status = DRAFT
    commit()
    login_as(client, make.learner())
    page(client, base(course, item), 404)
    token = csrf_token(client, "/compte")
    assert client.post(f"{base(course, item)}/quiz/commencer", data={"csrf_token": token}).status_code == 404
    client = login_as(app.test_client(), small_course.trainer)
    html = unescape(page(client, base(course, item)))
    assert "Aperçu" in html and "quiz/commencer" not in html and "Une sur quatre" in html
    token = csrf_token(client, "/compte")
    assert client.post(f"{base(course, item)}/quiz/commencer", data={"csrf_token": token}).status_code == 404


@pytest.mark.parametrize("step", ["commencer", "save", "envoi"])
def test_csrf_is_enforced(client, make, small_course, step):
    course, item, quiz = small_course.course, small_course.graded, small_course.graded.quiz
    learner = make.learner()
    login_as(client, learner)
    attempt = quizzes.start_attempt(learner, quiz)
    commit()
    path = {"commencer": f"{base(course, item)}/quiz/commencer",
            "save": f"{base(course, item)}/quiz/tentatives/{attempt.id}",
            "envoi": f"{base(course, item)}/quiz/tentatives/{attempt.id}/envoi"}[step]
    assert client.post(path, data=form_of(right_answers(quiz))).status_code == 400
    assert not db.session.get(QuizAttempt, attempt.id).submitted and attempt.answers == {}
