"""The steady quiz answer (lms.learning.services.answers.steady_answer, tried first by answer()): a learner answering again through the API in three
statements, with exactly the outcome of the full path, and every other case left to the full path."""
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from lms.auth.services import issue_api_token
from lms.authoring.models import DRAFT
from lms.core.clock import utcnow
from lms.extensions import db
from lms.learning.models import QuizAttempt
from lms.learning.services import answers as steady_answers
from lms.learning.services import quizzes
from lms.learning.services.answers import answer as submit_answer
from lms.learning.services.answers import steady_answer
from tests.conftest import api_headers
from tests.learningtools import right_answers, statements, stored_progress, wrong_answers


def answer(client, headers, quiz, answers):
    return client.post(f"/api/v1/quizzes/{quiz.id}/attempts", headers=headers, json={"answers": answers})


def rows_of(user, quiz):
    return list(db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id)
                                   .order_by(QuizAttempt.number).execution_options(populate_existing=True)))


def test_an_answer_after_the_first_is_one_select_then_one_write(app, client, make, small_course):
    """PostgreSQL: the INSERT of the attempt inside the UPDATE of the row (one statement); SQLite, where a WITH
    cannot write: the INSERT, then the UPDATE."""
    learner, quiz = make.learner(), small_course.post.quiz
    headers = api_headers(app, learner)
    wrong, path = wrong_answers(quiz), f"/api/v1/quizzes/{quiz.id}/attempts"
    assert client.post(path, headers=headers, json={"answers": wrong}).status_code == 201  # first: the full path
    with statements() as seen:
        second = client.post(path, headers=headers, json={"answers": wrong})
    assert second.status_code == 201
    body = second.get_json()
    assert body["number"] == 2 and body["score"] == 0 and body["passed"] is False and body["attempts_left"] is None
    assert [f["question_id"] for f in body["feedback"]] == [q.id for q in quiz.questions]
    chosen = {c["id"] for f in body["feedback"] for c in f["choices"] if c["chosen"]}
    assert chosen == {c for ids in wrong_answers(quiz).values() for c in ids}
    # (the tests' transaction turns the request's commit into a savepoint's release)
    work = [s for s in seen if not s.startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))]
    assert work[0].startswith("SELECT") and "api_tokens" in work[0] and "item_progress" in work[0]
    assert "FOR UPDATE" not in work[0]  # the attempt's unique number settles races
    if db.session.get_bind().dialect.name == "postgresql":
        assert len(work) == 2, "\n".join(s[:120] for s in work)
        assert work[1].startswith("WITH locked_row AS (SELECT item_progress.id")  # the row locked first
        assert "FOR UPDATE), new_attempt AS (INSERT INTO quiz_attempts" in work[1]
        assert "UPDATE item_progress" in work[1] and "set_config" in work[1]  # its commit does not wait for the disk
        assert db.session.execute(text("SHOW synchronous_commit")).scalar() == "off"
    else:
        assert len(work) == 3, "\n".join(s[:120] for s in work)
        assert work[1].startswith("INSERT INTO quiz_attempts") and work[2].startswith("UPDATE item_progress")
    attempts = rows_of(learner, quiz)
    assert [(a.number, a.score, a.passed, a.submitted) for a in attempts] == [(1, 0, False, True), (2, 0, False, True)]
    assert attempts[1].answers == wrong_answers(quiz) and attempts[1].id == body["id"]
    assert set(attempts[1].order["choices"]) == {str(q.id) for q in quiz.questions}
    assert stored_progress(learner, small_course.post).beacons == 2


def test_the_answer_that_completes_the_item_goes_through_the_full_path(app, client, make, small_course):
    learner, quiz = make.learner(), small_course.post.quiz
    headers = api_headers(app, learner)
    wrong, right = wrong_answers(quiz), right_answers(quiz)
    assert answer(client, headers, quiz, wrong).status_code == 201
    with statements() as seen:
        assert answer(client, headers, quiz, right).get_json()["passed"] is True
    assert any("FROM course_completions" in s for s in seen)  # the full path checked the course
    assert not any("set_config" in s for s in seen)  # and its commit waits for the disk
    assert stored_progress(learner, small_course.post).completed_at is not None
    with statements() as seen:  # completed already: a later answer is steady again
        assert answer(client, headers, quiz, right).get_json()["number"] == 3
    assert not any("FROM course_completions" in s for s in seen)


def test_no_attempt_left_bad_answers_a_draft_and_a_bad_token_keep_their_errors(app, client, make, small_course):
    learner, quiz = make.learner(), small_course.graded.quiz  # two attempts
    headers = api_headers(app, learner)
    assert answer(client, headers, quiz, wrong_answers(quiz)).status_code == 201
    bad = answer(client, headers, quiz, {"123456": [1]})
    assert bad.status_code == 422 and "answers.123456" in bad.get_json()["error"]["fields"]
    assert client.post(f"/api/v1/quizzes/{quiz.id}/attempts", headers=headers, json={}).status_code == 422
    assert answer(client, headers, quiz, wrong_answers(quiz)).get_json()["attempts_left"] == 0
    last = answer(client, headers, quiz, wrong_answers(quiz))
    assert last.status_code == 409 and last.get_json()["error"]["code"] == "no_attempts_left"
    forged = answer(client, {"Authorization": "Bearer forged"}, quiz, wrong_answers(quiz))
    assert forged.status_code == 401 and forged.get_json()["error"]["code"] == "invalid_token"
    post = small_course.post.quiz
    assert answer(client, headers, post, wrong_answers(post)).status_code == 201
    small_course.course.status = DRAFT
    db.session.flush()
    assert answer(client, headers, post, wrong_answers(post)).status_code == 404
    assert len(rows_of(learner, quiz)) == 2 and len(rows_of(learner, post)) == 1


