"""Concurrent beacons lose nothing, on the real database (SQLite or PostgreSQL), with real commits."""
import threading
import uuid
from types import SimpleNamespace

import psycopg
import pytest

from lms.auth.models import User
from lms.authoring import services as authoring
from lms.authoring.models import PUBLISHED, TEXT, Course, Item
from lms.core import storage
from lms.core.db import commit
from lms.extensions import db
from lms.learning.models import ItemProgress, QuizAttempt
from lms.learning.services.progress import record_beacon, record_video_progress
from tests import factories
from tests.conftest import FreshGlobalsClient, api_headers
from tests.learningtools import after_each_driver_statement, quiz_spec, wrong_answers
from tests.videotools import course_using, ready_video

pytestmark = pytest.mark.no_transaction

BEACONS = 20


def views_order(user, item, position, watched):
    """What the beacon routes call: the steady path first, the full path when it declines."""
    record_beacon(user, item.id, {"position_s": position, "watched": watched})


@pytest.fixture
def race(app):
    """A learner and a published course whose first item is a film of BEACONS x 10 s, committed for real;
    everything removed afterwards (other tests share the database and media store and count rows)."""
    with app.app_context():
        tag = uuid.uuid4().hex[:8]
        learner = factories.learner(email=f"race-{tag}@example.org")
        trainer = factories.trainer(email=f"race-trainer-{tag}@example.org")
        video = ready_video(trainer)
        video.duration_s = BEACONS * 10.0
        commit()
        course = course_using(video, published=True, slug=f"course-race-{tag}")
        # A second required item keeps the course from completing: no certificate, no email left behind
        # in the database the other tests share.
        db.session.add(Item(module=course.modules[0], key="t1", kind=TEXT, title="Texte", position=2,
                            body_markdown="À lire."))
        commit()
        ids = SimpleNamespace(item=course.modules[0].items[0].id, course=course.id, learner=learner.id,
                              trainer=trainer.id)
        db.session.remove()
    yield ids
    with app.app_context():
        video = db.session.get(Item, ids.item).video
        for key in (video.stream_key, video.poster_key, *(c.storage_key for c in video.captions)):
            storage.delete(key)
        db.session.delete(db.session.get(Course, ids.course))  # its progress rows go with it
        db.session.delete(video)
        for user_id in (ids.learner, ids.trainer):
            db.session.delete(db.session.get(User, user_id))
        commit()


def prime(app, race, watch_clock) -> None:
    """The first segment sent as long ago as the film lasts: the other beacons find the row and take the
    steady path, and the wall clock leaves them room for the whole film (API.md: 2 × t + 15 s in all)."""
    with app.app_context():
        record_video_progress(db.session.get(User, race.learner), db.session.get(Item, race.item), 10, [[0, 10]])
        commit()
        db.session.remove()
    watch_clock.advance(BEACONS * 10)


def the_row(app, race) -> ItemProgress:
    with app.app_context():
        rows = db.session.query(ItemProgress).filter_by(user_id=race.learner, item_id=race.item).all()
        assert len(rows) == 1
        db.session.expunge(rows[0])
        return rows[0]


def on_a_server(app, race) -> tuple[dict, str]:
    """PostgreSQL only (SQLite has no server to go away): the learner's API headers and the server's address."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            pytest.skip("no server to go away")
        return (api_headers(app, db.session.get(User, race.learner)),
                db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False))


def run_together(count: int, work) -> list[str]:
    """``work(n)`` in ``count`` threads released at once; the errors, each with its thread's number."""
    barrier, errors = threading.Barrier(count), []

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            work(n)
        except Exception as exc:  # noqa: BLE001 (reported by the caller, with the thread's number)
            errors.append(f"{n}: {exc!r}")

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.parametrize("path, primed", [(record_video_progress, False), (views_order, True)],
                         ids=["full path", "steady path on a started film"])
def test_twenty_concurrent_beacons_of_adjacent_segments_lose_none(app, race, watch_clock, path, primed):
    """On a film not started yet, the first beacons all arrive at once: together they may add 15 s (API.md:
    2 × 0 + 15 s), so each brings 0.75 s. On a film started long enough ago, each brings 10 s: the film."""
    if primed:
        prime(app, race, watch_clock)
    first, length = (1, 10.0) if primed else (0, 0.75)

    def beacon(n: int) -> None:
        n += first
        with app.app_context():
            try:
                user, item = db.session.get(User, race.learner), db.session.get(Item, race.item)
                path(user, item, n * length + length, [[n * length, n * length + length]])
                commit()
            finally:
                db.session.remove()

    assert run_together(BEACONS - first, beacon) == []
    row = the_row(app, race)
    covered = round(BEACONS * length * 1000)
    assert row.watched == [[0, covered]]
    assert row.watched_ms == covered and row.completed is primed and row.beacons == BEACONS


