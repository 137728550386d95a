"""A 422 names every invalid field at once (``error.fields``), not only the first: a client fixing a body
should not have to send it once per mistake. One body with several wrong values per route of the API."""
import pytest

from lms.core.db import commit
from tests.conftest import api_headers
from tests.videotools import stored_video


def faults(response) -> dict:
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    error = response.get_json()["error"]
    assert error["code"] and error["message"]
    return error["fields"]


@pytest.fixture
def coordinator(app, make):
    return api_headers(app, make.coordinator())


@pytest.fixture
def trainer(app, make):
    return api_headers(app, make.trainer())


# -- accounts ----------------------------------------------------------------------------------------------

def test_register_names_every_wrong_field(client):
    response = client.post("/api/v1/auth/register", json={
        "email": "pas-une-adresse", "password": "court", "full_name": 42, "audience": "martien",
        "audience_consent": "oui", "organisation": "CMP\x00"})
    assert set(faults(response)) == {"email", "password", "full_name", "audience", "audience_consent", "organisation"}


def test_register_names_the_services_findings_with_the_readers(client):
    """A wrong type (found reading the body) and a bad address, a short password, a health-revealing audience
    without consent (found by the service) in one answer."""
    response = client.post("/api/v1/auth/register", json={
        "email": "pas-une-adresse", "password": "court", "full_name": ["Jeanne"], "audience": "user_or_carer"})
    assert set(faults(response)) == {"email", "password", "full_name", "audience_consent"}


@pytest.mark.parametrize("body", [{}, {"email": 1, "password": ["x"]}, {"email": "", "password": None}])
def test_token_names_both_fields(client, body):
    assert set(faults(client.post("/api/v1/auth/token", json=body))) == {"email", "password"}


def test_users_names_every_wrong_field(client, coordinator):
    response = client.post("/api/v1/users", headers=coordinator, json={
        "email": "x", "full_name": "", "role": "chef", "audience": "user_or_carer", "password": "court"})
    assert set(faults(response)) == {"email", "full_name", "role", "audience", "password"}


def test_users_import_names_every_wrong_column_of_a_row(client, coordinator):
    csv = "email,full_name,audience,organisation\r\npas-une-adresse,,martien,CMP\r\n"
    response = client.post("/api/v1/users/import", data=csv.encode(), content_type="text/csv", headers=coordinator)
    assert response.status_code == 200
    [error] = response.json["errors"]
    assert error["line"] == 2
    for column in ("email", "full_name", "audience"):
        assert f"{column} :" in error["message"], error["message"]


# -- courses and content -------------------------------------------------------------------------------------

def test_course_names_every_wrong_field(client, trainer):
    response = client.post("/api/v1/courses", headers=trainer, json={
        "title": "", "summary": 3, "objectives": "une seule phrase", "duration_minutes": -5})
    assert set(faults(response)) == {"title", "summary", "objectives", "duration_minutes"}


@pytest.fixture
def module_id(client, trainer):
    course_id = client.post("/api/v1/courses", json={"title": "Parcours"}, headers=trainer).json["id"]
    return client.post(f"/api/v1/courses/{course_id}/modules", json={"title": "M"}, headers=trainer).json["id"]


def test_item_names_every_wrong_field(client, trainer, module_id):
    response = client.post(f"/api/v1/modules/{module_id}/items", headers=trainer, json={
        "kind": "podcast", "title": "", "required": "oui", "video_id": "x", "quiz": {"pass_mark": 1},
        "body_markdown": 5})
    assert set(faults(response)) == {"kind", "title", "required", "video_id", "quiz", "body_markdown"}