def test_an_open_attempt_is_the_one_graded(app, client, make, small_course):
    learner, quiz = make.learner(), small_course.post.quiz
    headers = api_headers(app, learner)
    assert answer(client, headers, quiz, wrong_answers(quiz)).status_code == 201
    opened = quizzes.start_attempt(learner, quiz)  # the quiz page, in another tab
    db.session.flush()
    graded = answer(client, headers, quiz, wrong_answers(quiz)).get_json()
    assert graded["id"] == opened.id and graded["number"] == 2
    assert [a.submitted for a in rows_of(learner, quiz)] == [True, True]


def test_a_number_taken_at_the_same_moment_leaves_the_answer_to_the_full_path(app, client, make, small_course,
                                                                            monkeypatch):
    """The quiz page opens attempt 2 between the steady SELECT and its INSERT: the INSERT does nothing, and the
    full path grades that open attempt."""
    learner, quiz = make.learner(), small_course.post.quiz
    headers = api_headers(app, learner)
    assert answer(client, headers, quiz, wrong_answers(quiz)).status_code == 201
    check = quizzes.check_answers

    def page_opens_an_attempt(paper, answers):
        monkeypatch.setattr(steady_answers.quizzes, "check_answers", check)
        quizzes.start_attempt(learner, quiz)
        db.session.flush()
        return check(paper, answers)

    monkeypatch.setattr(steady_answers.quizzes, "check_answers", page_opens_an_attempt)
    graded = answer(client, headers, quiz, right_answers(quiz))
    assert graded.status_code == 201 and graded.get_json()["number"] == 2 and graded.get_json()["passed"] is True
    assert [(a.number, a.passed) for a in rows_of(learner, quiz)] == [(1, False), (2, True)]


def choice_sets(quiz):
    return st.fixed_dictionaries({str(q.id): st.lists(st.sampled_from([c.id for c in q.choices]), max_size=2, unique=True)
                                  for q in quiz.questions})


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.data(), which=st.sampled_from(["pre", "graded", "post"]))
def test_the_steady_path_ends_exactly_where_the_full_path_does(make, small_course, data, which):
    """Two learners send the same answers at the same moments: one through answer() (steady first, the full
    path when it declines), one through the full path only. Their attempts and rows never differ."""
    item = getattr(small_course, which)
    quiz = item.quiz
    fast, full = make.learner(), make.learner()
    token, _expires = issue_api_token(fast)
    moment = utcnow()
    for answers in data.draw(st.lists(choice_sets(quiz), min_size=1, max_size=5)):
        moment += timedelta(seconds=data.draw(st.integers(1, 600)))
        outcomes = []
        for learner in (fast, full):
            try:
                if learner is full:
                    attempt = quizzes.submit_attempt(learner, quiz, answers, now=moment)
                    outcomes.append((attempt.number, attempt.score, attempt.passed))
                else:
                    with statements() as seen:
                        steady = submit_answer(token, quiz.id, {"answers": answers}, now=moment)
                    event("steady path" if len(seen) <= 3 else "full path")
                    outcomes.append((steady["number"], steady["score"], steady["passed"]))
            except Exception as exc:  # noqa: BLE001  (the same refusal on both sides)
                outcomes.append(type(exc).__name__)
        db.session.flush()
        assert outcomes[0] == outcomes[1]
    attempts = [[(a.number, a.role, a.answers, a.score, a.passed, a.results, a.submitted) for a in rows_of(learner, quiz)]
                for learner in (fast, full)]
    assert attempts[0] == attempts[1]
    rows = [stored_progress(learner, item) for learner in (fast, full)]
    assert (rows[0].beacons, rows[0].completed_at is None) == (rows[1].beacons, rows[1].completed_at is None)


@pytest.mark.parametrize("body", [None, [], {"answer": {}}, {"answers": "all"}])
def test_bodies_it_cannot_take_are_left_to_the_full_path(make, small_course, body):
    learner, quiz = make.learner(), small_course.post.quiz
    token, _expires = issue_api_token(learner)
    quizzes.submit_attempt(learner, quiz, wrong_answers(quiz))
    assert steady_answer(token, quiz.id, body) == (None, None)
    assert len(rows_of(learner, quiz)) == 1


def test_the_answer_the_steady_path_declines_after_grading_it_is_graded_once(app, make, small_course, monkeypatch):
    """The answer that completes the item: the steady path grades it, declines, and the full path records that
    same graded attempt (one grading, one reply) instead of grading it again."""
    learner, quiz = make.learner(), small_course.post.quiz
    token, _expires = issue_api_token(learner)
    assert submit_answer(token, quiz.id, {"answers": wrong_answers(quiz)})["number"] == 1
    graded, grade = [], quizzes.grade_attempt
    monkeypatch.setattr(quizzes, "grade_attempt", lambda *args: graded.append(args[1]) or grade(*args))
    reply = submit_answer(token, quiz.id, {"answers": right_answers(quiz)})
    assert len(graded) == 1 and reply["number"] == 2 and reply["passed"] is True and reply["attempts_left"] is None
    assert rows_of(learner, quiz)[1].id == reply["id"] == graded[0].id
    assert stored_progress(learner, small_course.post).completed_at is not None


def test_the_service_checks_the_token_it_is_handed(make, small_course):
    """answer() and record_beacon() take the raw bearer token: the API hands it over unchecked."""
    from lms.core.errors import Unauthorized
    from lms.learning import services

    with pytest.raises(Unauthorized) as caught:
        services.answer("forged", small_course.post.quiz.id, {"answers": {}})
    assert caught.value.code == "invalid_token"
    with pytest.raises(Unauthorized):
        services.record_beacon("forged", small_course.film.id, {"position_s": 1, "watched": [[0, 1]]})