def test_twenty_concurrent_api_beacons_on_a_started_film_end_at_full_coverage(app, race, watch_clock):
    """Through the route, with real commits: on PostgreSQL the steady statements commit alone and swap on the
    row's counter, so the beacons that lose a race take the locked path; none is lost."""
    with app.app_context():
        headers = api_headers(app, db.session.get(User, race.learner))
    prime(app, race, watch_clock)

    def beacon(n: int) -> None:
        n += 1
        client = FreshGlobalsClient(app, app.response_class, use_cookies=False)
        answer = client.post(f"/api/v1/items/{race.item}/progress", headers=headers,
                             json={"position_s": n * 10 + 10, "watched": [[n * 10, n * 10 + 10]]})
        assert answer.status_code == 200, answer.get_data(as_text=True)

    assert run_together(BEACONS - 1, beacon) == []
    row = the_row(app, race)
    assert row.watched == [[0, BEACONS * 10_000]] and row.completed and row.beacons == BEACONS


def test_a_beacon_overtaken_between_its_read_and_its_write_takes_the_locked_path(app, race, watch_clock):
    """Another request writes the row between the steady beacon's SELECT and its UPDATE: the UPDATE changes
    nothing, and the full path adds the segments inside a transaction. Both beacons count."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            pytest.skip("SQLite runs one writing transaction at a time: no request can write in between")
        headers = api_headers(app, db.session.get(User, race.learner))
    prime(app, race, watch_clock)
    ours, other = [], []  # (statement, inside a transaction block), in order

    def interleave(cursor, statement):
        if other or statement == ";":  # ";": the pool's check of the connection it lends (pool_pre_ping)
            return
        ours.append((statement, not cursor.connection.autocommit))
        if len(ours) == 1:  # the steady SELECT: another tab's beacon is written and committed now
            other.append(statement)
            with app.app_context():
                record_video_progress(db.session.get(User, race.learner), db.session.get(Item, race.item), 20,
                                      [[10, 20]])
                commit()
                db.session.remove()
            other.clear()

    with after_each_driver_statement(interleave):
        client = FreshGlobalsClient(app, app.response_class, use_cookies=False)
        answer = client.post(f"/api/v1/items/{race.item}/progress", headers=headers,
                             json={"position_s": 30, "watched": [[20, 30]]})
    assert answer.status_code == 200 and answer.get_json()["watched_ratio"] == 30 / (BEACONS * 10)
    row = the_row(app, race)
    assert row.watched == [[0, 30_000]] and row.beacons == 3
    steady_select, swap, *full_path = ours
    assert "api_tokens" in steady_select[0] and not steady_select[1]  # committed alone (PostgreSQL)
    assert swap[0].startswith("UPDATE item_progress") and "beacons =" in swap[0] and not swap[1]
    locked = [entry for entry in full_path if entry[0].startswith("SELECT item_progress") and "FOR UPDATE" in entry[0]]
    assert locked and all(in_transaction for _statement, in_transaction in full_path)


def test_a_beacon_after_the_server_dropped_the_idle_connections_is_kept(app, race, watch_clock):
    """The server closes every pooled connection (a restart, an idle timeout) just after they were used: each
    is checked before it is lent (pool_pre_ping), so the next beacon gets a new one and is kept."""
    headers, url = on_a_server(app, race)
    with app.app_context():
        pooled = [db.engine.raw_connection() for _ in range(3)]  # the pool holds several connections
        for connection in pooled:
            connection.close()
    prime(app, race, watch_clock)
    client = FreshGlobalsClient(app, app.response_class, use_cookies=False)
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                      " WHERE datname = current_database() AND pid <> pg_backend_pid()")
    kept = client.post(f"/api/v1/items/{race.item}/progress", headers=headers,
                       json={"position_s": 20, "watched": [[10, 20]]})
    assert kept.status_code == 200 and kept.get_json()["watched_ratio"] == 20 / (BEACONS * 10)
    row = the_row(app, race)
    assert row.watched == [[0, 20_000]] and row.beacons == 2


def test_a_beacon_whose_connection_the_server_drops_midway_fails_alone_and_the_next_one_is_kept(
        app, race, watch_clock):
    """The server closes the connection after it was checked and lent, before the steady beacon's SELECT: that
    beacon fails with a 500 and writes nothing, the pool is renewed, and the player's next beacon is kept."""
    headers, url = on_a_server(app, race)
    prime(app, race, watch_clock)
    client = FreshGlobalsClient(app, app.response_class, use_cookies=False)
    driver_execute, dropped = psycopg.Cursor.execute, []

    def execute(cursor, query, *args, **kwargs):
        if not dropped and "api_tokens" in str(query):  # the steady SELECT, on the connection just lent
            dropped.append(cursor.connection.info.backend_pid)
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [dropped[0]])
        return driver_execute(cursor, query, *args, **kwargs)

    psycopg.Cursor.execute = execute
    try:
        lost = client.post(f"/api/v1/items/{race.item}/progress", headers=headers,
                           json={"position_s": 20, "watched": [[10, 20]]})
    finally:
        psycopg.Cursor.execute = driver_execute
    assert dropped and lost.status_code == 500 and lost.get_json()["error"]["code"] == "internal_error"
    kept = client.post(f"/api/v1/items/{race.item}/progress", headers=headers,
                       json={"position_s": 20, "watched": [[10, 20]]})  # the player sends them again
    assert kept.status_code == 200 and kept.get_json()["watched_ratio"] == 20 / (BEACONS * 10)
    row = the_row(app, race)
    assert row.watched == [[0, 20_000]] and row.beacons == 2


