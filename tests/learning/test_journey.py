"""The learner's journey in HTML: the player's progression route, texts marked read, the course
checklist, "Mon parcours" (only the caller's own data)."""
import json
import re
from html import unescape

import pytest

from lms.authoring import services as authoring
from lms.authoring.models import PUBLISHED
from lms.core.db import commit
from lms.extensions import db
from lms.learning.queries import item_progress
from lms.learning.services import progress
from tests.conftest import csrf_token, login_as, post_form
from tests.videotools import course_using, ready_video

JSON = {"Accept": "application/json"}


def progression_url(course, item) -> str:
    return f"/formations/{course.id}/elements/{item.id}/progression"


def send(client, course, item, body, *, token: str | None = "fetch", **kwargs):
    headers = dict(kwargs.pop("headers", {}))
    if token == "fetch":
        token = csrf_token(client, "/compte")
    if token:
        headers["X-CSRFToken"] = token
    if "data" in kwargs:
        return client.post(progression_url(course, item), headers=headers, **kwargs)
    return client.post(progression_url(course, item), json=body, headers=headers, **kwargs)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


@pytest.fixture
def small_course(small_course):
    """Committed: an error answer rolls the request's transaction back, flushed rows with it."""
    commit()
    return small_course


def done_count(done: int, total: int) -> str:
    """The label of the progress bar (the plural follows the active catalogue's rule for 0)."""
    return rf"{done} éléments? requis terminés? sur {total}"


@pytest.fixture
def learner(client, make):
    user = make.learner()
    login_as(client, user)
    return user


# -- the progression route -----------------------------------------------------------------------------

def test_beacons_record_the_coverage_within_the_wall_clock_and_complete(client, learner, small_course, watch_clock):
    course, film = small_course.course, small_course.film  # a 100 s film
    first = send(client, course, film, {"position_s": 10, "watched": [[0, 10]]})
    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.json == {"watched_ratio": 0.1, "completed": False, "position_s": 10.0, "completed_at": None}

    # Right away, a beacon claiming the rest of the film: all beacons together get 2 × 0 + 15 s, the same
    # rule as the API.
    greedy = send(client, course, film, {"position_s": 100, "watched": [[10, 100]]})
    assert 0.15 <= greedy.json["watched_ratio"] < 0.17 and not greedy.json["completed"]  # (+ 2 × the ms elapsed)
    row = item_progress(learner, film.id)
    assert row.watched[0][0] == 0 and 15_000 <= row.watched[0][1] < 17_000 and row.position_ms == 100_000

    # A minute later (as at playbackRate 2), the rest is allowed: 90 % reached, the item completes.
    watch_clock.advance(60)
    done = send(client, course, film, {"position_s": 100, "watched": [[15, 100]]})
    assert done.json["watched_ratio"] == 1.0 and done.json["completed"] and done.json["completed_at"]
    assert item_progress(learner, film.id).completed_at is not None


def test_seeking_to_the_end_does_not_complete(client, learner, small_course):
    answer = send(client, small_course.course, small_course.film, {"position_s": 100, "watched": [[95, 100]]})
    assert answer.status_code == 200 and answer.json["watched_ratio"] == 0.05 and not answer.json["completed"]


def test_a_form_payload_is_accepted_too(client, learner, small_course):
    """navigator.sendBeacon with FormData (csrf_token + payload) is the other way in."""
    response = post_form(client, progression_url(small_course.course, small_course.film),
                         {"payload": json.dumps({"position_s": 4, "watched": [[0, 4]]})}, token_from="/compte")
    assert response.status_code == 200 and response.json["watched_ratio"] == 0.04


def test_malformed_json_is_a_400_with_the_json_error_shape(client, learner, small_course):
    for raw in ("{not json", "[1, 2]"):
        response = send(client, small_course.course, small_course.film, None, data=raw,
                        content_type="application/json")
        assert response.status_code == 400
        assert response.json["error"]["code"] == "malformed_json"  # JSON even without Accept: a script calls it
        assert set(response.json["error"]) >= {"code", "message", "fields"}


def test_invalid_values_are_a_422_naming_each_field(client, learner, small_course):
    response = send(client, small_course.course, small_course.film,
                    {"position_s": -1, "watched": [[5, 2], "x"]})
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "invalid_progress"
    assert set(error["fields"]) == {"position_s", "watched.0", "watched.1"}
    assert item_progress(learner, small_course.film.id) is None  # nothing recorded


def test_another_content_type_is_a_415(client, learner, small_course):
    response = send(client, small_course.course, small_course.film, None, data=b"x", content_type="text/plain")
    assert response.status_code == 415 and response.json["error"]["code"] == "unsupported_media_type"


