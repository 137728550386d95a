"""Progress and quizzes in the JSON API (API.md "Progress and quizzes")."""
import pytest

from lms.authoring import services as authoring
from lms.core.db import commit
from tests.conftest import api_headers
from tests.learningtools import quiz_spec, right_answers, wrong_answers


def post(client, app, user, path, body):
    return client.post(path, json=body, headers=api_headers(app, user))


def test_video_beacons_report_coverage_and_completion(app, client, learner, small_course):
    path = f"/api/v1/items/{small_course.film.id}/progress"
    first = post(client, app, learner, path, {"position_s": 10, "watched": [[0, 10]]})
    assert first.status_code == 200
    assert first.get_json() == {"watched_ratio": 0.1, "completed": False, "position_s": 10.0, "completed_at": None}


def test_seeking_to_the_end_then_beaconing_the_last_seconds_does_not_complete(app, client, learner, small_course):
    path = f"/api/v1/items/{small_course.film.id}/progress"
    answer = post(client, app, learner, path, {"position_s": 100, "watched": [[92, 100]]}).get_json()
    assert answer["completed"] is False and answer["watched_ratio"] == 0.08


def test_a_beacon_cannot_claim_the_whole_film(app, client, learner, small_course):
    path = f"/api/v1/items/{small_course.film.id}/progress"
    answer = post(client, app, learner, path, {"position_s": 100, "watched": [[0, 100]]}).get_json()
    assert answer == {"watched_ratio": 0.15, "completed": False, "position_s": 100.0, "completed_at": None}


def quarters_of_a_one_minute_film(app, client, learner, small_course, *, every_s=0, watch_clock=None):
    """Four beacons of 15 s each on the course's film cut to one minute, ``every_s`` apart; their answers."""
    small_course.film.video.duration_s = 60.0
    headers, path = api_headers(app, learner), f"/api/v1/items/{small_course.film.id}/progress"
    answers = []
    for quarter in range(4):
        if quarter and every_s:
            watch_clock.advance(every_s)
        answers.append(client.post(path, headers=headers, json={
            "position_s": 15 * (quarter + 1), "watched": [[15 * quarter, 15 * (quarter + 1)]]}).get_json())
    return answers


def test_four_beacons_back_to_back_do_not_complete_a_one_minute_film(app, client, learner, small_course):
    """Each beacon may add 2 × s + 15 s, but all of them together no more than 2 × t + 15 s: sent within a
    fraction of a second, the four share the 15 s instead of adding 15 s each."""
    last = quarters_of_a_one_minute_film(app, client, learner, small_course)[-1]
    assert last["completed"] is False and 0.25 <= last["watched_ratio"] < 0.26  # 15 s (+ 2 × the ms elapsed)


def test_four_beacons_fifteen_seconds_apart_complete_a_one_minute_film(app, client, learner, small_course,
                                                                        watch_clock):
    answers = quarters_of_a_one_minute_film(app, client, learner, small_course, every_s=15, watch_clock=watch_clock)
    assert [a["watched_ratio"] for a in answers] == [0.25, 0.5, 0.75, 1.0] and answers[-1]["completed"] is True


def test_a_text_item_completes_when_read(app, client, learner, small_course):
    answer = post(client, app, learner, f"/api/v1/items/{small_course.text.id}/progress", {})
    assert answer.status_code == 200 and answer.get_json()["completed"] is True


@pytest.mark.parametrize("body, status, field", [
    ({"position_s": "dix"}, 422, "position_s"),
    ({"watched": [[10, 0]]}, 422, "watched.0"),
    ({"watched": {"0": 10}}, 422, "watched"),
])
def test_malformed_beacons(app, client, learner, small_course, body, status, field):
    answer = post(client, app, learner, f"/api/v1/items/{small_course.film.id}/progress", body)
    assert answer.status_code == status and field in answer.get_json()["error"]["fields"]


def test_beacons_that_are_not_json(app, client, learner, small_course):
    headers = api_headers(app, learner)
    path = f"/api/v1/items/{small_course.film.id}/progress"
    assert client.post(path, data=b"{nope", content_type="application/json", headers=headers).status_code == 400
    assert client.post(path, data=b"x", content_type="text/plain", headers=headers).status_code == 415
    assert client.post(path, json=[1, 2], headers=headers).status_code == 400


def test_progress_on_a_quiz_item_says_to_answer_it(app, client, learner, small_course):
    answer = post(client, app, learner, f"/api/v1/items/{small_course.graded.id}/progress", {})
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "answer_the_quiz"


def test_get_quiz_never_contains_correct(app, client, learner, small_course):
    quiz = small_course.graded.quiz
    answer = client.get(f"/api/v1/quizzes/{quiz.id}", headers=api_headers(app, learner))
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["attempts_left"] == 2 and len(body["questions"]) == 3
    text = answer.get_data(as_text=True)
    assert "correct" not in text and "feedback" not in text and "explanation" not in text


def test_attempts_then_the_limit_gives_409(app, client, learner, small_course):
    quiz = small_course.graded.quiz
    path = f"/api/v1/quizzes/{quiz.id}/attempts"
    first = post(client, app, learner, path, {"answers": wrong_answers(quiz)})
    assert first.status_code == 201
    body = first.get_json()
    assert body["score"] == 0 and body["passed"] is False and body["attempts_left"] == 1
    assert {f["question_id"] for f in body["feedback"]} == {q.id for q in quiz.questions}
    assert all(f["correct"] is False and f["explanation"] for f in body["feedback"])
    second = post(client, app, learner, path, {"answers": right_answers(quiz)}).get_json()
    assert second["score"] == 100 and second["passed"] is True and second["attempts_left"] == 0
    third = post(client, app, learner, path, {"answers": right_answers(quiz)})
    assert third.status_code == 409 and third.get_json()["error"]["code"] == "no_attempts_left"


