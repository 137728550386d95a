"""The authoring pages for courses (/edition), through the Flask test client: list and create, the course
description, modules and items, the quiz editor, publication, the published-course re-check, who may."""
import html
import re

import pytest

from lms.authoring import services
from lms.authoring.models import Caption, Video
from lms.core import storage
from lms.core.db import commit
from lms.extensions import db
from tests.conftest import csrf_token, login_as, post_form
from tests.videotools import VTT


@pytest.fixture
def trainer(make):
    return make.trainer()


@pytest.fixture
def signed_in(client, trainer):
    login_as(client, trainer)
    return client


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def error_next_to(page: str, field_id: str) -> str:
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', page, re.S)
    assert match, f"no error shown for {field_id}"
    return re.sub(r"\s+", " ", match.group(1)).strip()


def new_course(trainer, title="Repérer la souffrance psychique"):
    course = services.create_course(trainer, title)
    commit()
    return course


def filled_course(trainer, *, quiz_item=False):
    """A publishable draft: one module with one text item (and a quiz with one question, if asked)."""
    course = new_course(trainer)
    module = services.add_module(trainer, course, "Comprendre")
    services.add_item(trainer, module, "text", "Introduction", body_markdown="Bienvenue.")
    if quiz_item:
        services.add_item(trainer, module, "quiz", "Idées reçues", quiz={
            "pass_mark": 50, "role": "post_test", "questions": [
                {"kind": "single", "prompt": "Une personne sur cinq ?", "choices": [
                    {"text": "Vrai", "correct": True}, {"text": "Faux", "correct": False}]}]})
    commit()
    return course


def ready_video(title="Témoignage", *, captions=True, transcript="Bonjour."):
    video = Video(title=title, status="ready", duration_s=2.0, transcript=transcript)
    db.session.add(video)
    db.session.flush()
    if captions:
        saved = storage.save_bytes(VTT, "captions", ".vtt")
        db.session.add(Caption(video=video, lang="fr", storage_key=saved.key, size=saved.size))
    commit()
    return video


# -- list and create ------------------------------------------------------------------

def test_trainer_creates_a_course_and_sees_only_their_own(client, make, trainer):
    other = make.trainer()
    new_course(other, "Le parcours d'une autre")
    login_as(client, trainer)
    page = client.get("/edition")
    assert page.status_code == 200
    assert "Nouveau parcours" in text(page) and "Le parcours d'une autre" not in text(page)

    refused = post_form(client, "/edition", {"title": "  "})
    assert refused.status_code == 422
    assert error_next_to(text(refused), "title") == "Erreur : Ce champ est obligatoire."

    created = post_form(client, "/edition", {"title": "Premiers secours en santé mentale"})
    assert created.status_code == 302
    course_page = client.get(created.headers["Location"])
    assert course_page.status_code == 200
    assert "Premiers secours en santé mentale" in text(course_page) and "Brouillon" in text(course_page)
    listing = text(client.get("/edition"))
    assert "Premiers secours en santé mentale" in listing and "Brouillon" in listing


def test_coordinator_lists_every_course(client, make, trainer):
    new_course(trainer, "Parcours du formateur")
    login_as(client, make.coordinator())
    assert "Parcours du formateur" in text(client.get("/edition"))


# -- the course description ----------------------------------------------------------

