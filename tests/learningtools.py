"""A small published course for learning tests: a film, a text, a pre-test, a graded quiz (2 attempts), an optional text and a post-test."""
from contextlib import contextmanager
from datetime import datetime, timedelta
from types import SimpleNamespace

import psycopg
import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from lms.authoring import services as authoring
from lms.authoring.models import PUBLISHED
from lms.core import clock
from lms.extensions import db
from lms.learning.models import ItemProgress
from tests.videotools import ready_video


def quiz_spec(role: str, *, pass_mark: int = 50, max_attempts: int | None = None) -> dict:
    return {"role": role, "pass_mark": pass_mark, "max_attempts": max_attempts, "questions": [
        {"kind": "single", "prompt": "Une personne sur combien vivra un trouble psychique ?",
         "explanation": "Une sur cinq chaque année, une sur quatre au cours de la vie (OMS).",
         "choices": [{"text": "Une sur quatre", "correct": True, "feedback": "Oui."},
                     {"text": "Une sur cent", "correct": False, "feedback": "Bien plus fréquent."}]},
        {"kind": "multiple", "prompt": "Qui peut orienter ?",
         "explanation": "Le médecin traitant et le CMP.",
         "choices": [{"text": "Le médecin traitant", "correct": True}, {"text": "Le CMP", "correct": True},
                     {"text": "Personne", "correct": False}]},
        {"kind": "true_false", "prompt": "Les personnes vivant avec un trouble psychique sont plus souvent violentes.",
         "explanation": "Idée reçue : elles sont plus souvent victimes.",
         "choices": [{"text": "Vrai", "correct": False}, {"text": "Faux", "correct": True}]},
    ]}


@pytest.fixture
def small_course(make):
    trainer = make.trainer()
    video = ready_video(trainer)
    video.duration_s = 100.0
    course = authoring.create_course(trainer, "Parcours court")
    module = authoring.add_module(trainer, course, "Partie 1")
    pre = authoring.add_item(trainer, module, "quiz", "Test de positionnement", quiz=quiz_spec("pre_test", pass_mark=0))
    film = authoring.add_item(trainer, module, "video", "Film", video_id=video.id)
    text = authoring.add_item(trainer, module, "text", "À lire", body_markdown="Texte.")
    graded = authoring.add_item(trainer, module, "quiz", "Quiz", quiz=quiz_spec("graded", pass_mark=60, max_attempts=2))
    extra = authoring.add_item(trainer, module, "text", "Pour aller plus loin", required=False, body_markdown="Plus.")
    post = authoring.add_item(trainer, module, "quiz", "Test final", quiz=quiz_spec("post_test", pass_mark=50))
    course.status = PUBLISHED
    db.session.flush()
    return SimpleNamespace(course=course, trainer=trainer, pre=pre, film=film, text=text, graded=graded,
                           extra=extra, post=post)


def page(client, path, status=200) -> str:
    """The HTML of a GET, after checking its status (the start of the page in the message otherwise)."""
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return response.get_data(as_text=True)


def stored_progress(user, item) -> ItemProgress:
    """The learner's progress row on the item as the database holds it now (re-read, never the session's copy)."""
    return db.session.scalars(select(ItemProgress).where(ItemProgress.user_id == user.id, ItemProgress.item_id == item.id)
                              .execution_options(populate_existing=True)).one()


def right_answers(quiz) -> dict:
    return {str(q.id): [c.id for c in q.choices if c.correct] for q in quiz.questions}


def wrong_answers(quiz) -> dict:
    return {str(q.id): [next(c.id for c in q.choices if not c.correct)] for q in quiz.questions}


@contextmanager
def after_each_driver_statement(callback):
    """``callback(cursor, statement)`` after each statement sent on a psycopg cursor while the block runs:
    SQLAlchemy's on PostgreSQL, and those lms.core.statements.plain_statements sends on the driver itself (which
    SQLAlchemy's events never see). The real driver runs them; this only watches."""
    driver_execute = psycopg.Cursor.execute

    def execute(cursor, query, *args, **kwargs):
        result = driver_execute(cursor, query, *args, **kwargs)
        callback(cursor, " ".join(str(query).split()))
        return result

    psycopg.Cursor.execute = execute
    try:
        yield
    finally:
        psycopg.Cursor.execute = driver_execute


@contextmanager
def statements():
    """Every SQL statement sent while the block runs (to count a hot path's round trips), whether through
    SQLAlchemy or, on PostgreSQL, on the driver itself."""
    seen = []

    def record(conn, cursor, statement, *args):
        if not isinstance(cursor, psycopg.Cursor):  # psycopg's are seen by after_each_driver_statement
            seen.append(" ".join(statement.split()))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        with after_each_driver_statement(lambda cursor, statement: seen.append(statement)):
            yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


class WatchClock:
    """The time the beacons are recorded at (``utcnow`` of lms.learning.services.progress): the platform's clock
    (lms.core.clock) plus an offset that the test moves forward, as a learner's playback would."""

    def __init__(self):
        self.offset = timedelta()

    def now(self) -> datetime:
        return clock.utcnow() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


@pytest.fixture
def watch_clock(monkeypatch) -> WatchClock:
    """Beacons sent by a test are back to back in real time: the wall-clock budget (API.md: 2 × s + 15 s per
    beacon, 2 × t + 15 s in all) would hold them to 15 s. The test moves this clock as playback would."""
    moved = WatchClock()
    monkeypatch.setattr("lms.learning.services.progress.utcnow", moved.now)
    return moved
