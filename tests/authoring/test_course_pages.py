"""The authoring pages for courses (/edition), through the Flask test client: list and create, the course
description, modules and items, the quiz editor, publication, the published-course re-check, who may."""
import re

import pytest

from lms.authoring import services
from lms.core.db import commit
from lms.extensions import db
from tests.conftest import csrf_token, login_as, post_form
from tests.conftest import page_text as text
from tests.videotools import stored_video


@pytest.fixture
def trainer(make):
    return make.trainer()


@pytest.fixture
def signed_in(client, trainer):
    login_as(client, trainer)
    return client


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
    video = stored_video(title="Témoignage")
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

    other = stored_video(title="Autre film")
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


# -- the quiz editor ------------------------------------------------------------------------

def quiz_item_of(trainer):
    course = new_course(trainer)
    module = services.add_module(trainer, course, "Évaluer")
    item = services.add_item(trainer, module, "quiz", "Idées reçues",
                             quiz={"pass_mark": 80, "role": "graded", "questions": []})
    commit()
    return course, item


def question_form(kind="single", prompt="Une personne sur cinq est concernée ?", choices=(), **extra):
    data = {"kind": kind, "prompt": prompt, "explanation": "Au cours de sa vie.", **extra}
    for n, (choice_text, correct, feedback) in enumerate(choices):
        data[f"choices-{n}-text"] = choice_text
        data[f"choices-{n}-feedback"] = feedback
        if correct:
            data[f"choices-{n}-correct"] = "y"
    return data


def test_quiz_settings_are_saved_and_checked_as_in_the_api(signed_in, trainer):
    _course, item = quiz_item_of(trainer)
    page = f"/edition/elements/{item.id}/quiz"
    assert "Aucune question" in text(signed_in.get(page))
    refused = post_form(signed_in, page, {"role": "post_test", "pass_mark": "120", "max_attempts": "0"})
    assert refused.status_code == 422
    assert error_next_to(text(refused), "pass_mark") == "Erreur : Un entier entre 0 et 100 est attendu."
    assert error_next_to(text(refused), "max_attempts").startswith("Erreur : Un entier entre 1 et 1000")
    response = post_form(signed_in, page, {"role": "pre_test", "pass_mark": "60", "max_attempts": ""})
    assert response.status_code == 302
    db.session.refresh(item.quiz)
    assert (item.quiz.role, item.quiz.pass_mark, item.quiz.max_attempts) == ("pre_test", 60, None)


def test_a_question_is_written_without_javascript(signed_in, trainer):
    _course, item = quiz_item_of(trainer)
    new = f"/edition/elements/{item.id}/quiz/questions"
    blank = text(signed_in.get(new))
    assert blank.count('name="choices-') >= 4 * 3  # four blank rows: text, feedback, id (+ the checkbox)
    assert "Ajouter un choix" in blank

    # "Ajouter un choix" sends the form back with one more row, nothing saved
    data = question_form(choices=[("Vrai", True, "Exact."), ("Faux", False, "")], action="add_choice")
    more = post_form(signed_in, new, data)
    assert more.status_code == 200 and 'name="choices-2-text"' in text(more)
    assert 'value="Vrai"' in text(more) and "Une ligne de réponse a été ajoutée." in text(more)
    # moving a row up sends it back reordered
    moved = post_form(signed_in, new, {**data, "action": "up-1"})
    page = text(moved)
    assert page.index('value="Faux"') < page.index('value="Vrai"')
    assert item.quiz.questions == []

    # errors: next to the field, with the API's rules (the blank rows are left out)
    refused = post_form(signed_in, new, question_form(prompt="", choices=[("Vrai", False, ""), ("", False, ""),
                                                                          ("Faux", False, "")], action="save"))
    assert refused.status_code == 422
    page = text(refused)
    assert error_next_to(page, "prompt") == "Erreur : Ce champ est obligatoire."
    assert error_next_to(page, "choices") == "Erreur : Exactement une réponse doit être correcte."
    refused = post_form(signed_in, new, question_form(kind="true_false", choices=[
        ("Vrai", True, ""), ("", False, "Un retour sans texte"), ("Faux", False, "")], action="save"))
    assert error_next_to(text(refused), "choices-1-text") == "Erreur : Ce champ est obligatoire."

    saved = post_form(signed_in, new, question_form(choices=[("Vrai", True, "Exact."), ("Faux", False, "Non.")],
                                                    action="save"))
    assert saved.status_code == 302
    db.session.refresh(item.quiz)
    question = item.quiz.questions[0]
    assert [(c.text, c.correct, c.feedback) for c in question.choices] == [("Vrai", True, "Exact."),
                                                                           ("Faux", False, "Non.")]
    assert saved.headers["Location"].endswith(f"#question-{question.id}")

    # editing keeps the rows (ids) of the answers, reorders and removes
    edit = f"/edition/questions/{question.id}"
    page = text(signed_in.get(edit))
    vrai, faux = question.choices
    assert f'value="{vrai.id}"' in page
    data = {**question_form(kind="multiple", prompt="Qui peut aider ?", choices=[
        ("Le médecin", True, ""), ("Le CLSM", True, ""), ("Personne", False, "")]),
        "choices-0-choice_id": str(faux.id), "choices-1-choice_id": str(vrai.id), "action": "save"}
    assert post_form(signed_in, edit, data).status_code == 302
    db.session.refresh(question)
    assert question.kind == "multiple"
    assert [(c.id, c.text, c.position) for c in question.choices][:2] == [(faux.id, "Le médecin", 1),
                                                                          (vrai.id, "Le CLSM", 2)]
    assert len(question.choices) == 3


