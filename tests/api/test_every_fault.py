"""A 422 names every invalid field at once (``error.fields``), not only the first: a client fixing a body
should not have to send it once per mistake. One body with several wrong values per route of the API."""
import pytest

from lms.core.db import commit
from tests.conftest import api_headers, fields_of
from tests.videotools import stored_video

# -- accounts ----------------------------------------------------------------------------------------------

def test_register_names_every_wrong_field(client):
    response = client.post("/api/v1/auth/register", json={
        "email": "pas-une-adresse", "password": "court", "full_name": 42, "audience": "martien",
        "audience_consent": "oui", "organisation": "CMP\x00"})
    assert set(fields_of(response)) == {"email", "password", "full_name", "audience", "audience_consent", "organisation"}


def test_register_names_the_services_findings_with_the_readers(client):
    """A wrong type (found reading the body) and a bad address, a short password, a health-revealing audience
    without consent (found by the service) in one answer."""
    response = client.post("/api/v1/auth/register", json={
        "email": "pas-une-adresse", "password": "court", "full_name": ["Jeanne"], "audience": "user_or_carer"})
    assert set(fields_of(response)) == {"email", "password", "full_name", "audience_consent"}


@pytest.mark.parametrize("body", [{}, {"email": 1, "password": ["x"]}, {"email": "", "password": None}])
def test_token_names_both_fields(client, body):
    assert set(fields_of(client.post("/api/v1/auth/token", json=body))) == {"email", "password"}


def test_users_names_every_wrong_field(client, coordinator_headers):
    response = client.post("/api/v1/users", headers=coordinator_headers, json={
        "email": "x", "full_name": "", "role": "chef", "audience": "user_or_carer", "password": "court"})
    assert set(fields_of(response)) == {"email", "full_name", "role", "audience", "password"}


def test_users_import_names_every_wrong_column_of_a_row(client, coordinator_headers):
    csv = "email,full_name,audience,organisation\r\npas-une-adresse,,martien,CMP\r\n"
    response = client.post("/api/v1/users/import", data=csv.encode(), content_type="text/csv", headers=coordinator_headers)
    assert response.status_code == 200
    [error] = response.json["errors"]
    assert error["line"] == 2
    for column in ("email", "full_name", "audience"):
        assert f"{column} :" in error["message"], error["message"]


# -- courses and content -------------------------------------------------------------------------------------

def test_course_names_every_wrong_field(client, trainer_headers):
    response = client.post("/api/v1/courses", headers=trainer_headers, json={
        "title": "", "summary": 3, "objectives": "une seule phrase", "duration_minutes": -5})
    assert set(fields_of(response)) == {"title", "summary", "objectives", "duration_minutes"}


@pytest.fixture
def module_id(client, trainer_headers):
    course_id = client.post("/api/v1/courses", json={"title": "Parcours"}, headers=trainer_headers).json["id"]
    return client.post(f"/api/v1/courses/{course_id}/modules", json={"title": "M"}, headers=trainer_headers).json["id"]


def test_item_names_every_wrong_field(client, trainer_headers, module_id):
    response = client.post(f"/api/v1/modules/{module_id}/items", headers=trainer_headers, json={
        "kind": "podcast", "title": "", "required": "oui", "video_id": "x", "quiz": {"pass_mark": 1},
        "body_markdown": 5})
    assert set(fields_of(response)) == {"kind", "title", "required", "video_id", "quiz", "body_markdown"}


def test_quiz_payload_names_every_wrong_value(client, trainer_headers, module_id):
    quiz = {"pass_mark": 150, "max_attempts": 0, "role": "final", "questions": [
        {"kind": "single", "prompt": "", "choices": [{"text": "A", "correct": "oui"}, {"text": "", "correct": False}]},
        {"kind": "sondage", "prompt": "Q2\x00", "choices": []}]}
    response = client.post(f"/api/v1/modules/{module_id}/items", headers=trainer_headers,
                           json={"kind": "quiz", "title": "Quiz", "quiz": quiz})
    assert set(fields_of(response)) == {
        "quiz.pass_mark", "quiz.max_attempts", "quiz.role", "quiz.questions[0].prompt",
        "quiz.questions[0].choices[0].correct", "quiz.questions[0].choices[1].text", "quiz.questions[1].kind",
        "quiz.questions[1].prompt", "quiz.questions[1].choices"}


def test_publish_lists_every_reason(client, trainer_headers, module_id):
    course_id = client.get("/api/v1/courses?limit=200", headers=trainer_headers).json["items"][-1]["id"]
    client.post(f"/api/v1/courses/{course_id}/modules", json={"title": "Vide"}, headers=trainer_headers)
    client.post(f"/api/v1/modules/{module_id}/items", json={"kind": "video", "title": "Film"}, headers=trainer_headers)
    response = client.post(f"/api/v1/courses/{course_id}/publish", headers=trainer_headers)
    assert fields_of(response) and response.json["error"]["code"] == "not_publishable"
    reasons = response.json["error"]["reasons"]
    assert len(reasons) == 2 and any("Vide" in r for r in reasons) and any("Film" in r for r in reasons)


# -- videos -----------------------------------------------------------------------------------------------

def test_upload_names_the_missing_file_and_the_wrong_title(client, trainer_headers):
    response = client.post("/api/v1/videos", headers=trainer_headers, content_type="multipart/form-data",
                           data={"title": "x" * 201})
    assert set(fields_of(response)) == {"file", "title"}
    response = client.post("/api/v1/videos", headers=trainer_headers, content_type="multipart/form-data",
                           data={"title": "Titre\x1b"})
    assert set(fields_of(response)) == {"file", "title"}


def test_captions_name_the_language_and_the_file(app, client, make):
    video_id = stored_video(captions=False).id  # no owner: the coordinator may change it
    response = client.post(f"/api/v1/videos/{video_id}/captions?lang=français", data=b"pas du WebVTT",
                           content_type="text/vtt", headers=api_headers(app, make.coordinator()))
    assert set(fields_of(response)) == {"lang", "body"}


# -- progress and quizzes ------------------------------------------------------------------------------------

@pytest.fixture
def course(small_course):
    commit()
    return small_course


def test_beacon_names_every_wrong_value(app, client, make, course):
    response = client.post(f"/api/v1/items/{course.film.id}/progress", headers=api_headers(app, make.learner()),
                           json={"position_s": -1, "watched": [[5, 1], ["a", 2], [0, 1, 2]]})
    assert set(fields_of(response)) == {"position_s", "watched.0", "watched.1.0", "watched.2"}


def test_attempt_names_every_wrong_answer(app, client, make, course):
    quiz = course.graded.quiz
    single, multiple, true_false = quiz.questions
    other_choice = course.post.quiz.questions[0].choices[0].id
    response = client.post(f"/api/v1/quizzes/{quiz.id}/attempts", headers=api_headers(app, make.learner()), json={
        "answers": {str(single.id): [c.id for c in single.choices], str(multiple.id): [other_choice],
                    str(true_false.id): "vrai", "999999": [1]}})
    assert set(fields_of(response)) == {f"answers.{single.id}", f"answers.{multiple.id}", f"answers.{true_false.id}",
                                     "answers.999999"}


# -- certificates ---------------------------------------------------------------------------------------------

def test_revoke_names_its_one_field(app, client, coordinator_headers, make, outbox):
    from tests.certificates.helpers import issued_certificate

    certificate = issued_certificate(make.learner())
    response = client.post(f"/api/v1/certificates/{certificate.code}/revoke", json={"reason": 5}, headers=coordinator_headers)
    assert set(fields_of(response)) == {"reason"}
