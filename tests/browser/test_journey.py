"""The learner's journey in Chromium: the player's beacons record what is really watched (seeking to
the end does not complete, watching at double speed does), resume after a reload, and "Mon parcours"
and the course page pass axe, also at 320 px."""
from __future__ import annotations

import re
import time
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.authoring import services as authoring
from lms.extensions import db
from lms.learning.models import ItemProgress
from tests.browser.a11y import check_a11y
from tests.browser.helpers import assert_no_horizontal_scroll
from tests.browser.sample_course import import_sample_course

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

SLUG, TITLE = "suivi-de-progression-essai", "Suivi de progression : parcours d'essai"


@pytest.fixture(scope="session")
def journey_course(live_server, tmp_path_factory):
    """The sample course under its own slug and title (tests/browser/test_player.py imports the original
    into the same live database), published; its films rendered small to keep the import quick."""
    app = live_server.app
    course_id = import_sample_course(app, tmp_path_factory.mktemp("journey"), slug=SLUG, title=TITLE,
                                     coordinator_email="coordination.suivi@navigateur.example.org")
    with app.app_context():
        course = authoring.get_course(course_id)
        module = next(m for m in course.modules if m.key == "sante-mentale")
        video = next(item for item in module.items if item.kind == "video")
        return SimpleNamespace(id=course.id, title=course.title, video_id=video.id, video=video.title,
                               duration_s=video.video.duration_s)


def progress_of(app, user_id: int, item_id: int) -> ItemProgress | None:
    with app.app_context():
        row = db.session.scalar(select(ItemProgress).where(ItemProgress.user_id == user_id,
                                                           ItemProgress.item_id == item_id))
        if row is not None:
            db.session.expunge(row)
        db.session.remove()
        return row


def wait_for_row(app, user_id: int, item_id: int, condition, timeout_s: float = 15) -> ItemProgress:
    deadline = time.monotonic() + timeout_s
    while True:
        row = progress_of(app, user_id, item_id)
        if row is not None and condition(row):
            return row
        assert time.monotonic() < deadline, f"progress never reached the expected state: {row and vars(row)}"
        time.sleep(0.2)


def play_from(page, start_s: float, rate: float = 1.0) -> None:
    page.evaluate("""([start, rate]) => {
      const v = document.querySelector("video");
      v.muted = true; v.playbackRate = rate; v.currentTime = start; return v.play();
    }""", [start_s, rate])


def test_watching_completes_seeking_does_not_and_a_reload_resumes(page, create_user, sign_in, live_app,
                                                                   journey_course):
    learner = create_user("learner")
    sign_in(page, learner)
    path = f"/formations/{journey_course.id}/elements/{journey_course.video_id}"
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(journey_course.video)
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    check_a11y(page)
    expect(page.get_by_text("Vu : 0 %")).to_be_visible()
    duration = page.evaluate("() => document.querySelector('video').duration")
    duration_ms = round(duration * 1000)

    # Seeking to the end and playing the last second: recorded, but far from complete.
    play_from(page, duration - 1)
    page.wait_for_function("() => document.querySelector('video').ended", timeout=15_000)
    row = wait_for_row(live_app, learner.id, journey_course.video_id, lambda r: r.position_ms >= duration_ms - 500)
    assert row.completed_at is None and row.watched_ms <= 2_000
    expect(page.locator("[data-watch-done]")).to_be_hidden()

    # Watching the whole film at double speed: the beacons (every 10 s) carry 20 s each, within
    # the server's allowance (2 × 10 + 15 s): the item completes, and the page says so.
    play_from(page, 0, rate=2)
    page.wait_for_function("() => document.querySelector('video').ended", timeout=duration * 1000 / 2 + 20_000)
    expect(page.get_by_text("Terminé", exact=True)).to_be_visible()
    expect(page.locator("[data-watch-seen]")).to_have_text(re.compile(r"Vu : (9\d|100) %"))
    row = wait_for_row(live_app, learner.id, journey_course.video_id, lambda r: r.completed_at is not None)
    assert row.watched_ms >= 0.9 * duration_ms

    # Stop around 20 s: a reload resumes there and says so.
    play_from(page, 15)
    page.wait_for_function("() => document.querySelector('video').currentTime >= 20")
    page.evaluate("() => document.querySelector('video').pause()")
    row = wait_for_row(live_app, learner.id, journey_course.video_id, lambda r: 19_000 <= r.position_ms <= 30_000)
    page.reload()
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    status = page.locator("[data-resume-status]")
    expect(status).to_have_text(re.compile(r"^Reprise à \d+\u00a0s$"))
    assert f"{row.position_ms // 1000}\u00a0s" in status.inner_text()
    assert abs(page.evaluate("() => document.querySelector('video').currentTime") - row.position_ms / 1000) < 1
    expect(page.locator("[data-watch-done]")).to_be_visible()
    check_a11y(page)

    # The course page: the film is done, the rest to do; "Mon parcours" lists the course.
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/formations/{journey_course.id}")
        expect(page.get_by_role("heading", level=1)).to_have_text(journey_course.title)
        expect(page.get_by_role("link", name="Reprendre le parcours")).to_be_visible()
        expect(page.get_by_text(re.compile(r"\d+ éléments? requis terminés? sur \d+"))).to_be_visible()
        expect(page.locator(".outline-items > li", has=page.get_by_role("link", name=journey_course.video, exact=True))
               .locator(".item-status")).to_have_text("Terminé")
        check_a11y(page)
        assert_no_horizontal_scroll(page)

        page.goto("/mon-parcours")
        expect(page.get_by_role("heading", level=1)).to_have_text("Mon parcours")
        mine = page.locator(".journey-course", has=page.get_by_role("link", name=journey_course.title))
        expect(mine.first).to_contain_text("Temps passé")
        expect(mine.first.get_by_role("link", name=re.compile("^Reprendre"))).to_be_visible()
        check_a11y(page)
        assert_no_horizontal_scroll(page)