def test_the_csrf_token_is_required(client, learner, small_course):
    response = send(client, small_course.course, small_course.film, {"position_s": 1, "watched": [[0, 1]]},
                    token=None, headers=JSON)
    assert response.status_code == 400 and response.json["error"]["code"] == "csrf_failed"
    wrong = send(client, small_course.course, small_course.film, {"position_s": 1}, token="forged", headers=JSON)
    assert wrong.status_code == 400
    assert item_progress(learner, small_course.film.id) is None


def test_anonymous_callers_are_sent_to_sign_in(client, small_course):
    response = send(client, small_course.course, small_course.film, {}, token=csrf_token(client, "/connexion"))
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_an_item_of_another_course_and_a_draft_are_not_found(client, make, learner, small_course):
    other = course_using(ready_video(make.trainer()), published=True)
    other_item = other.modules[0].items[0]
    response = send(client, small_course.course, other_item, {"position_s": 1, "watched": [[0, 1]]})
    assert response.status_code == 404 and response.json["error"]["code"] == "item_not_found"

    draft = course_using(ready_video(make.trainer()), published=False)
    response = send(client, draft, draft.modules[0].items[0], {"position_s": 1, "watched": [[0, 1]]})
    assert response.status_code == 404 and response.json["error"]["code"] == "item_not_found"


def test_an_editor_previewing_a_draft_records_nothing(client, make):
    trainer = make.trainer()
    draft = course_using(ready_video(trainer), published=False)
    draft.owner_id = trainer.id
    commit()
    login_as(client, trainer)
    item = draft.modules[0].items[0]
    page = client.get(f"/formations/{draft.id}/elements/{item.id}").get_data(as_text=True)
    assert "data-progress-url" not in page  # the preview's player sends no beacon
    assert send(client, draft, item, {"position_s": 1, "watched": [[0, 1]]}).status_code == 404


def test_a_quiz_is_answered_not_beaconed(client, learner, small_course):
    response = send(client, small_course.course, small_course.graded, {})
    assert response.status_code == 409 and response.json["error"]["code"] == "answer_the_quiz"


def test_a_text_beacon_marks_it_read(client, learner, small_course):
    response = send(client, small_course.course, small_course.text, {})
    assert response.status_code == 200 and response.json["completed"]


# -- the item page -------------------------------------------------------------------------------------

def test_the_item_page_carries_the_resume_position_and_the_ratio(client, learner, small_course):
    course, film = small_course.course, small_course.film
    page = client.get(f"/formations/{course.id}/elements/{film.id}").get_data(as_text=True)
    assert 'data-resume-s="0"' in page and "Vu : 0 %" in page
    assert f'data-progress-url="/formations/{course.id}/elements/{film.id}/progression"' in page
    assert re.search(r'data-csrf-token="[^"]+"', page)

    send(client, course, film, {"position_s": 42.5, "watched": [[30, 42.5]]})
    page = client.get(f"/formations/{course.id}/elements/{film.id}").get_data(as_text=True)
    assert 'data-resume-s="42.5"' in page and "Vu : 12 %" in page
    assert 'data-text-resume="Reprise à {time}"' in page


def test_i_have_read_this_text_completes_it_and_goes_on(client, learner, small_course):
    course, text = small_course.course, small_course.text
    path = f"/formations/{course.id}/elements/{text.id}"
    assert "J'ai lu ce texte" in text_of(client.get(path))
    response = post_form(client, f"{path}/lu")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/formations/{course.id}/elements/{small_course.graded.id}")
    assert item_progress(learner, text.id).completed_at is not None
    following = client.get(response.headers["Location"])
    assert "Texte marqué comme lu." in following.get_data(as_text=True)
    again = text_of(client.get(path))
    assert "Lu le " in again and "J'ai lu ce texte" not in again


def test_the_last_text_goes_back_to_the_course(client, make, learner, outbox):
    course = text_course(make.trainer(), titles=("Seul texte",))
    item = course.modules[0].items[0]
    response = post_form(client, f"/formations/{course.id}/elements/{item.id}/lu")
    assert response.headers["Location"].endswith(f"/formations/{course.id}")


def test_only_texts_are_marked_read(client, learner, small_course):
    response = post_form(client, f"/formations/{small_course.course.id}/elements/{small_course.film.id}/lu",
                         token_from="/compte")
    assert response.status_code == 409


def test_marking_read_needs_the_csrf_token(client, learner, small_course):
    response = client.post(f"/formations/{small_course.course.id}/elements/{small_course.text.id}/lu")
    assert response.status_code == 400
    assert item_progress(learner, small_course.text.id) is None


