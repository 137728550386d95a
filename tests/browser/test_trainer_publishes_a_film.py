"""The course issue's acceptance, in the browser: a trainer builds and publishes a course with a real video,
and a learner plays it with its French captions."""
import itertools
import re

import pytest
from playwright.sync_api import expect

from lms.core.db import commit
from lms.videos import services as videos
from tests.browser.a11y import check_a11y
from tests.videotools import VTT, make_video

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

_n = itertools.count(1)


def test_a_trainer_publishes_a_course_with_a_real_film_and_a_learner_plays_it(new_context, create_user, sign_in,
                                                                              live_app, tmp_path):
    n = next(_n)
    film_title, course_title = f"Parole de pair-aidante {n}", f"Rétablissement {n}"
    trainer = new_context().new_page()
    sign_in(trainer, create_user("trainer"))

    # 1. The film: uploaded through the library page, processed by the worker's code, captioned.
    trainer.goto("/edition/videos")
    check_a11y(trainer)
    trainer.get_by_label("Titre de la vidéo").fill(film_title)
    trainer.get_by_label("Fichier vidéo").set_input_files(str(make_video(tmp_path / "film.mp4", duration=3)))
    trainer.get_by_role("button", name="Envoyer la vidéo").click()
    expect(trainer).to_have_url(re.compile(r"/edition/videos/\d+$"))
    video_id = int(trainer.url.rsplit("/", 1)[1])
    check_a11y(trainer)
    with live_app.app_context():  # the live server dispatches no task: this is the worker's part
        assert videos.process_video(video_id).status == "ready"
        commit()
    vtt = tmp_path / "fr.vtt"
    vtt.write_bytes(VTT)
    trainer.reload()
    trainer.get_by_label("Fichier de sous-titres WebVTT (.vtt)").set_input_files(str(vtt))
    trainer.get_by_role("button", name="Enregistrer les sous-titres").click()
    expect(trainer.get_by_role("status").first).to_contain_text("enregistrés")
    check_a11y(trainer)

    # 2. The course: created, a module, the film as an item, published.
    trainer.goto("/edition")
    trainer.get_by_label("Titre du nouveau parcours").fill(course_title)
    trainer.keyboard.press("Enter")
    expect(trainer.get_by_role("heading", level=1)).to_have_text(course_title)
    check_a11y(trainer)
    trainer.get_by_label("Titre du module").fill("Témoignages")
    trainer.keyboard.press("Enter")
    expect(trainer.get_by_role("heading", level=3, name="Module 1 : Témoignages")).to_be_visible()
    trainer.get_by_text("Ajouter un élément au module 1").click()
    trainer.get_by_label("Type d'élément").select_option(label="Vidéo")
    trainer.get_by_label("Titre de l'élément").fill("Le rétablissement, raconté")
    trainer.get_by_label("Vidéo (pour un élément vidéo)").select_option(value=str(video_id))
    trainer.get_by_role("button", name="Ajouter l'élément").click()
    check_a11y(trainer)
    trainer.get_by_role("link", name=course_title).click()
    trainer.get_by_role("button", name="Publier le parcours").click()
    expect(trainer.get_by_role("status").first).to_contain_text("Parcours publié")
    check_a11y(trainer)

    # 3. A learner finds it, opens the film and sees the French captions showing.
    learner = new_context().new_page()
    sign_in(learner, create_user("learner"))
    learner.goto("/formations")
    learner.get_by_role("link", name=course_title).click()
    expect(learner.get_by_role("heading", level=1)).to_have_text(course_title)
    check_a11y(learner)
    learner.get_by_role("link", name="Le rétablissement, raconté").first.click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Le rétablissement, raconté")
    check_a11y(learner)
    video = learner.locator("video")
    video.evaluate("v => { v.muted = true; return v.play(); }")
    learner.wait_for_function(
        "() => { const t = document.querySelector('video').textTracks[0];"
        " return t && t.mode === 'showing' && t.cues && t.cues.length > 0; }")
    assert learner.evaluate("() => { const t = document.querySelector('video').textTracks[0];"
                            " return [t.kind, t.language, t.cues[0].text]; }") == [
        "captions", "fr", "Bonjour et bienvenue."]
    expect(learner.get_by_text("La santé mentale.").first).to_be_visible()  # the transcript, from the captions
