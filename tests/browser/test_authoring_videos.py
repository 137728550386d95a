"""A trainer's video library in the browser: upload with a progress bar, processing, captions, preview."""
import itertools
import json
import re

import pytest
from playwright.sync_api import expect

from lms.core.db import commit
from lms.videos import services as videos
from tests.browser.a11y import check_a11y
from tests.browser.helpers import assert_no_horizontal_scroll
from tests.videotools import VTT, make_video

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

_n = itertools.count(1)

# Runs through DevTools (not subject to the CSP): keeps what the upload form showed, across the navigation.
RECORD_PROGRESS = """() => {
  const form = document.querySelector("form.js-video-upload");
  const status = form.querySelector(".upload-status"), bar = form.querySelector("progress");
  const seen = [];
  new MutationObserver(() => {
    seen.push({text: status.textContent, value: bar.value, hidden: form.querySelector(".upload-progress").hidden});
    sessionStorage.setItem("uploadSeen", JSON.stringify(seen));
  }).observe(status, {childList: true, characterData: true, subtree: true});
}"""


def open_library(page):
    page.goto("/edition/videos")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vidéothèque")
    check_a11y(page)


def video_id_of(page) -> int:
    return int(re.search(r"/edition/videos/(\d+)$", page.url).group(1))


def test_a_trainer_uploads_processes_captions_and_previews_a_video(page, create_user, sign_in, live_app, tmp_path):
    title = f"Témoignage {next(_n)}"
    sign_in(page, create_user("trainer"))
    open_library(page)

    page.get_by_label("Titre de la vidéo").fill(title)
    page.get_by_label("Fichier vidéo").set_input_files(str(make_video(tmp_path / "film.mp4")))
    page.evaluate(RECORD_PROGRESS)
    page.get_by_role("button", name="Envoyer la vidéo").click()

    expect(page).to_have_url(re.compile(r"/edition/videos/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    seen = json.loads(page.evaluate("() => sessionStorage.getItem('uploadSeen')") or "[]")
    assert seen and seen[0]["text"] == "Envoi : 0 %" and not seen[0]["hidden"], seen
    assert {"text": "Envoi : 100 %", "value": 100, "hidden": False} in seen, seen
    expect(page.get_by_role("status").first).to_contain_text("Vidéo envoyée.")
    expect(page.get_by_text("En cours de traitement", exact=True)).to_be_visible()
    check_a11y(page)

    video_id = video_id_of(page)
    with live_app.app_context():  # the live server does not dispatch tasks: the worker's part
        videos.process_video(video_id)
        commit()
    page.get_by_role("link", name="Actualiser").click()
    expect(page.get_by_text("Prête", exact=True)).to_be_visible()
    expect(page.locator("video")).to_have_attribute("poster", f"/media/videos/{video_id}/poster.jpg")
    check_a11y(page)

    vtt = tmp_path / "fr.vtt"
    vtt.write_bytes(VTT)
    expect(page.get_by_label("Langue des sous-titres")).to_have_value("fr")
    page.get_by_label("Fichier de sous-titres WebVTT (.vtt)").set_input_files(str(vtt))
    page.get_by_role("button", name="Enregistrer les sous-titres").click()
    expect(page.get_by_role("status").first).to_contain_text("Sous-titres « fr » enregistrés.")
    track = page.locator('video track[kind="captions"]')
    expect(track).to_have_count(1)
    expect(track).to_have_attribute("srclang", "fr")
    expect(track).to_have_attribute("label", "Français")
    expect(track).to_have_attribute("default", "")
    assert page.evaluate("() => { const t = document.querySelector('video').textTracks[0];"
                         " return [t.kind, t.language, t.label]; }") == ["captions", "fr", "Français"]
    caption = page.request.get(track.get_attribute("src"))
    assert caption.status == 200 and caption.text().startswith("WEBVTT")
    expect(page.get_by_role("textbox", name="Texte de la transcription")).to_have_value("Bonjour et bienvenue.\n\nLa santé mentale.")
    assert page.evaluate("() => document.querySelector('video').autoplay") is False
    check_a11y(page)

    open_library(page)
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=title))
    expect(row).to_contain_text("Prête")
    expect(row).to_contain_text("2\u00a0s")
    expect(row).to_contain_text("Français (fr)")


def test_on_a_320px_phone_the_pages_reflow_and_an_upload_error_is_shown(new_context, create_user, sign_in, live_app,
                                                                        tmp_path):
    page = new_context(viewport={"width": 320, "height": 800}).new_page()
    sign_in(page, create_user("trainer"))
    open_library(page)
    assert_no_horizontal_scroll(page)

    fake = tmp_path / "film.mp4"
    fake.write_text("Ceci n'est pas une vidéo.\n" * 200)
    page.get_by_label("Titre de la vidéo").fill("Faux film")
    page.get_by_label("Fichier vidéo").set_input_files(str(fake))
    page.get_by_role("button", name="Envoyer la vidéo").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Ce fichier n'est pas une vidéo reconnue")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Fichier vidéo")).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_url(re.compile(r"/edition/videos$"))
    check_a11y(page)
    assert_no_horizontal_scroll(page)

    # The form replaced by the server's answer still uploads with the progress bar.
    page.get_by_label("Titre de la vidéo").fill("Vrai film")
    page.get_by_label("Fichier vidéo").set_input_files(str(make_video(tmp_path / "vrai.mp4")))
    page.get_by_role("button", name="Envoyer la vidéo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vrai film")
    video_id = video_id_of(page)
    check_a11y(page)
    with live_app.app_context():
        videos.process_video(video_id)
        commit()
    page.reload()
    expect(page.locator("video")).to_be_visible()
    check_a11y(page)
    assert_no_horizontal_scroll(page)

    page.get_by_label("Fichier de sous-titres WebVTT (.vtt)").set_input_files(
        {"name": "fr.vtt", "mimeType": "text/vtt", "buffer": b"WEBVTT\n\n00:00.000 --> 00:01.000\nUn\n\n00:02.000 -> 00:03.000\nDeux\n"})
    page.get_by_role("button", name="Enregistrer les sous-titres").click()
    expect(page.locator("#vtt-file-error")).to_contain_text("Ligne 6 : horodatage invalide")
    check_a11y(page)
    assert_no_horizontal_scroll(page)


def test_a_learner_gets_403(page, create_user, sign_in):
    sign_in(page, create_user("learner"))
    response = page.goto("/edition/videos")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Erreur 403")
    check_a11y(page)
