"""The steady beacon (lms.learning.services.progress.steady_beacon, tried first by record_beacon): the common case in two statements, with
exactly the outcome of the full path, and every other case left to the full path."""
from datetime import timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from lms.auth.models import ApiToken
from lms.authoring.models import DRAFT
from lms.core.clock import as_utc, utcnow
from lms.extensions import db
from lms.learning.models import ItemProgress
from lms.learning.services.progress import learner_item, progress_state, record_beacon, record_video_progress
from tests.conftest import api_headers, csrf_token, login_as
from tests.learningtools import statements, stored_progress

COLUMNS = ("watched", "watched_ms", "duration_ms", "position_ms", "time_spent_ms", "beacons", "started_at",
           "completed_at")


def beacon(client, headers, item_id, start, end, watch_clock=None):
    """The segment [start, end] played (at normal speed: the clock moves on by its length), then sent."""
    if watch_clock is not None:
        watch_clock.advance(end - start)
    return client.post(f"/api/v1/items/{item_id}/progress", headers=headers,
                       json={"position_s": end, "watched": [[start, end]]})


def test_a_steady_beacon_reads_and_writes_its_row_once_and_nothing_else(app, client, make, small_course, watch_clock):
    headers, film_id = api_headers(app, make.learner()), small_course.film.id
    assert beacon(client, headers, film_id, 0, 10, watch_clock).status_code == 200  # first: the full path
    with statements() as seen:
        answer = beacon(client, headers, film_id, 10, 20, watch_clock)
    assert answer.status_code == 200
    assert answer.get_json() == {"watched_ratio": 0.2, "completed": False, "position_s": 20.0, "completed_at": None}
    work = [s for s in seen if not s.startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))]
    assert len(work) == 2  # the token, the row and its item's facts in one SELECT; then one UPDATE
    assert work[0].startswith("SELECT") and "item_progress" in work[0] and "api_tokens" in work[0]
    assert work[1].startswith("UPDATE item_progress")
    if db.session.get_bind().dialect.name == "postgresql":  # this transaction's commit does not wait for the disk
        assert db.session.execute(text("SHOW synchronous_commit")).scalar() == "off"


def test_a_completing_beacon_waits_for_the_disk(app, client, make, small_course, watch_clock):
    headers, film_id = api_headers(app, make.learner()), small_course.film.id
    for start in range(0, 80, 10):
        assert beacon(client, headers, film_id, start, start + 10, watch_clock).get_json()["completed"] is False
    with statements() as seen:
        assert beacon(client, headers, film_id, 80, 90, watch_clock).get_json()["completed"] is True
    assert not [s for s in seen if "set_config" in s]  # the steady UPDATE (and its async commit) was not used


def test_the_beacon_that_completes_the_film_records_it_through_the_full_path(app, client, make, small_course, watch_clock):
    headers, film_id = api_headers(app, make.learner()), small_course.film.id
    answers = [beacon(client, headers, film_id, start, start + 10, watch_clock).get_json() for start in range(0, 100, 10)]
    assert [a["completed"] for a in answers] == [False] * 8 + [True, True]  # 90 % of 100 s
    assert answers[8]["completed_at"] is not None and answers[9]["completed_at"] == answers[8]["completed_at"]
    assert answers[9]["watched_ratio"] == 1.0


def test_a_course_unpublished_while_watching_stops_its_beacons(app, client, make, small_course):
    headers, film_id = api_headers(app, make.learner()), small_course.film.id
    assert beacon(client, headers, film_id, 0, 10).status_code == 200
    small_course.course.status = DRAFT
    db.session.flush()
    assert beacon(client, headers, film_id, 10, 20).status_code == 404


def test_a_token_that_expired_or_whose_holder_left_is_401_on_a_started_film(app, client, make, small_course):
    learner = make.learner()
    headers, film_id = api_headers(app, learner), small_course.film.id
    assert beacon(client, headers, film_id, 0, 10).status_code == 200
    token = db.session.scalars(select(ApiToken).where(ApiToken.user_id == learner.id)).one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    answer = beacon(client, headers, film_id, 10, 20)
    assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "invalid_token"
    headers = api_headers(app, learner)
    learner.active = False
    db.session.flush()
    assert beacon(client, headers, film_id, 10, 20).status_code == 401