def test_questions_are_moved_and_removed(signed_in, trainer):
    _course, item = quiz_item_of(trainer)
    for prompt in ("Première ?", "Deuxième ?"):
        services.add_question(trainer, item.quiz, {"kind": "true_false", "prompt": prompt, "choices": [
            {"text": "Vrai", "correct": True}, {"text": "Faux", "correct": False}]})
    commit()
    first, second = item.quiz.questions
    page = f"/edition/elements/{item.id}/quiz"
    response = post_form(signed_in, f"/edition/questions/{second.id}/deplacer", {"direction": "up"}, token_from=page)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#question-{second.id}-down")
    db.session.refresh(item.quiz)
    assert [q.prompt for q in item.quiz.questions] == ["Deuxième ?", "Première ?"]
    assert "Supprimer la question « Première ? »" in text(signed_in.get(f"/edition/questions/{first.id}/supprimer"))
    assert post_form(signed_in, f"/edition/questions/{first.id}/supprimer", token_from=page).status_code == 302
    db.session.refresh(item.quiz)
    assert [(q.prompt, q.position) for q in item.quiz.questions] == [("Deuxième ?", 1)]


# -- publication -----------------------------------------------------------------------------

def test_publishing_is_refused_with_the_reasons_then_accepted_then_withdrawn(signed_in, trainer):
    course = new_course(trainer)
    module = services.add_module(trainer, course, "Comprendre")
    empty = services.add_item(trainer, module, "text", "Introduction")
    commit()
    base = f"/edition/parcours/{course.id}"
    refused = post_form(signed_in, f"{base}/publier", token_from=base)
    assert refused.status_code == 422
    page = text(refused)
    assert "Ce parcours ne peut pas encore être publié." in page
    assert "Le texte « Introduction » (module « Comprendre ») est vide." in page
    assert course.status == "draft"

    post_form(signed_in, f"/edition/elements/{empty.id}", {"title": "Introduction", "required": "y",
                                                         "body_markdown": "Bienvenue."})
    published = post_form(signed_in, f"{base}/publier", token_from=base)
    assert published.status_code == 302 and published.headers["Location"].endswith("#publication")
    db.session.refresh(course)
    assert course.status == "published"
    assert "Retirer de la publication" in text(signed_in.get(base))

    withdrawn = post_form(signed_in, f"{base}/depublier", token_from=base)
    assert withdrawn.status_code == 302
    db.session.refresh(course)
    assert course.status == "draft"
    again = post_form(signed_in, f"{base}/depublier", token_from=base)
    assert again.status_code == 409 and "Ce parcours n'est pas publié." in text(again)


