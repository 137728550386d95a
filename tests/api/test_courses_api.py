"""The Courses and content routes of API.md: list, detail, create, modules, items, publish."""
import json

import pytest

from lms.core import storage
from lms.core.db import commit
from lms.extensions import db
from lms.videos.models import Caption, Video
from tests.conftest import api_headers
from tests.videotools import VTT, stored_video

QUIZ = {"pass_mark": 70, "max_attempts": 2, "role": "post_test", "questions": [
    {"kind": "single", "prompt": "Une personne sur cinq est concernée ?", "explanation": "Oui, au cours de sa vie.",
     "choices": [{"text": "Vrai", "correct": True, "feedback": "Exact."}, {"text": "Faux", "correct": False}]},
    {"kind": "multiple", "prompt": "Qui peut aider ?",
     "choices": [{"text": "Le médecin", "correct": True}, {"text": "Le CLSM", "correct": True},
                 {"text": "Personne", "correct": False}]},
]}


@pytest.fixture
def staff(app, make):
    trainer, other, coordinator, learner = make.trainer(), make.trainer(), make.coordinator(), make.learner()
    return {name: api_headers(app, user) for name, user in
            {"trainer": trainer, "other": other, "coordinator": coordinator, "learner": learner}.items()}


def new_course(client, headers, title="Premiers secours en santé mentale", **extra):
    response = client.post("/api/v1/courses", json={"title": title, **extra}, headers=headers)
    assert response.status_code == 201, response.json
    return response.json["id"]


def new_module(client, headers, course_id, title="Comprendre"):
    response = client.post(f"/api/v1/courses/{course_id}/modules", json={"title": title}, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def new_item(client, headers, module_id, **body):
    return client.post(f"/api/v1/modules/{module_id}/items", json=body, headers=headers)


def test_create_course_and_read_it_back(client, staff):
    response = client.post("/api/v1/courses", json={
        "title": "Santé mentale : repérer", "summary": "Pour les élus.", "objectives": ["Repérer", "Orienter"],
        "duration_minutes": 90}, headers=staff["trainer"])
    assert response.status_code == 201
    assert response.json["status"] == "draft" and response.json["slug"] == "sante-mentale-reperer"
    assert response.headers["Location"].endswith(f"/api/v1/courses/{response.json['id']}")
    course = client.get(f"/api/v1/courses/{response.json['id']}", headers=staff["trainer"]).json
    assert course["objectives"] == ["Repérer", "Orienter"] and course["duration_minutes"] == 90
    assert course["modules"] == [] and course["progress"] == {"completed_items": 0, "required_items": 0, "completed": False}


@pytest.mark.parametrize("body, field", [
    ({}, "title"), ({"title": 3}, "title"), ({"title": "x" * 201}, "title"),
    ({"title": "T", "objectives": [1]}, "objectives"), ({"title": "T", "duration_minutes": "1h"}, "duration_minutes"),
])
def test_create_course_refuses_bad_values(client, staff, body, field):
    response = client.post("/api/v1/courses", json=body, headers=staff["coordinator"])
    assert response.status_code == 422 and field in response.json["error"]["fields"]


def test_learner_cannot_create_a_course(client, staff):
    assert client.post("/api/v1/courses", json={"title": "T"}, headers=staff["learner"]).status_code == 403


def test_modules_and_items_take_the_next_position(client, staff):
    course_id = new_course(client, staff["trainer"])
    first, second = new_module(client, staff["trainer"], course_id), new_module(client, staff["coordinator"], course_id, "Agir")
    assert (first["position"], second["position"]) == (1, 2)
    text = new_item(client, staff["trainer"], first["id"], kind="text", title="Introduction", body_markdown="Bienvenue.")
    quiz = new_item(client, staff["trainer"], first["id"], kind="quiz", title="Idées reçues", quiz=QUIZ, required=False)
    assert text.status_code == 201 and quiz.status_code == 201, quiz.json
    course = client.get(f"/api/v1/courses/{course_id}", headers=staff["trainer"]).json
    assert [(m["title"], m["position"]) for m in course["modules"]] == [("Comprendre", 1), ("Agir", 2)]
    assert course["modules"][0]["items"] == [
        {"id": text.json["id"], "kind": "text", "title": "Introduction", "position": 1, "required": True, "completed": False},
        {"id": quiz.json["id"], "kind": "quiz", "title": "Idées reçues", "position": 2, "required": False, "completed": False,
         "quiz_id": course["modules"][0]["items"][1]["quiz_id"]},
    ]
    assert course["progress"]["required_items"] == 1
    # the outline is kept per content key: the next detail after an edit shows the edit
    assert new_module(client, staff["trainer"], course_id, "Orienter")["position"] == 3
    again = client.get(f"/api/v1/courses/{course_id}", headers=staff["trainer"]).json
    assert [m["title"] for m in again["modules"]] == ["Comprendre", "Agir", "Orienter"]


def test_quiz_errors_come_back_with_field_paths(client, staff):
    module = new_module(client, staff["trainer"], new_course(client, staff["trainer"]))
    bad = json.loads(json.dumps(QUIZ))
    bad["pass_mark"] = 120
    bad["questions"][1]["choices"] = [{**c, "correct": False} for c in bad["questions"][1]["choices"]]
    bad["questions"].append({"kind": "true_false", "prompt": "Vrai ?", "choices": [{"text": "Vrai", "correct": True}]})
    response = new_item(client, staff["trainer"], module["id"], kind="quiz", title="Quiz", quiz=bad)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"quiz.pass_mark", "quiz.questions[1].choices", "quiz.questions[2].choices"}
    assert new_item(client, staff["trainer"], module["id"], kind="quiz", title="Quiz").status_code == 422
    assert new_item(client, staff["trainer"], module["id"], kind="film", title="Quiz").json["error"]["fields"].keys() == {"kind"}