def test_bad_answers_are_422_with_the_question(app, client, learner, small_course):
    quiz = small_course.graded.quiz
    path = f"/api/v1/quizzes/{quiz.id}/attempts"
    answer = post(client, app, learner, path, {"answers": {"123456": [1]}})
    assert answer.status_code == 422 and "answers.123456" in answer.get_json()["error"]["fields"]
    assert post(client, app, learner, path, {}).status_code == 422


def test_drafts_and_unknown_ids_are_404(app, client, learner, small_course, make):
    small_course.course.status = "draft"
    quiz = small_course.graded.quiz
    headers = api_headers(app, learner)
    assert client.get(f"/api/v1/quizzes/{quiz.id}", headers=headers).status_code == 404
    assert client.post(f"/api/v1/items/{small_course.text.id}/progress", json={}, headers=headers).status_code == 404
    assert client.get("/api/v1/quizzes/999999", headers=headers).status_code == 404
    assert client.post("/api/v1/items/999999/progress", json={}, headers=headers).status_code == 404


def test_progress_needs_a_token(client, small_course):
    assert client.post(f"/api/v1/items/{small_course.text.id}/progress", json={}).status_code == 401


def test_the_course_detail_shows_the_callers_own_progress(app, client, learner, small_course, make):
    course = small_course.course
    post(client, app, learner, f"/api/v1/items/{small_course.text.id}/progress", {})
    quiz = small_course.pre.quiz
    post(client, app, learner, f"/api/v1/quizzes/{quiz.id}/attempts", {"answers": wrong_answers(quiz)})
    mine = client.get(f"/api/v1/courses/{course.id}", headers=api_headers(app, learner)).get_json()
    items = {item["id"]: item for module in mine["modules"] for item in module["items"]}
    assert items[small_course.text.id]["completed"] and items[small_course.pre.id]["completed"]
    assert not items[small_course.film.id]["completed"]
    assert items[small_course.pre.id]["quiz_id"] == quiz.id
    assert items[small_course.film.id]["video_id"] == small_course.film.video_id
    assert mine["progress"] == {"completed_items": 2, "required_items": 5, "completed": False}
    theirs = client.get(f"/api/v1/courses/{course.id}", headers=api_headers(app, make.learner())).get_json()
    assert theirs["progress"]["completed_items"] == 0


def test_completing_every_required_item_completes_the_course(app, client, learner, small_course, outbox):
    from datetime import timedelta

    from lms.core.clock import utcnow
    from lms.learning.services.progress import record_video_progress

    moment = utcnow() - timedelta(minutes=5)
    for t in range(0, 100, 10):
        moment += timedelta(seconds=10)
        record_video_progress(learner, small_course.film, t + 10, [[t, t + 10]], now=moment)
    post(client, app, learner, f"/api/v1/items/{small_course.text.id}/progress", {})
    for item in (small_course.pre, small_course.graded, small_course.post):
        post(client, app, learner, f"/api/v1/quizzes/{item.quiz.id}/attempts", {"answers": right_answers(item.quiz)})
    detail = client.get(f"/api/v1/courses/{small_course.course.id}", headers=api_headers(app, learner)).get_json()
    assert detail["progress"] == {"completed_items": 5, "required_items": 5, "completed": True}
    rows = client.get("/api/v1/me/progress", headers=api_headers(app, learner)).get_json()["items"]
    assert rows[0]["completed_items"] == 5 and rows[0]["completed_at"] is not None
    # The certificate follows, through the outbox, with its email.
    certificates = client.get("/api/v1/me/certificates", headers=api_headers(app, learner)).get_json()["items"]
    assert [c["course_id"] for c in certificates] == [small_course.course.id]
    assert [m.subject for m in outbox()] == ["Votre attestation est disponible"]


def test_a_quiz_edited_between_two_answers_is_graded_as_edited(app, client, make, small_course):
    """The quiz is kept once per content key: an edit (the right answer changed, a question added) shows in the
    next request's grading and questions, in the API as in the pages."""
    first, second = make.learner(), make.learner()
    quiz, trainer = small_course.post.quiz, small_course.trainer
    path = f"/api/v1/quizzes/{quiz.id}/attempts"
    old_right = right_answers(quiz)
    assert post(client, app, first, path, {"answers": old_right}).get_json()["score"] == 100
    question = quiz.questions[0]
    authoring.update_question(trainer, question, {
        "kind": "single", "prompt": question.prompt, "explanation": "Corrigé.",
        "choices": [{"id": c.id, "text": c.text, "correct": not c.correct, "feedback": c.feedback}
                    for c in question.choices]})
    authoring.add_question(trainer, quiz, quiz_spec("post_test")["questions"][2])
    commit()
    shown = client.get(f"/api/v1/quizzes/{quiz.id}", headers=api_headers(app, second)).get_json()
    assert len(shown["questions"]) == 4
    answer = post(client, app, second, path, {"answers": old_right}).get_json()
    assert answer["score"] < 100 and answer["feedback"][0]["correct"] is False
    assert answer["feedback"][0]["explanation"] == "Corrigé." and len(answer["feedback"]) == 4