def test_a_published_course_refuses_a_change_that_would_unpublish_it(signed_in, trainer):
    course = filled_course(trainer, quiz_item=True)
    module = course.modules[0]
    text_item, quiz_item = module.items
    video = stored_video(title="Témoignage")
    no_captions = stored_video(title="Sans sous-titres", captions=False)
    video_item = services.add_item(trainer, module, "video", "Témoignage", video_id=video.id)
    services.publish_course(trainer, course)
    commit()
    base = f"/edition/parcours/{course.id}"

    # the last correct choice goes: refused, with the reason, nothing changed
    question = quiz_item.quiz.questions[0]
    data = {**question_form(choices=[("Vrai", False, ""), ("Faux", False, "")]),
            "choices-0-choice_id": str(question.choices[0].id), "choices-1-choice_id": str(question.choices[1].id),
            "action": "save"}
    refused = post_form(signed_in, f"/edition/questions/{question.id}", data)
    assert refused.status_code == 422
    assert "Exactement une réponse doit être correcte." in text(refused)  # the quiz rules come first
    # a video without French captions replaces a ready one
    refused = post_form(signed_in, f"/edition/elements/{video_item.id}",
                        {"title": "Témoignage", "required": "y", "video_id": str(no_captions.id)})
    assert refused.status_code == 422
    page = text(refused)
    assert "Ce parcours est publié : cette modification l'empêcherait de l'être ; elle est refusée." in page
    assert "La vidéo de l'élément « Témoignage » (module « Comprendre ») n'a pas de sous-titres en français." in page
    db.session.refresh(video_item)
    assert video_item.video_id == video.id
    # emptying the text, removing the last question, adding an empty module: refused
    assert post_form(signed_in, f"/edition/elements/{text_item.id}",
                     {"title": "Introduction", "required": "y", "body_markdown": "  "}).status_code == 422
    assert post_form(signed_in, f"/edition/questions/{question.id}/supprimer",
                     token_from=f"/edition/elements/{quiz_item.id}/quiz").status_code == 422
    refused = post_form(signed_in, f"{base}/modules", {"module-title": "Vide"}, token_from=base)
    assert refused.status_code == 422 and "Le module « Vide » ne contient aucun élément." in text(refused)
    db.session.refresh(course)
    assert len(course.modules) == 1 and course.status == "published"
    assert text_item.body_markdown == "Bienvenue." and len(quiz_item.quiz.questions) == 1
    # a harmless change goes through
    response = post_form(signed_in, f"/edition/elements/{text_item.id}",
                         {"title": "Accueil", "required": "y", "body_markdown": "Bienvenue à tous."})
    assert response.status_code == 302


# -- who may --------------------------------------------------------------------------------

def test_a_trainer_cannot_edit_another_trainers_course(client, make, trainer):
    course = filled_course(make.trainer())
    module = course.modules[0]
    login_as(client, trainer)
    base = f"/edition/parcours/{course.id}"
    assert client.get(base).status_code == 403
    assert client.get(f"/edition/elements/{module.items[0].id}").status_code == 403
    token = csrf_token(client, "/edition")
    assert client.post(f"{base}/modules", data={"csrf_token": token, "module-title": "Intrus"}).status_code == 403
    assert client.post(f"{base}/publier", data={"csrf_token": token}).status_code == 403
    assert client.post(f"/edition/modules/{module.id}/supprimer", data={"csrf_token": token}).status_code == 403
    assert client.get("/edition/parcours/999999").status_code == 404
    db.session.refresh(course)
    assert len(course.modules) == 1 and course.status == "draft"


def test_learners_get_403_on_every_authoring_page(client, make, trainer):
    course = filled_course(trainer, quiz_item=True)
    quiz_item = course.modules[0].items[1]
    login_as(client, make.learner())
    for path in ("/edition", f"/edition/parcours/{course.id}", f"/edition/elements/{quiz_item.id}",
                 f"/edition/elements/{quiz_item.id}/quiz", f"/edition/questions/{quiz_item.quiz.questions[0].id}",
                 "/edition/parcours/999999"):
        assert client.get(path).status_code == 403, path


def test_anonymous_people_are_sent_to_sign_in(client, trainer):
    course = new_course(trainer)
    response = client.get(f"/edition/parcours/{course.id}")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_a_post_without_the_csrf_token_is_refused(signed_in, trainer):
    course = filled_course(trainer)
    base = f"/edition/parcours/{course.id}"
    assert signed_in.post(f"{base}/publier").status_code == 400
    assert signed_in.post(f"{base}/modules", data={"module-title": "Sans jeton"}).status_code == 400
    assert signed_in.post(f"/edition/modules/{course.modules[0].id}/supprimer").status_code == 400
    assert signed_in.post("/edition", data={"title": "Sans jeton"}).status_code == 400
    db.session.refresh(course)
    assert course.status == "draft" and len(course.modules) == 1
