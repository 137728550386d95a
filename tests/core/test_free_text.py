"""Free text from outside (names, titles, Markdown, quiz text, reasons, CSV cells, transcripts): a control
character (NUL breaks PostgreSQL; escape and bell codes mean nothing in a name) is refused naming the field,
in French on the pages; the invisible formatting characters (U+202E reverses a name on the certificate and the
verification page) are dropped; accents, apostrophes, and the tabs and line breaks of multi-line text stay."""
import re
from html import unescape

import pytest
from sqlalchemy import select

from lms.auth.models import User
from lms.authoring.models import Course, Item
from lms.certificates import services as certificates
from lms.core.db import commit
from lms.core.inputs import INVISIBLE, TextRefused, clean_text
from lms.extensions import db
from tests.api.test_courses_api import QUIZ
from tests.certificates.helpers import issued_certificate, pdf_text
from tests.conftest import api_headers, fields_of, login_as, post_form
from tests.videotools import stored_video

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f",
        "\u200b", "\u2060", "\ufeff"]
CONTROLS = ["\x00", "\x07", "\x1b", "\x7f", "\x85"]
MARKDOWN = "## Repères\n\n- l'écoute\tactive\r\n- « orienter » vers le CMP\n"


def register(client, **body):
    return client.post("/api/v1/auth/register", json={
        "email": "jeanne@example.org", "password": "un mot de passe long", "full_name": "Jeanne Dupont", **body})