def test_another_trainer_cannot_touch_the_course(client, staff):
    course_id = new_course(client, staff["trainer"])
    module = new_module(client, staff["trainer"], course_id)
    assert client.get(f"/api/v1/courses/{course_id}", headers=staff["other"]).status_code == 200  # staff see drafts
    assert client.post(f"/api/v1/courses/{course_id}/modules", json={"title": "X"}, headers=staff["other"]).status_code == 403
    assert new_item(client, staff["other"], module["id"], kind="text", title="X").status_code == 403
    assert client.post(f"/api/v1/courses/{course_id}/publish", headers=staff["other"]).status_code == 403


def test_learners_never_see_drafts(client, staff):
    draft_id = new_course(client, staff["trainer"], title="Brouillon")
    published_id = new_course(client, staff["trainer"], title="Publié")
    module = new_module(client, staff["trainer"], published_id)
    new_item(client, staff["trainer"], module["id"], kind="text", title="Lire", body_markdown="Texte.")
    assert client.post(f"/api/v1/courses/{published_id}/publish", headers=staff["trainer"]).status_code == 200
    assert client.get(f"/api/v1/courses/{draft_id}", headers=staff["learner"]).status_code == 404
    assert client.get(f"/api/v1/courses/{published_id}", headers=staff["learner"]).status_code == 200
    listed = client.get("/api/v1/courses", headers=staff["learner"]).json
    assert [c["id"] for c in listed["items"]] == [published_id] and listed["next"] is None
    assert {c["id"] for c in client.get("/api/v1/courses", headers=staff["other"]).json["items"]} == {draft_id, published_id}


