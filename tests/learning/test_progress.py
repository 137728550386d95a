"""Recording progress: beacons within the wall clock, seeking never completes, text items read."""
from datetime import timedelta

import pytest

from lms.authoring.models import TEXT, Item
from lms.core.clock import utcnow
from lms.core.db import commit
from lms.core.errors import Conflict, Invalid, NotFound
from lms.extensions import db
from lms.learning.services.progress import mark_text_read, parse_beacon, record_video_progress
from tests.conftest import api_headers
from tests.videotools import course_using, ready_video


@pytest.fixture
def film(make):
    video = ready_video(make.trainer())
    video.duration_s = 300.0
    course = course_using(video, published=True)
    return course.modules[0].items[0]


def beacons(learner, item, segments, *, every_s=10, start=None):
    """One beacon per segment, ``every_s`` seconds of wall clock apart."""
    moment = start or utcnow()
    row = None
    for begin, end in segments:
        row = record_video_progress(learner, item, end, [[begin, end]], now=moment)
        moment += timedelta(seconds=every_s)
    return row


def test_watching_the_whole_film_in_real_time_completes_it(make, film):
    learner = make.learner()
    row = beacons(learner, film, [(t, t + 10) for t in range(0, 300, 10)])
    assert row.completed and row.watched_ratio == 1.0
    assert row.watched == [[0, 300_000]] and row.position_ms == 300_000
    assert row.time_spent_ms == 300_000


def test_seeking_to_the_end_and_watching_the_last_seconds_does_not_complete(make, film):
    learner = make.learner()
    row = record_video_progress(learner, film, 300, [[290, 300]])
    assert not row.completed and row.watched_ms == 10_000 and row.position_ms == 300_000


def test_a_beacon_cannot_claim_more_than_the_wall_clock_allows(make, film):
    learner = make.learner()
    start = utcnow()
    first = record_video_progress(learner, film, 10, [[0, 10]], now=start)
    assert first.watched_ms == 10_000
    # 5 s later, a beacon claims 4 minutes played: all beacons together get 2 × 5 + 15 = 25 s.
    row = record_video_progress(learner, film, 250, [[10, 250]], now=start + timedelta(seconds=5))
    assert row.watched_ms == 25_000 and row.watched == [[0, 25_000]] and not row.completed
    # After a pause of 5 minutes, one beacon still gets no more than 2 × 60 + 15 = 135 s.
    row = record_video_progress(learner, film, 300, [[25, 300]], now=start + timedelta(seconds=305))
    assert row.watched_ms == 160_000 and row.watched == [[0, 160_000]] and not row.completed


def test_watching_twice_at_double_speed_counts_once(make, film):
    learner = make.learner()
    segments = [(t, t + 20) for t in range(0, 300, 20)]  # 20 s of film every 10 s: playbackRate 2
    row = beacons(learner, film, segments)
    row = beacons(learner, film, segments, start=utcnow() + timedelta(minutes=5))
    assert row.watched_ms == 300_000 and row.completed
    assert row.beacons == 30


def test_completion_at_ninety_percent(make, film):
    learner = make.learner()
    row = beacons(learner, film, [(t, t + 10) for t in range(0, 260, 10)])
    assert row.watched_ms == 260_000 and not row.completed
    row = beacons(learner, film, [(260, 270)], start=utcnow() + timedelta(minutes=10))
    assert row.watched_ms == 270_000 and row.completed


def test_segments_beyond_the_duration_are_clipped(make, film):
    row = record_video_progress(make.learner(), film, 9_999, [[295, 9_999]])
    assert row.watched == [[295_000, 300_000]] and row.position_ms == 300_000


def test_one_row_per_learner_and_item(make, film):
    learner = make.learner()
    beacons(learner, film, [(0, 10), (10, 20)])
    from lms.learning.models import ItemProgress

    assert db.session.query(ItemProgress).filter_by(user_id=learner.id).count() == 1


def test_draft_items_take_no_progress(make):
    video = ready_video(make.trainer())
    item = course_using(video, published=False).modules[0].items[0]
    with pytest.raises(NotFound):
        record_video_progress(make.learner(), item, 1, [[0, 1]])


def test_text_items_complete_when_read_and_videos_do_not(make, film):
    learner = make.learner()
    text = Item(module=film.module, key="t1", kind=TEXT, title="Lire", position=1, body_markdown="Texte.")
    db.session.add(text)
    db.session.flush()
    row = mark_text_read(learner, text)
    assert row.completed
    assert mark_text_read(learner, text).completed_at == row.completed_at  # recorded once
    with pytest.raises(Conflict):
        mark_text_read(learner, film)
    with pytest.raises(Conflict):
        record_video_progress(learner, text, 1, [[0, 1]])


@pytest.mark.parametrize("body, field", [
    ({"position_s": -1}, "position_s"),
    ({"position_s": "12"}, "position_s"),
    ({"position_s": True}, "position_s"),
    ({"watched": "0-10"}, "watched"),
    ({"watched": [[0]]}, "watched.0"),
    ({"watched": [[5, 1]]}, "watched.0"),
    ({"watched": [[0, "x"]]}, "watched.0.1"),
    ({"watched": [[0, 1]] * 201}, "watched"),
])
def test_malformed_beacons_are_refused_with_the_field(body, field):
    with pytest.raises(Invalid) as caught:
        parse_beacon(body)
    assert field in caught.value.fields


def test_a_good_beacon_parses():
    assert parse_beacon({"position_s": 12.5, "watched": [[0, 12.5]]}) == (12.5, [(0.0, 12.5)])
    assert parse_beacon({}) == (0.0, [])


def test_me_progress_and_the_gdpr_export_show_the_learning(app, client, make, film, outbox):
    learner = make.learner()
    beacons(learner, film, [(t, t + 10) for t in range(0, 300, 10)])
    commit()
    headers = api_headers(app, learner)
    rows = client.get("/api/v1/me/progress", headers=headers).get_json()["items"]
    assert rows == [{"course_id": film.module.course_id, "started_at": rows[0]["started_at"],
                     "completed_at": rows[0]["completed_at"], "completed_items": 1, "required_items": 1}]
    assert rows[0]["started_at"].endswith(("+01:00", "+02:00")) and rows[0]["completed_at"] is not None
    other = make.learner()
    assert client.get("/api/v1/me/progress", headers=api_headers(app, other)).get_json()["items"] == []
    assert client.get(f"/api/v1/users/{learner.id}/progress", headers=api_headers(app, other)).status_code == 403
    export = client.get("/api/v1/me/export", headers=headers).get_json()
    assert export["learning_progress"][0]["watched_intervals_s"] == [[0, 300]]
    assert export["learning_progress"][0]["item_title"] == film.title