def text_of(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


@pytest.mark.parametrize("char", BIDI)
def test_invisible_formatting_is_dropped(char):
    assert clean_text(f"Jea{char}nne") == "Jeanne"


@pytest.mark.parametrize("char", CONTROLS)
def test_control_characters_are_refused(char):
    with pytest.raises(TextRefused, match=r"U\+00"):
        clean_text(f"Jea{char}nne")


def test_legitimate_text_stays():
    assert clean_text(MARKDOWN) == MARKDOWN
    assert clean_text("Zoë d'Aubigné-Łukasiewicz 👩‍⚕️ Анна مريم") == "Zoë d'Aubigné-Łukasiewicz 👩‍⚕️ Анна مريم"
    assert clean_text("une\tligne\n", multiline=False) == "une ligne "


# -- the API ------------------------------------------------------------------------------------

@pytest.mark.parametrize("char", CONTROLS)
def test_register_refuses_a_control_character_in_the_name(client, char):
    assert "full_name" in fields_of(register(client, full_name=f"Jeanne{char}Dupont"))
    assert db.session.scalar(select(User).where(User.email == "jeanne@example.org")) is None


def test_register_drops_a_right_to_left_override(client):
    assert register(client, full_name=f"{RLO}tnopuD ennaeJ", organisation=f"CMP{RLO} de Jury").status_code == 201
    user = db.session.scalar(select(User).where(User.email == "jeanne@example.org"))
    assert user.full_name == "tnopuD ennaeJ" and user.organisation_name == "CMP de Jury"


def test_a_password_is_taken_as_typed(client):
    """Passwords are hashed, never shown: what was typed at registration signs in."""
    password = f"mot{RLO} de passe\u200b long"
    assert register(client, password=password).status_code == 201
    token = client.post("/api/v1/auth/token", json={"email": "jeanne@example.org", "password": password})
    assert token.status_code == 200
    stripped = client.post("/api/v1/auth/token", json={"email": "jeanne@example.org", "password": "mot de passe long"})
    assert stripped.status_code == 401


def test_users_refuses_control_characters_naming_each_field(app, client, make):
    headers = api_headers(app, make.coordinator())
    response = client.post("/api/v1/users", headers=headers, json={
        "email": "x@example.org", "full_name": "Jean\x00ne", "organisation": "CMP\x1b", "role": "learner"})
    assert set(fields_of(response)) == {"full_name", "organisation"}


def test_courses_modules_and_items_refuse_nul_and_keep_markdown(client, trainer_headers):
    assert "title" in fields_of(client.post("/api/v1/courses", json={"title": "Santé\x00"}, headers=trainer_headers))
    response = client.post("/api/v1/courses", headers=trainer_headers, json={
        "title": f"Santé mentale{RLO}", "summary": MARKDOWN, "objectives": ["Repérer", "Orienter\x00"]})
    assert set(fields_of(response)) == {"objectives[1]"}
    response = client.post("/api/v1/courses", json={"title": f"Santé {RLO}mentale", "summary": MARKDOWN}, headers=trainer_headers)
    assert response.status_code == 201
    course = db.session.get(Course, response.json["id"])
    assert course.title == "Santé mentale" and course.summary == MARKDOWN.strip()

    modules = f"/api/v1/courses/{course.id}/modules"
    assert "title" in fields_of(client.post(modules, json={"title": "Module\x07"}, headers=trainer_headers))
    module_id = client.post(modules, json={"title": "Module 1"}, headers=trainer_headers).json["id"]

    items = f"/api/v1/modules/{module_id}/items"
    response = client.post(items, headers=trainer_headers, json={"kind": "text", "title": "Lire", "body_markdown": "Texte\x00"})
    assert set(fields_of(response)) == {"body_markdown"}
    response = client.post(items, headers=trainer_headers, json={"kind": "text", "title": "Lire", "body_markdown": MARKDOWN})
    assert response.status_code == 201 and db.session.get(Item, response.json["id"]).body_markdown == MARKDOWN


def test_quiz_text_is_checked_at_every_depth(client, trainer_headers):
    course_id = client.post("/api/v1/courses", json={"title": "Quiz"}, headers=trainer_headers).json["id"]
    module_id = client.post(f"/api/v1/courses/{course_id}/modules", json={"title": "M"}, headers=trainer_headers).json["id"]
    quiz = {**QUIZ, "questions": [dict(QUIZ["questions"][0], prompt="Une personne\x00 sur cinq ?",
                                       explanation=f"Oui{RLO}.\n\tAu cours de la vie.")]}
    quiz["questions"][0]["choices"] = [{"text": "Vrai\x1b", "correct": True}, {"text": "Faux", "correct": False}]
    response = client.post(f"/api/v1/modules/{module_id}/items", headers=trainer_headers,
                           json={"kind": "quiz", "title": "Quiz", "quiz": quiz})
    assert set(fields_of(response)) == {"quiz.questions[0].prompt", "quiz.questions[0].choices[0].text"}
    quiz["questions"][0].update(prompt="Une personne sur cinq ?")
    quiz["questions"][0]["choices"][0]["text"] = "Vrai"
    response = client.post(f"/api/v1/modules/{module_id}/items", headers=trainer_headers,
                           json={"kind": "quiz", "title": "Quiz", "quiz": quiz})
    assert response.status_code == 201
    question = db.session.get(Item, response.json["id"]).quiz.questions[0]
    assert question.explanation == "Oui.\n\tAu cours de la vie."


def test_revocation_reason_refuses_nul(app, client, make, outbox):
    certificate = issued_certificate(make.learner())
    response = client.post(f"/api/v1/certificates/{certificate.code}/revoke", json={"reason": "Erreur\x00"},
                           headers=api_headers(app, make.coordinator()))
    assert set(fields_of(response)) == {"reason"}


def test_csv_import_reports_the_cell(app, client, make, outbox):
    csv = "email,full_name,organisation\r\nun@example.org,Jean\x00ne,CMP\r\ndeux@example.org,Paul\u202e Martin,CMP\r\n"
    response = client.post("/api/v1/users/import", data=csv.encode(), content_type="text/csv",
                           headers=api_headers(app, make.coordinator()))
    assert response.status_code == 200 and response.json["created"] == 1
    [error] = response.json["errors"]
    assert error["line"] == 2 and "full_name" in error["message"] and "U+0000" in error["message"]
    assert db.session.scalar(select(User.full_name).where(User.email == "deux@example.org")) == "Paul Martin"
    assert [message.category for message in outbox(recipient="deux@example.org")] == ["invitation"]


def test_transcripts_refuse_nul_and_keep_their_lines(app, client, make):
    headers, video_id = api_headers(app, make.coordinator()), stored_video().id  # no owner: the coordinator's
    path = f"/api/v1/videos/{video_id}/transcript"
    response = client.put(path, data=b"Bonjour\x00", content_type="text/plain", headers=headers)
    assert set(fields_of(response)) == {"body"}
    response = client.put(path, data=f"{MARKDOWN}{RLO}".encode(), content_type="text/markdown", headers=headers)
    assert response.status_code == 200 and response.json["transcript"] == MARKDOWN.strip()


def test_captions_refuse_control_characters(app, client, make):
    headers, video_id = api_headers(app, make.coordinator()), stored_video(captions=False).id  # no owner: the coordinator's
    vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nBonjour\x1b et bienvenue.\n"
    response = client.post(f"/api/v1/videos/{video_id}/captions?lang=fr", data=vtt.encode(), content_type="text/vtt",
                           headers=headers)
    assert "body" in fields_of(response)


# -- the pages --------------------------------------------------------------------------------------

def register_form(**overrides):
    return {"full_name": "Jeanne Dupont", "email": "jeanne@example.org", "organisation": "", "audience": "",
            "password": "un mot de passe long", "password_confirm": "un mot de passe long", **overrides}


@pytest.mark.parametrize("char", ["\x00", "\x1b"])
def test_the_registration_form_refuses_a_control_character_in_french(client, char):
    response = post_form(client, "/inscription", register_form(full_name=f"Jeanne{char}Dupont"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Ce texte contient un caractère de contrôle non autorisé" in unescape(html)
    assert re.search(r'id="full_name-error"[^>]*>[^<]*caract', unescape(html)) or "full_name" in html
    assert db.session.scalar(select(User).where(User.email == "jeanne@example.org")) is None


def test_the_registration_form_drops_a_right_to_left_override(client):
    response = post_form(client, "/inscription", register_form(full_name=f"Jeanne{RLO} Dupont"))
    assert response.status_code == 302
    assert db.session.scalar(select(User.full_name).where(User.email == "jeanne@example.org")) == "Jeanne Dupont"


def test_the_account_form_refuses_nul_and_drops_overrides(client, make):
    learner = make.learner(full_name="Jeanne Dupont")
    login_as(client, learner)
    response = post_form(client, "/compte", {"full_name": "Jeanne\x00", "organisation": "", "audience": "", "locale": "fr"})
    assert response.status_code == 422 and "caractère de contrôle non autorisé" in text_of(response)
    assert learner.full_name == "Jeanne Dupont"
    response = post_form(client, "/compte", {"full_name": f"{RLO}Jeanne Martin", "organisation": f"CMP{RLO}",
                                             "audience": "", "locale": "fr"})
    assert response.status_code == 302
    assert learner.full_name == "Jeanne Martin" and learner.organisation_name == "CMP"


def test_the_item_form_keeps_markdown_lines(client, make):
    from lms.authoring import services as authoring

    trainer = make.trainer()
    course = authoring.create_course(trainer, "Parcours")
    item = authoring.add_item(trainer, authoring.add_module(trainer, course, "M"), "text", "Texte", body_markdown="x")
    commit()
    login_as(client, trainer)
    path = f"/edition/elements/{item.id}"
    response = post_form(client, path, {"title": "Texte", "required": "y", "body_markdown": "Texte\x00"})
    assert response.status_code == 422 and "caractère de contrôle non autorisé" in text_of(response)
    response = post_form(client, path, {"title": f"Texte{RLO}", "required": "y", "body_markdown": MARKDOWN})
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.title == "Texte" and item.body_markdown == MARKDOWN.strip()


def test_every_form_reads_its_text_through_the_cleaner():
    """A new form cannot forget the rule: every form of the app derives from lms.core.forms."""
    from wtforms import Form as PlainForm

    import lms.auth.forms
    import lms.authoring.forms
    import lms.certificates.forms
    import lms.videos.forms
    from lms.core import forms

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    app_forms = [cls for cls in subclasses(PlainForm) if cls.__module__.startswith("lms.")]
    assert {cls.__module__ for cls in app_forms} >= {
        lms.auth.forms.__name__, lms.authoring.forms.__name__, lms.videos.forms.__name__,
        lms.certificates.forms.__name__}
    assert [cls.__name__ for cls in app_forms if not issubclass(cls, forms.Form | forms.Subform)] == []


# -- what the certificate shows --------------------------------------------------------------------------

def test_a_name_registered_with_an_override_never_reverses_on_the_certificate(app, client, outbox):
    assert register(client, full_name=f"Jeanne {RLO}tnopuD").status_code == 201
    learner = db.session.scalar(select(User).where(User.email == "jeanne@example.org"))
    certificate = issued_certificate(learner, title=f"Repérer{RLO} et orienter")
    assert_no_override(client, certificate, "Jeanne tnopuD")


def test_a_name_stored_before_the_rule_never_reverses_on_the_certificate(client, make, outbox):
    learner = make.learner(full_name=f"Jeanne {RLO}tnopuD\u2066")  # written straight to the table
    certificate = issued_certificate(learner)
    assert_no_override(client, certificate, "Jeanne tnopuD")


def assert_no_override(client, certificate, name):
    page = client.get(f"/verify/{certificate.display_code}").get_data(as_text=True)
    answer = client.get(f"/verify/{certificate.display_code}", headers={"Accept": "application/json"}).json
    pdf = pdf_text(certificates.pdf_bytes(certificate))
    assert name in page and answer["holder_name"] == name and name in pdf
    for shown in (page, str(answer), pdf, str(certificate.snapshot)):
        assert not INVISIBLE.search(shown)


def test_a_search_box_drops_control_characters(client, make):
    """A NUL in ?q= was a 500 on PostgreSQL (it refuses NUL in a query); it cannot be searched for anyway."""
    make.learner(full_name="Jeanne Dupont")
    login_as(client, make.coordinator())
    for path in ("/admin/utilisateurs", "/admin/attestations", "/admin/envois"):
        assert client.get(f"{path}?q=%00").status_code == 200, path
    assert "Jeanne Dupont" in text_of(client.get("/admin/utilisateurs?q=Jea%00nne%E2%80%AE"))