def test_quiz_payload_names_every_wrong_value(client, trainer, module_id):
    quiz = {"pass_mark": 150, "max_attempts": 0, "role": "final", "questions": [
        {"kind": "single", "prompt": "", "choices": [{"text": "A", "correct": "oui"}, {"text": "", "correct": False}]},
        {"kind": "sondage", "prompt": "Q2\x00", "choices": []}]}
    response = client.post(f"/api/v1/modules/{module_id}/items", headers=trainer,
                           json={"kind": "quiz", "title": "Quiz", "quiz": quiz})
    assert set(faults(response)) == {
        "quiz.pass_mark", "quiz.max_attempts", "quiz.role", "quiz.questions[0].prompt",
        "quiz.questions[0].choices[0].correct", "quiz.questions[0].choices[1].text", "quiz.questions[1].kind",
        "quiz.questions[1].prompt", "quiz.questions[1].choices"}


def test_publish_lists_every_reason(client, trainer, module_id):
    course_id = client.get("/api/v1/courses?limit=200", headers=trainer).json["items"][-1]["id"]
    client.post(f"/api/v1/courses/{course_id}/modules", json={"title": "Vide"}, headers=trainer)
    client.post(f"/api/v1/modules/{module_id}/items", json={"kind": "video", "title": "Film"}, headers=trainer)
    response = client.post(f"/api/v1/courses/{course_id}/publish", headers=trainer)
    assert faults(response) and response.json["error"]["code"] == "not_publishable"
    reasons = response.json["error"]["reasons"]
    assert len(reasons) == 2 and any("Vide" in r for r in reasons) and any("Film" in r for r in reasons)


# -- videos -----------------------------------------------------------------------------------------------

def test_upload_names_the_missing_file_and_the_wrong_title(client, trainer):
    response = client.post("/api/v1/videos", headers=trainer, content_type="multipart/form-data",
                           data={"title": "x" * 201})
    assert set(faults(response)) == {"file", "title"}
    response = client.post("/api/v1/videos", headers=trainer, content_type="multipart/form-data",
                           data={"title": "Titre\x1b"})
    assert set(faults(response)) == {"file", "title"}


def test_captions_name_the_language_and_the_file(app, client, make):
    video_id = stored_video(captions=False).id  # no owner: the coordinator may change it
    response = client.post(f"/api/v1/videos/{video_id}/captions?lang=français", data=b"pas du WebVTT",
                           content_type="text/vtt", headers=api_headers(app, make.coordinator()))
    assert set(faults(response)) == {"lang", "body"}


# -- progress and quizzes ------------------------------------------------------------------------------------

@pytest.fixture
def course(small_course):
    commit()
    return small_course


def test_beacon_names_every_wrong_value(app, client, make, course):
    response = client.post(f"/api/v1/items/{course.film.id}/progress", headers=api_headers(app, make.learner()),
                           json={"position_s": -1, "watched": [[5, 1], ["a", 2], [0, 1, 2]]})
    assert set(faults(response)) == {"position_s", "watched.0", "watched.1.0", "watched.2"}


def test_attempt_names_every_wrong_answer(app, client, make, course):
    quiz = course.graded.quiz
    single, multiple, true_false = quiz.questions
    other_choice = course.post.quiz.questions[0].choices[0].id
    response = client.post(f"/api/v1/quizzes/{quiz.id}/attempts", headers=api_headers(app, make.learner()), json={
        "answers": {str(single.id): [c.id for c in single.choices], str(multiple.id): [other_choice],
                    str(true_false.id): "vrai", "999999": [1]}})
    assert set(faults(response)) == {f"answers.{single.id}", f"answers.{multiple.id}", f"answers.{true_false.id}",
                                     "answers.999999"}


# -- certificates ---------------------------------------------------------------------------------------------

def test_revoke_names_its_one_field(app, client, coordinator, make, outbox):
    from lms.certificates import services as certificates
    from tests.certificates.helpers import completed_course

    _course, completion = completed_course(make.learner())
    certificate = certificates.issue_certificate(completion.id)
    commit()
    response = client.post(f"/api/v1/certificates/{certificate.code}/revoke", json={"reason": 5}, headers=coordinator)
    assert set(faults(response)) == {"reason"}