def test_every_field_of_the_course_is_edited(signed_in, trainer):
    course = new_course(trainer)
    page = text(signed_in.get(f"/edition/parcours/{course.id}"))
    assert "Aucun prérequis" in page  # the hint says what an empty field means
    assert f'href="/formations/{course.id}"' in page  # "Aperçu apprenant"
    response = post_form(signed_in, f"/edition/parcours/{course.id}", {
        "title": "Repérer et orienter", "summary": "Pour les élus.", "objectives": "Repérer\n\n Orienter \n",
        "duration_minutes": "90", "prerequisites": "", "audience_note": "Élus et agents",
        "remote_activities-0-title": "Vidéos", "remote_activities-0-minutes": "30",
        "remote_activities-1-title": "", "remote_activities-1-minutes": "",
        "remote_activities-2-title": "Quiz final", "remote_activities-2-minutes": "15",
        "support_contact": "clsm@metz.fr", "support_response_time": "48 h", "support_technical": "Par courriel",
        "support_pedagogical": "Une formatrice", "assessment": "Quiz avant et après",
    })
    assert response.status_code == 302 and response.headers["Location"].endswith("#fiche")
    db.session.refresh(course)
    assert (course.title, course.summary, course.objectives, course.duration_minutes, course.prerequisites) == (
        "Repérer et orienter", "Pour les élus.", ["Repérer", "Orienter"], 90, None)
    assert course.remote_activities == [{"title": "Vidéos", "minutes": 30}, {"title": "Quiz final", "minutes": 15}]
    assert course.support == {"contact": "clsm@metz.fr", "response_time": "48 h", "technical": "Par courriel",
                              "pedagogical": "Une formatrice"}
    assert (course.assessment, course.audience_note) == ("Quiz avant et après", "Élus et agents")
    page = text(signed_in.get(f"/edition/parcours/{course.id}"))
    assert 'value="Quiz final"' in page and "clsm@metz.fr" in page


def test_course_field_errors_are_shown_next_to_the_fields(signed_in, trainer):
    course = new_course(trainer)
    response = post_form(signed_in, f"/edition/parcours/{course.id}", {
        "title": "", "duration_minutes": "une heure",
        "remote_activities-0-title": "", "remote_activities-0-minutes": "",
        "remote_activities-1-title": "Vidéos", "remote_activities-1-minutes": "",
    })
    assert response.status_code == 422
    page = text(response)
    assert error_next_to(page, "title") == "Erreur : Ce champ est obligatoire."
    assert error_next_to(page, "duration_minutes") == "Erreur : Un nombre entier de minutes est attendu."
    # the error is on the row the trainer filled (row 2), not on the first blank one
    assert error_next_to(page, "remote_activities-1-minutes") == "Erreur : Indiquez la durée estimée en minutes."
    db.session.refresh(course)
    assert course.title == "Repérer la souffrance psychique"


# -- modules and items --------------------------------------------------------------------

def test_modules_are_added_renamed_moved_and_removed(signed_in, trainer):
    course = new_course(trainer)
    base = f"/edition/parcours/{course.id}"
    for title in ("Comprendre", "Repérer", "Orienter"):
        response = post_form(signed_in, f"{base}/modules", {"module-title": title}, token_from=base)
        assert response.status_code == 302 and "#module-" in response.headers["Location"]
    refused = post_form(signed_in, f"{base}/modules", {"module-title": ""}, token_from=base)
    assert refused.status_code == 422
    assert error_next_to(text(refused), "module-title") == "Erreur : Ce champ est obligatoire."
    first, second, third = course.modules

    response = post_form(signed_in, f"/edition/modules/{first.id}/titre", {f"rename-{first.id}-title": "Définir"},
                         token_from=base)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#module-{first.id}")
    response = post_form(signed_in, f"/edition/modules/{third.id}/deplacer", {"direction": "up"}, token_from=base)
    assert response.headers["Location"].endswith(f"#module-{third.id}-up")
    response = post_form(signed_in, f"/edition/modules/{third.id}/deplacer", {"direction": "up"}, token_from=base)
    assert response.headers["Location"].endswith(f"#module-{third.id}-down")  # now first: focus the other button
    db.session.refresh(course)
    assert [m.title for m in course.modules] == ["Orienter", "Définir", "Repérer"]
    assert post_form(signed_in, f"/edition/modules/{third.id}/deplacer", {"direction": "sideways"},
                     token_from=base).status_code == 422

    confirm = signed_in.get(f"/edition/modules/{second.id}/supprimer")
    assert confirm.status_code == 200 and "Supprimer le module « Repérer »" in text(confirm)
    assert post_form(signed_in, f"/edition/modules/{second.id}/supprimer", token_from=base).status_code == 302
    db.session.refresh(course)
    assert [(m.title, m.position) for m in course.modules] == [("Orienter", 1), ("Définir", 2)]