ANSWERS = 12


@pytest.fixture
def quiz_race(app):
    """A published course whose only required item is a graded quiz with no attempt limit, committed for real;
    removed afterwards with its learner."""
    with app.app_context():
        tag = uuid.uuid4().hex[:8]
        learner = factories.learner(email=f"quiz-race-{tag}@example.org")
        trainer = factories.trainer(email=f"quiz-race-trainer-{tag}@example.org")
        course = authoring.create_course(trainer, f"Course aux réponses {tag}")
        module = authoring.add_module(trainer, course, "Partie 1")
        item = authoring.add_item(trainer, module, "quiz", "Quiz", quiz=quiz_spec("graded", pass_mark=100))
        course.status = PUBLISHED
        commit()
        ids = SimpleNamespace(quiz=item.quiz.id, course=course.id, learner=learner.id, trainer=trainer.id,
                              wrong=wrong_answers(item.quiz))
        db.session.remove()
    yield ids
    with app.app_context():
        db.session.delete(db.session.get(Course, ids.course))  # its attempts and progress rows go with it
        for user_id in (ids.learner, ids.trainer):
            db.session.delete(db.session.get(User, user_id))
        commit()


def test_concurrent_api_answers_each_get_their_own_number(app, quiz_race):
    """Twelve answers at once after the first, with real commits: on PostgreSQL the steady ones commit alone,
    unlocked; two that read the same latest number cannot both take the next one (the number is unique), and
    the loser is numbered by the locked full path. Every answer is kept once, and counted once on the row."""
    with app.app_context():
        headers = api_headers(app, db.session.get(User, quiz_race.learner))
    path = f"/api/v1/quizzes/{quiz_race.quiz}/attempts"
    client = FreshGlobalsClient(app, app.response_class, use_cookies=False)
    assert client.post(path, headers=headers, json={"answers": quiz_race.wrong}).status_code == 201
    numbers = []

    def answer(n: int) -> None:
        response = FreshGlobalsClient(app, app.response_class, use_cookies=False).post(
            path, headers=headers, json={"answers": quiz_race.wrong})
        assert response.status_code == 201, response.get_data(as_text=True)
        numbers.append(response.get_json()["number"])

    assert run_together(ANSWERS, answer) == []
    assert sorted(numbers) == list(range(2, ANSWERS + 2))
    with app.app_context():
        attempts = db.session.query(QuizAttempt).filter_by(user_id=quiz_race.learner, quiz_id=quiz_race.quiz).all()
        assert sorted(a.number for a in attempts) == list(range(1, ANSWERS + 2))
        assert all(a.submitted_at is not None and a.score == 0 for a in attempts)
        row = db.session.query(ItemProgress).filter_by(user_id=quiz_race.learner).one()
        assert row.beacons == ANSWERS + 1 and row.completed_at is None