def test_the_list_pages_with_a_cursor(client, staff):
    ids = [new_course(client, staff["trainer"], title=f"Parcours {n}") for n in range(5)]
    seen, cursor = [], None
    while True:
        page = client.get("/api/v1/courses", query_string={"limit": 2, **({"cursor": cursor} if cursor else {})},
                          headers=staff["trainer"]).json
        assert len(page["items"]) <= 2
        seen += [c["id"] for c in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == ids
    assert client.get("/api/v1/courses?limit=201", headers=staff["trainer"]).status_code == 422
    assert client.get("/api/v1/courses?cursor=abc", headers=staff["trainer"]).status_code == 422


def test_publish_refused_with_every_reason_then_accepted(client, staff):
    headers = staff["trainer"]
    course_id = new_course(client, headers)
    module = new_module(client, headers, course_id)
    film = stored_video(transcript=None, captions=False).id
    assert new_item(client, headers, module["id"], kind="video", title="Témoignage", video_id=film).status_code == 201
    assert new_item(client, headers, module["id"], kind="quiz", title="Quiz",
                    quiz={**QUIZ, "questions": []}).status_code == 201
    response = client.post(f"/api/v1/courses/{course_id}/publish", headers=headers)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "not_publishable"
    assert any("sous-titres en français" in r for r in error["reasons"])
    assert any("transcription" in r for r in error["reasons"])
    assert any("aucune question" in r for r in error["reasons"])
    assert len(error["reasons"]) == 3 and isinstance(error["fields"]["reasons"], str)

    video = db.session.get(Video, film)
    video.transcript = "Bonjour."
    saved = storage.save_bytes(VTT, "captions", ".vtt")
    db.session.add(Caption(video_id=film, lang="fr", storage_key=saved.key, size=saved.size))
    commit()
    quiz_course = new_course(client, headers, title="Autre")  # the empty quiz stays: replace the course's module
    other_module = new_module(client, headers, quiz_course)
    new_item(client, headers, other_module["id"], kind="video", title="Témoignage", video_id=film)
    new_item(client, headers, other_module["id"], kind="quiz", title="Quiz", quiz=QUIZ)
    response = client.post(f"/api/v1/courses/{quiz_course}/publish", headers=headers)
    assert response.status_code == 200 and response.json["status"] == "published"
    assert client.post(f"/api/v1/courses/{quiz_course}/publish", headers=headers).status_code == 409
    reasons = client.post(f"/api/v1/courses/{course_id}/publish", headers=headers).json["error"]["reasons"]
    assert len(reasons) == 1 and "aucune question" in reasons[0]


def test_a_course_never_shows_the_quiz_answers(client, staff):
    course_id = new_course(client, staff["trainer"])
    module = new_module(client, staff["trainer"], course_id)
    new_item(client, staff["trainer"], module["id"], kind="quiz", title="Quiz", quiz=QUIZ)
    assert client.post(f"/api/v1/courses/{course_id}/publish", headers=staff["trainer"]).status_code == 200
    for who in ("learner", "trainer"):
        response = client.get(f"/api/v1/courses/{course_id}", headers=staff[who])
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and "Quiz" in text
        assert '"correct"' not in text and "Le médecin" not in text


def test_unknown_ids_are_404(client, staff):
    assert client.get("/api/v1/courses/999999", headers=staff["trainer"]).status_code == 404
    assert client.post("/api/v1/courses/999999/modules", json={"title": "X"}, headers=staff["trainer"]).status_code == 404
    assert new_item(client, staff["trainer"], 999999, kind="text", title="X").status_code == 404
    assert client.post("/api/v1/courses/999999/publish", headers=staff["trainer"]).status_code == 404


def test_reorder_and_remove_modules_and_items(client, staff):
    headers = staff["trainer"]
    course_id = new_course(client, headers)
    modules = [new_module(client, headers, course_id, f"Module {n}")["id"] for n in range(3)]
    items = [new_item(client, headers, modules[0], kind="text", title=f"Texte {n}", body_markdown="x").json["id"]
             for n in range(3)]
    moved = client.patch(f"/api/v1/modules/{modules[2]}", json={"position": 1}, headers=headers)
    assert moved.status_code == 200 and moved.json == {"id": modules[2], "position": 1}
    assert client.patch(f"/api/v1/modules/{modules[2]}", json={"position": 4}, headers=headers).status_code == 422
    assert client.patch(f"/api/v1/items/{items[0]}", json={"position": 3}, headers=headers).json["position"] == 3
    assert client.patch(f"/api/v1/items/{items[0]}", json={}, headers=headers).status_code == 422
    assert client.delete(f"/api/v1/items/{items[1]}", headers=headers).status_code == 204
    assert client.delete(f"/api/v1/modules/{modules[1]}", headers=headers).status_code == 204
    course = client.get(f"/api/v1/courses/{course_id}", headers=headers).json
    assert [(m["id"], m["position"]) for m in course["modules"]] == [(modules[2], 1), (modules[0], 2)]
    assert [(i["id"], i["position"]) for i in course["modules"][1]["items"]] == [(items[2], 1), (items[0], 2)]
    assert client.delete(f"/api/v1/items/{items[1]}", headers=headers).status_code == 404
    assert client.delete(f"/api/v1/modules/{modules[0]}", headers=staff["other"]).status_code == 403


def test_unpublish_hides_the_course_from_learners_again(client, staff):
    course_id = new_course(client, staff["trainer"])
    module = new_module(client, staff["trainer"], course_id)
    new_item(client, staff["trainer"], module["id"], kind="text", title="Lire", body_markdown="Texte.")
    assert client.post(f"/api/v1/courses/{course_id}/publish", headers=staff["coordinator"]).status_code == 200
    assert client.get(f"/api/v1/courses/{course_id}", headers=staff["learner"]).status_code == 200
    response = client.post(f"/api/v1/courses/{course_id}/unpublish", headers=staff["trainer"])
    assert response.status_code == 200 and response.json["status"] == "draft"
    assert client.get(f"/api/v1/courses/{course_id}", headers=staff["learner"]).status_code == 404
    assert client.post(f"/api/v1/courses/{course_id}/unpublish", headers=staff["trainer"]).json["error"]["code"] == "not_published"


def test_list_cursor_out_of_range_is_422_not_500(app, client, make):
    headers = api_headers(app, make.learner())
    for cursor in ("5926295840", "2147483648", "-1", "abc", "1²", "١٢"):  # digits that int() refuses or reads
        response = client.get("/api/v1/courses", query_string={"cursor": cursor}, headers=headers)
        assert response.status_code == 422 and "cursor" in response.json["error"]["fields"]
    for limit in ("0", "²", "٣"):
        response = client.get("/api/v1/courses", query_string={"limit": limit}, headers=headers)
        assert response.status_code == 422 and "limit" in response.json["error"]["fields"]
    assert client.get("/api/v1/courses?cursor=2147483647", headers=headers).status_code == 200


def test_item_with_an_out_of_range_video_id_is_422(app, client, make):
    trainer = make.trainer()
    headers = api_headers(app, trainer)
    course = client.post("/api/v1/courses", headers=headers, json={"title": "Bornes"}).json
    module = client.post(f"/api/v1/courses/{course['id']}/modules", headers=headers, json={"title": "M"}).json
    for video_id in (2**31, 2**63, -5):
        response = client.post(f"/api/v1/modules/{module['id']}/items", headers=headers,
                               json={"kind": "video", "title": "V", "video_id": video_id})
        assert response.status_code == 422 and "video_id" in response.json["error"]["fields"]


def test_a_published_course_refuses_api_changes_that_would_unpublish_it(client, staff):
    """The re-check lives in the services: the API's add, move and remove routes get it as the pages do."""
    headers = staff["trainer"]
    course_id = new_course(client, headers)
    first = new_module(client, headers, course_id, "Comprendre")["id"]
    second = new_module(client, headers, course_id, "Évaluer")["id"]
    lire = new_item(client, headers, first, kind="text", title="Lire", body_markdown="Texte.").json["id"]
    quiz = new_item(client, headers, second, kind="quiz", title="Quiz", quiz=QUIZ).json["id"]
    assert client.post(f"/api/v1/courses/{course_id}/publish", headers=headers).status_code == 200

    def refused(response, reason):
        assert response.status_code == 422, response.json
        error = response.json["error"]
        assert error["code"] == "would_unpublish" and reason in error["reasons"], error
        assert reason in error["fields"]["reasons"]

    refused(client.post(f"/api/v1/courses/{course_id}/modules", json={"title": "Vide"}, headers=headers),
            "Le module « Vide » ne contient aucun élément.")
    refused(client.delete(f"/api/v1/items/{lire}", headers=headers),
            "Le module « Comprendre » ne contient aucun élément.")
    refused(client.post(f"/api/v1/modules/{first}/items", json={"kind": "video", "title": "Film"}, headers=headers),
            "L'élément vidéo « Film » (module « Comprendre ») n'a pas de vidéo.")
    no_captions = stored_video(captions=False).id
    refused(client.post(f"/api/v1/modules/{first}/items", json={"kind": "video", "title": "Film", "video_id": no_captions},
                        headers=headers),
            "La vidéo de l'élément « Film » (module « Comprendre ») n'a pas de sous-titres en français.")
    refused(client.post(f"/api/v1/modules/{first}/items", json={"kind": "text", "title": "Vide"}, headers=headers),
            "Le texte « Vide » (module « Comprendre ») est vide.")
    course = client.get(f"/api/v1/courses/{course_id}", headers=headers).json
    assert course["status"] == "published"
    assert [[i["id"] for i in m["items"]] for m in course["modules"]] == [[lire], [quiz]]

    # changes that keep it publishable go through: moving, removing a whole module, a complete item
    assert client.patch(f"/api/v1/modules/{second}", json={"position": 1}, headers=headers).status_code == 200
    assert client.post(f"/api/v1/modules/{first}/items", json={"kind": "text", "title": "Suite", "body_markdown": "Oui."},
                       headers=headers).status_code == 201
    assert client.patch(f"/api/v1/items/{lire}", json={"position": 2}, headers=headers).status_code == 200
    assert client.delete(f"/api/v1/modules/{second}", headers=headers).status_code == 204
    assert client.delete(f"/api/v1/items/{lire}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/courses/{course_id}", headers=headers).json["status"] == "published"


def test_a_fault_already_there_does_not_block_other_changes(client, staff):
    """A published course whose video lost its transcript can still be edited elsewhere."""
    headers = staff["trainer"]
    course_id = new_course(client, headers)
    module = new_module(client, headers, course_id)["id"]
    video_id = stored_video().id
    new_item(client, headers, module, kind="video", title="Film", video_id=video_id)
    assert client.post(f"/api/v1/courses/{course_id}/publish", headers=headers).status_code == 200
    db.session.get(Video, video_id).transcript = ""
    commit()
    response = client.post(f"/api/v1/modules/{module}/items", json={"kind": "text", "title": "Lire", "body_markdown": "x"},
                           headers=headers)
    assert response.status_code == 201, response.json
