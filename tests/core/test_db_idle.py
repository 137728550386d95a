"""A web worker whose database connections sat idle in the pool serves its next requests as any other: every
fast path that runs in AUTOCOMMIT on PostgreSQL (lms.core.statements.plain_statements, the ``reads_only`` pages) gets
a connection outside any transaction, as the pool's check found it (it once left it inside one: every first
course page, beacon or quiz answer after ten quiet seconds answered 500)."""
import time
import uuid
from types import SimpleNamespace

import psycopg
import pytest

from lms.auth.models import User
from lms.authoring import services as authoring
from lms.authoring.models import PUBLISHED, Course
from lms.core import db as unit_of_work
from lms.core import storage
from lms.core.db import commit
from lms.extensions import db
from tests import factories
from tests.conftest import FreshGlobalsClient, api_headers, csrf_token, signed_in_browser
from tests.learningtools import quiz_spec, wrong_answers
from tests.videotools import ready_video

pytestmark = pytest.mark.no_transaction  # the app's own pool and sessions, with real commits, as in production

QUIET_S = 3600  # longer than any threshold a pool could use to decide that a connection was idle


@pytest.fixture
def idle_pool(app, monkeypatch):
    """``idle()``: every connection in the pool stays there QUIET_S seconds more. The clocks the pool and its
    events read (time.monotonic, time.time) move on, rather than the test sleeping; the pool, its check on
    checkout and the database are the real ones. The pool is emptied afterwards: no connection stamped in the
    moved time outlives the test."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL only: the fast paths switch to AUTOCOMMIT there")
    offset = 0.0
    monotonic, wall = time.monotonic, time.time

    def idle() -> None:
        nonlocal offset
        offset += QUIET_S

    monkeypatch.setattr(time, "monotonic", lambda: monotonic() + offset)
    monkeypatch.setattr(time, "time", lambda: wall() + offset)
    yield idle
    monkeypatch.undo()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def quiet_course(app):
    """A learner who has started a film and answered a quiz of a published course (so that their next beacon
    and answer take the fast paths), committed for real; everything removed afterwards."""
    with app.app_context():
        tag = uuid.uuid4().hex[:8]
        learner = factories.learner(email=f"idle-{tag}@example.org")
        trainer = factories.trainer(email=f"idle-trainer-{tag}@example.org")
        video = ready_video(trainer)
        video.duration_s = 100.0
        course = authoring.create_course(trainer, f"Parcours au calme {tag}")
        module = authoring.add_module(trainer, course, "Partie 1")
        film = authoring.add_item(trainer, module, "video", "Film", video_id=video.id)
        quiz = authoring.add_item(trainer, module, "quiz", "Quiz", quiz=quiz_spec("graded", pass_mark=100))
        authoring.add_item(trainer, module, "text", "À lire", body_markdown="Texte.")  # never completed
        course.status = PUBLISHED
        commit()
        ids = SimpleNamespace(course=course.id, film=film.id, quiz=quiz.quiz.id, learner=learner.id,
                              trainer=trainer.id, video=video.id, wrong=wrong_answers(quiz.quiz))
        db.session.remove()
    yield ids
    with app.app_context():
        video = db.session.get(Course, ids.course).modules[0].items[0].video
        for key in (video.stream_key, video.poster_key, *(c.storage_key for c in video.captions)):
            storage.delete(key)
        db.session.delete(db.session.get(Course, ids.course))  # its progress rows and attempts go with it
        db.session.delete(video)
        for user_id in (ids.learner, ids.trainer):
            db.session.delete(db.session.get(User, user_id))
        commit()
        db.session.remove()


def test_after_idling_every_fast_path_and_reads_only_page_answers(app, idle_pool, quiet_course):
    ids = quiet_course
    with app.app_context():
        learner = db.session.get(User, ids.learner)
        headers = api_headers(app, learner)
        browser = signed_in_browser(app, learner)
        db.session.remove()
    api = FreshGlobalsClient(app, app.response_class, use_cookies=False)
    browser_headers = {"X-CSRFToken": csrf_token(browser, "/compte")}
    film, beacon_page = f"/api/v1/items/{ids.film}/progress", f"/formations/{ids.course}/elements/{ids.film}/progression"
    answers, attempts = {"answers": ids.wrong}, f"/api/v1/quizzes/{ids.quiz}/attempts"
    # the first beacon and answer create the learner's rows: the next ones take the fast paths
    assert api.post(film, headers=headers, json={"position_s": 5, "watched": [[0, 5]]}).status_code == 200
    assert api.post(attempts, headers=headers, json=answers).status_code == 201

    requests = {
        "course page (reads_only)": lambda: browser.get(f"/formations/{ids.course}"),
        "API beacon (steady)": lambda: api.post(film, headers=headers, json={"position_s": 6, "watched": [[5, 6]]}),
        "browser beacon (steady)": lambda: browser.post(beacon_page, headers=browser_headers,
                                                        json={"position_s": 7, "watched": [[6, 7]]}),
        "API quiz answer (steady)": lambda: api.post(attempts, headers=headers, json=answers),
        "API course": lambda: api.get(f"/api/v1/courses/{ids.course}", headers=headers),
    }
    reads_only = {endpoint for endpoint, view in app.view_functions.items()
                  if getattr(view, unit_of_work._READS_ONLY, False)}
    assert reads_only == {"learning.show_course"}, "a new reads_only page: add it to the requests above"
    statuses = {}
    for name, send in requests.items():
        idle_pool()
        statuses[name] = send().status_code
        idle_pool()  # twice in a row: the connection the previous request gave back, idle in turn
        statuses[f"{name}, again"] = send().status_code
    expected = {name: 201 if "quiz" in name else 200 for name in statuses}
    assert statuses == expected


def test_a_connection_lent_after_idling_is_as_the_pool_found_it(app, idle_pool):
    """The pool's check of an idle connection leaves no transaction open and the connection's mode alone:
    a hot path can switch it to AUTOCOMMIT, and a request's first BEGIN is its own."""
    with app.app_context():
        pooled = db.engine.raw_connection()
        pooled.close()
        idle_pool()
        pooled = db.engine.raw_connection()
        try:
            driver = pooled.driver_connection
            assert driver.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
            assert driver.autocommit is False
            driver.autocommit = True  # what plain_statements does
            driver.autocommit = False
        finally:
            pooled.close()
