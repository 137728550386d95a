"""The learner's side of the sample course in Chromium: catalogue, course page, the video player
(captions showing, keyboard, transcript), text and quiz pages; axe on each, also at 320 px."""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from lms.authoring import services as authoring
from lms.authoring.services.importer import import_course
from lms.core.db import commit
from tests import factories
from tests.browser.a11y import check_a11y
from tests.browser.helpers import visit
from tests.browser.sample_course import prepare_films

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

SAMPLE = Path(__file__).resolve().parents[2] / "courses" / "sensibilisation-sante-mentale"
FIRST_VIDEO_MODULE = SAMPLE / "01-sante-mentale"


def vtt_cues(path: Path) -> list[str]:
    """The text of each cue of a WebVTT file (lines joined by a newline, as TextTrackCue.text gives them)."""
    blocks = path.read_text(encoding="utf-8").replace("\r\n", "\n").strip().split("\n\n")[1:]
    cues = []
    for block in blocks:
        lines = block.split("\n")
        timing = next(i for i, line in enumerate(lines) if "-->" in line)
        cues.append("\n".join(lines[timing + 1:]))
    return cues


@pytest.fixture(scope="session")
def sample_course(live_server, tmp_path_factory):
    """The sample course imported once into the live database and published.

    Its six demo films are rendered small (320x180, 5 frames per second) to keep the import quick."""
    app = live_server.app
    app.config.update(SAMPLE_VIDEO_SIZE="320x180", SAMPLE_VIDEO_FPS=5)
    folder = tmp_path_factory.mktemp("courses") / SAMPLE.name
    shutil.copytree(SAMPLE, folder)
    with app.app_context():
        coordinator = factories.coordinator(email="coordination.echantillon@navigateur.example.org")
        course = import_course(folder).course
        commit()
        prepare_films(course)
        authoring.publish_course(coordinator, course)
        commit()
        module = next(m for m in course.modules if m.key == "sante-mentale")
        by_kind = {item.kind: item for item in module.items}
        crisis = next(m for m in course.modules if m.key == "reperer-reagir-orienter").items[0]
        return SimpleNamespace(id=course.id, title=course.title, video=by_kind["video"].title,
                               video_id=by_kind["video"].id, text_id=by_kind["text"].id, quiz_id=by_kind["quiz"].id,
                               crisis_id=crisis.id, crisis=crisis.title)


FRENCH_TRACK = """() => {
  const video = document.querySelector("video");
  const track = Array.from(video.textTracks).find(t => t.kind === "captions" && t.language === "fr");
  return Boolean(track && track.mode === "showing" && track.cues && track.cues.length > 0);
}"""


def test_learner_watches_the_first_video_with_captions_and_keyboard(page, create_user, sign_in, sample_course):
    learner = create_user("learner")
    sign_in(page, learner)

    visit(page, "/formations", "Formations")
    page.get_by_role("link", name=sample_course.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sample_course.title)
    check_a11y(page)
    expect(page.get_by_text("Aucun prérequis")).to_be_visible()
    expect(page.get_by_role("heading", name="Activités à distance et durée estimée")).to_be_visible()

    page.get_by_role("link", name=sample_course.video).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sample_course.video)
    video = page.locator("video")
    assert video.get_attribute("autoplay") is None
    page.wait_for_function(FRENCH_TRACK)
    check_a11y(page)

    # The French captions track is showing, with the cues of the shipped file.
    cues = page.evaluate("""() => {
      const track = Array.from(document.querySelector("video").textTracks).find(t => t.language === "fr");
      return {label: track.label, kind: track.kind, cues: Array.from(track.cues).map(c => c.text)};
    }""")
    assert cues["kind"] == "captions" and cues["label"] == "Français"
    assert cues["cues"] == vtt_cues(FIRST_VIDEO_MODULE / "video.fr.vtt")

    # The transcript sits next to the player.
    expect(page.get_by_role("heading", name="Transcription")).to_be_visible()
    expect(page.get_by_text("Pour l'OMS, la santé mentale est un état de bien-être")).to_be_visible()
    expect(page.get_by_role("link", name="Télécharger la transcription (texte)")).to_be_visible()

    # Keyboard: Tab from the last link before the player lands on it; Space plays, Space pauses.
    video.evaluate("v => { v.muted = true; }")
    page.locator(".breadcrumbs a[aria-current=page]").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.tagName") == "VIDEO"
    page.keyboard.press("Space")
    page.wait_for_function("() => !document.querySelector('video').paused")
    expect(page.get_by_role("button", name="Lecture")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('video').paused")
    expect(page.get_by_role("button", name="Lecture")).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("k")
    page.wait_for_function("() => !document.querySelector('video').paused")
    page.keyboard.press("k")
    page.wait_for_function("() => document.querySelector('video').paused")
    before = video.evaluate("v => v.currentTime")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => document.querySelector('video').currentTime >= {before + 4.9}")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => document.querySelector('video').currentTime <= {before + 0.5}")

    # Captions on and off, by key and by the button that shows its state.
    captions = page.get_by_role("button", name="Sous-titres")
    expect(captions).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("c")
    expect(captions).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("() => document.querySelector('video').textTracks[0].mode") == "hidden"
    captions.click()
    expect(captions).to_have_attribute("aria-pressed", "true")
    page.wait_for_function(FRENCH_TRACK)
    expect(page.get_by_text(re.compile("Quand le lecteur a le focus"))).to_be_visible()
    check_a11y(page)

    # On to the text and the quiz of the same module, by the "next" links.
    page.get_by_role("link", name=re.compile("^Suivant")).click()
    expect(page).to_have_url(re.compile(rf"/elements/{sample_course.text_id}$"))
    check_a11y(page)
    page.get_by_role("link", name=re.compile("^Suivant")).click()
    expect(page).to_have_url(re.compile(rf"/elements/{sample_course.quiz_id}$"))
    expect(page.get_by_text("Seuil de réussite", exact=True)).to_be_visible()
    check_a11y(page)


@pytest.mark.parametrize("width", [1280, 320])
def test_learner_pages_pass_axe(new_context, width, create_user, sign_in, sample_course):
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    sign_in(page, create_user("learner"))
    base = f"/formations/{sample_course.id}"
    visit(page, "/formations", "Formations")
    visit(page, base, sample_course.title)
    visit(page, f"{base}/elements/{sample_course.video_id}", sample_course.video)
    page.wait_for_function(FRENCH_TRACK)
    check_a11y(page)
    visit(page, f"{base}/elements/{sample_course.text_id}", "Définition, continuum et déterminants")
    visit(page, f"{base}/elements/{sample_course.quiz_id}", "Quiz : la santé mentale")
    # An item about suicide: its content note, then the crisis numbers, before the film.
    visit(page, f"{base}/elements/{sample_course.crisis_id}", sample_course.crisis)
    help_block = page.get_by_role("complementary", name="Besoin d'aide maintenant ?")
    expect(help_block.get_by_role("link", name="3114")).to_be_visible()
    expect(page.get_by_role("complementary", name="Note de contenu")).to_contain_text("idées suicidaires")
