"""Concurrent beacons lose nothing, on the real database (SQLite or PostgreSQL), with real commits."""
import threading
import uuid

import pytest

from lms.auth.models import User
from lms.authoring.models import TEXT, Course, Item
from lms.core import storage
from lms.core.db import commit
from lms.extensions import db
from lms.learning.models import ItemProgress
from lms.learning.progress import record_steady_beacon, record_video_progress
from tests import factories
from tests.videotools import course_using, ready_video

pytestmark = pytest.mark.no_transaction

BEACONS = 20


def views_order(user, item, position, watched):
    """What the beacon routes do: the steady path first, the full path when it declines."""
    if record_steady_beacon(user, item.id, {"position_s": position, "watched": watched}) is None:
        record_video_progress(user, item, position, watched)


@pytest.mark.parametrize("path, primed", [(record_video_progress, False), (views_order, True)],
                         ids=["full path", "steady path on a started film"])
def test_twenty_concurrent_beacons_of_adjacent_segments_end_at_full_coverage(app, path, primed):
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
        item_id, course_id = course.modules[0].items[0].id, course.id
        learner_id, trainer_id = learner.id, trainer.id
        if primed:  # the first segment already sent: the others find the row and take the steady path
            record_video_progress(learner, course.modules[0].items[0], 10, [[0, 10]])
            commit()
        db.session.remove()

    first = 1 if primed else 0
    barrier = threading.Barrier(BEACONS - first)
    errors = []

    def beacon(n: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                user, item = db.session.get(User, learner_id), db.session.get(Item, item_id)
                path(user, item, n * 10 + 10, [[n * 10, n * 10 + 10]])
                commit()
            except Exception as exc:  # noqa: BLE001 (reported below, with the thread's number)
                errors.append(f"{n}: {exc!r}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=beacon, args=(n,)) for n in range(first, BEACONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []

    with app.app_context():
        rows = db.session.query(ItemProgress).filter_by(user_id=learner_id, item_id=item_id).all()
        assert len(rows) == 1
        assert rows[0].watched == [[0, BEACONS * 10_000]]
        assert rows[0].watched_ms == BEACONS * 10_000 and rows[0].completed and rows[0].beacons == BEACONS
        # Leave the shared test database and media store as they were: other tests count rows and files.
        video = db.session.get(Item, item_id).video
        for key in (video.stream_key, video.poster_key, *(c.storage_key for c in video.captions)):
            storage.delete(key)
        db.session.delete(db.session.get(Course, course_id))  # its progress rows go with it
        db.session.delete(video)
        for user_id in (learner_id, trainer_id):
            db.session.delete(db.session.get(User, user_id))
        commit()