def test_a_token_only_ever_moves_its_holders_own_row(app, client, make, small_course, watch_clock):
    first, second = make.learner(), make.learner()
    film_id = small_course.film.id
    assert beacon(client, api_headers(app, first), film_id, 0, 10, watch_clock).status_code == 200
    headers = api_headers(app, second)
    assert beacon(client, headers, film_id, 10, 20, watch_clock).get_json()["watched_ratio"] == 0.1  # second's first beacon
    assert beacon(client, headers, film_id, 20, 30, watch_clock).get_json()["watched_ratio"] == 0.2  # the steady path
    rows = {row.user_id: row.watched for row in db.session.scalars(
        select(ItemProgress).execution_options(populate_existing=True))}
    assert rows == {first.id: [[0, 10_000]], second.id: [[10_000, 30_000]]}


def test_a_malformed_beacon_on_a_started_film_is_still_422(app, client, make, small_course):
    headers, film_id = api_headers(app, make.learner()), small_course.film.id
    assert beacon(client, headers, film_id, 0, 10).status_code == 200
    answer = client.post(f"/api/v1/items/{small_course.film.id}/progress", headers=headers,
                         json={"position_s": 5, "watched": [[20, 10]]})
    assert answer.status_code == 422 and "watched.0" in answer.get_json()["error"]["fields"]


def test_the_browser_beacon_checks_the_course_in_its_address(client, make, small_course, watch_clock):
    login_as(client, make.learner())
    headers = {"X-CSRFToken": csrf_token(client, "/compte")}
    course, film = small_course.course, small_course.film
    path = f"/formations/{course.id}/elements/{film.id}/progression"
    assert client.post(path, json={"position_s": 10, "watched": [[0, 10]]}, headers=headers).status_code == 200
    wrong = f"/formations/{course.id + 1000}/elements/{film.id}/progression"
    assert client.post(wrong, json={"position_s": 20, "watched": [[10, 20]]}, headers=headers).status_code == 404
    watch_clock.advance(10)
    answer = client.post(path, json={"position_s": 20, "watched": [[10, 20]]}, headers=headers)
    assert answer.status_code == 200 and answer.get_json()["watched_ratio"] == 0.2


segment = st.tuples(st.integers(0, 120), st.integers(0, 40)).map(lambda p: [p[0], p[0] + p[1]])
step = st.tuples(st.integers(0, 90), st.lists(segment, max_size=3), st.integers(0, 130))  # wait, segments, position


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_the_steady_path_ends_exactly_where_the_full_path_does(make, small_course, steps):
    """Two learners send the same beacons at the same moments: one through record_beacon (steady first, the
    full path when it declines), one through the full path only. Their rows never differ, and neither holds
    more coverage than 2 × t + 15 s, t the time since the first beacon (API.md)."""
    fast, full = make.learner(), make.learner()
    item = learner_item(full, small_course.film.id)
    moment = utcnow()
    first = moment + timedelta(seconds=steps[0][0])  # the first beacon's moment
    for wait, watched, position in steps:
        moment += timedelta(seconds=wait)
        body = {"position_s": position, "watched": watched}
        with statements() as seen:
            answer = record_beacon(fast, item.id, body, now=moment)
        event("steady path" if len(seen) <= 3 else "full path")
        reference = record_video_progress(full, item, position, watched, now=moment)
        db.session.flush()
        if reference.completed_at is not None:
            event("completed")
        assert answer == progress_state(reference)
        assert columns(stored_progress(fast, item)) == columns(reference)
        assert reference.watched_ms <= 2 * (moment - first) / timedelta(milliseconds=1) + 15_000


def columns(row) -> dict:
    values = {name: getattr(row, name) for name in COLUMNS}
    values["completed_at"] = as_utc(values["completed_at"]) if values["completed_at"] else None
    values["started_at"] = as_utc(values["started_at"])
    return values