# -- the course page ---------------------------------------------------------------------------------

def text_course(trainer, *, titles=("Premier texte", "Second texte"), title="Parcours de lecture"):
    course = authoring.create_course(trainer, title)
    module = authoring.add_module(trainer, course, "Lire")
    for name in titles:
        authoring.add_item(trainer, module, "text", name, body_markdown="Lire.")
    course.status = PUBLISHED
    commit()
    return course


def test_the_course_page_has_a_checklist_a_progress_bar_and_a_resume_button(client, learner, small_course):
    course = small_course.course
    page = text_of(client.get(f"/formations/{course.id}"))
    assert re.search(done_count(0, 5), page) and "Commencer le parcours" in page
    assert page.count("À faire") == 6 and "Terminé" not in page

    post_form(client, f"/formations/{course.id}/elements/{small_course.text.id}/lu")
    html = client.get(f"/formations/{course.id}").get_data(as_text=True)
    page = text_of_html(html)
    assert "1 élément requis terminé sur 5" in page
    assert re.search(r'<progress id="course-progress-\d+" max="5" value="1">', html)
    assert re.search(r'<label for="course-progress-\d+">1 élément requis terminé sur 5</label>', html)
    assert page.count("À faire") == 5 and page.count("Terminé") == 1
    # "Reprendre" leads to the first required item not completed: the pre-test.
    assert "Reprendre le parcours" in page and f"Prochain élément : {small_course.pre.title}" in page
    assert (f'href="/formations/{course.id}/elements/{small_course.pre.id}">Reprendre le parcours</a>') in html


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_a_completed_course_shows_the_date_and_the_certificate(client, make, learner, outbox):
    course = text_course(make.trainer())
    for item in course.modules[0].items:
        post_form(client, f"/formations/{course.id}/elements/{item.id}/lu")
    page = text_of(client.get(f"/formations/{course.id}"))
    assert "2 éléments requis terminés sur 2" in page and "Parcours terminé le " in page
    assert "Reprendre le parcours" not in page
    # Issued inline in tests (OUTBOX_DISPATCH=inline): the links; until then, "en préparation".
    from lms.certificates.services import certificates_of

    certificate = certificates_of(learner)[0]
    html = client.get(f"/formations/{course.id}").get_data(as_text=True)
    assert f'/attestations/{certificate.display_code}.pdf' in html
    db.session.delete(certificate)
    db.session.flush()
    assert "Votre attestation est en préparation." in text_of(client.get(f"/formations/{course.id}"))


# -- Mon parcours --------------------------------------------------------------------------------------

def test_my_journey_shows_my_courses_progress_time_and_the_others(client, make, learner, small_course):
    reading = text_course(make.trainer(), title="Parcours jamais ouvert")
    course, film = small_course.course, small_course.film
    send(client, course, film, {"position_s": 10, "watched": [[0, 10]]})
    row = item_progress(learner, film.id)
    row.time_spent_ms = 754_000  # 12 min 34 s
    db.session.flush()
    html = client.get("/mon-parcours").get_data(as_text=True)
    page = text_of_html(html)
    assert "Mon parcours" in page and "Parcours court" in page
    assert "Temps passé 12 min" in page
    assert re.search(done_count(0, 5), page)
    assert f"Prochain élément {small_course.pre.title}" in page
    assert f'href="/formations/{course.id}/elements/{small_course.pre.id}">Reprendre' in html
    # Not started: offered from the catalogue.
    others = page.split("Autres formations proposées")[1]
    assert reading.title in others and "Parcours court" not in others


def test_my_journey_never_shows_another_learners_data(client, make, small_course):
    someone = make.learner()
    progress.record_video_progress(someone, small_course.film, 10, [[0, 10]])
    progress.mark_text_read(someone, small_course.text)
    commit()
    login_as(client, make.learner())
    page = text_of(client.get("/mon-parcours"))
    assert "Vous n'avez pas encore commencé de formation." in page
    assert "Parcours court" in page.split("Autres formations proposées")[1]
    course_page = text_of(client.get(f"/formations/{small_course.course.id}"))
    assert re.search(done_count(0, 5), course_page) and "Terminé" not in course_page


def test_my_journey_lists_completed_courses_with_their_certificate(client, make, learner, outbox):
    course = text_course(make.trainer())
    for item in course.modules[0].items:
        post_form(client, f"/formations/{course.id}/elements/{item.id}/lu")
    page = text_of(client.get("/mon-parcours"))
    assert "Parcours terminé le " in page and "Voir votre attestation" in page
    assert "Temps passé moins d'une minute" in page


def test_my_journey_needs_a_sign_in(client):
    response = client.get("/mon-parcours")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