def test_items_are_added_edited_moved_and_removed(signed_in, trainer):
    course = new_course(trainer)
    module = services.add_module(trainer, course, "Comprendre")
    video = ready_video()
    commit()
    base = f"/edition/parcours/{course.id}"
    page = text(signed_in.get(base))
    assert f'<option value="{video.id}">Témoignage (prête)</option>' in page
    prefix = f"item-{module.id}"
    response = post_form(signed_in, f"/edition/modules/{module.id}/elements",
                         {f"{prefix}-kind": "text", f"{prefix}-title": "Lire"}, token_from=base)
    assert response.status_code == 302
    text_item = module.items[0]
    assert response.headers["Location"].endswith(f"/edition/elements/{text_item.id}")
    response = post_form(signed_in, f"/edition/modules/{module.id}/elements",
                         {f"{prefix}-kind": "video", f"{prefix}-title": "Témoignage", f"{prefix}-video_id": str(video.id)},
                         token_from=base)
    assert response.status_code == 302
    response = post_form(signed_in, f"/edition/modules/{module.id}/elements",
                         {f"{prefix}-kind": "quiz", f"{prefix}-title": "Idées reçues"}, token_from=base)
    assert response.status_code == 302 and response.headers["Location"].endswith("/quiz")
    refused = post_form(signed_in, f"/edition/modules/{module.id}/elements",
                        {f"{prefix}-kind": "text", f"{prefix}-title": ""}, token_from=base)
    assert refused.status_code == 422 and error_next_to(text(refused), f"{prefix}-title")
    db.session.refresh(module)
    assert [(i.kind, i.title) for i in module.items] == [("text", "Lire"), ("video", "Témoignage"),
                                                         ("quiz", "Idées reçues")]
    assert module.items[1].video_id == video.id and module.items[2].quiz.questions == []

    page = f"/edition/elements/{text_item.id}"
    assert "Texte" in text(signed_in.get(page))
    refused = post_form(signed_in, page, {"title": "Lire", "required": "y", "estimated_minutes": "dix"})
    assert refused.status_code == 422
    assert error_next_to(text(refused), "estimated_minutes") == "Erreur : Un nombre entier de minutes est attendu."
    response = post_form(signed_in, page, {"title": "À lire", "body_markdown": "**Important**", "estimated_minutes": "5"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#item-{text_item.id}")
    db.session.refresh(text_item)
    assert (text_item.title, text_item.required, text_item.body_markdown, text_item.estimated_minutes) == (
        "À lire", False, "**Important**", 5)

    other = ready_video("Autre film")
    video_item = module.items[1]
    response = post_form(signed_in, f"/edition/elements/{video_item.id}",
                         {"title": "Témoignage", "required": "y", "video_id": str(other.id)})
    assert response.status_code == 302
    db.session.refresh(video_item)
    assert video_item.video_id == other.id

    response = post_form(signed_in, f"/edition/elements/{text_item.id}/deplacer", {"direction": "down"}, token_from=base)
    assert response.headers["Location"].endswith(f"#item-{text_item.id}-down")
    db.session.refresh(module)
    assert [i.title for i in module.items] == ["Témoignage", "À lire", "Idées reçues"]
    assert "Supprimer l'élément « À lire »" in text(signed_in.get(f"/edition/elements/{text_item.id}/supprimer"))
    assert post_form(signed_in, f"/edition/elements/{text_item.id}/supprimer", token_from=base).status_code == 302
    db.session.refresh(module)
    assert [(i.title, i.position) for i in module.items] == [("Témoignage", 1), ("Idées reçues", 2)]
