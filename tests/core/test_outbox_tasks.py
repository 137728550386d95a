"""Task triggers in the outbox: sent after the commit, kept for the periodic scan when the broker is down."""
import pytest

from lms.core import outbox
from lms.core.db import commit, rollback
from lms.core.jobs import run_due


class FakeCelery:
    def __init__(self, down=False):
        self.down, self.sent = down, []

    def send_task(self, name, args=None, expires=None):
        if self.down:
            raise ConnectionError("broker down")
        self.sent.append((name, args))


@pytest.fixture
def celery_mode(app, monkeypatch):
    fake = FakeCelery()
    monkeypatch.setitem(app.extensions, "celery", fake)
    app.config["OUTBOX_DISPATCH"] = "celery"
    yield fake
    app.config["OUTBOX_DISPATCH"] = "inline"


def test_sent_after_the_commit_once(celery_mode):
    row = outbox.enqueue_task("worker.tasks.videos.process_video", [7], dedupe_key="t:7")
    assert outbox.enqueue_task("worker.tasks.videos.process_video", [7], dedupe_key="t:7") is row
    assert celery_mode.sent == []
    commit()
    assert celery_mode.sent == [("worker.tasks.videos.process_video", [7])] and row.status == outbox.SENT


def test_a_rolled_back_trigger_is_never_sent(celery_mode):
    outbox.enqueue_task("worker.tasks.videos.process_video", [8], dedupe_key="t:8")
    rollback()
    commit()
    assert celery_mode.sent == [] and outbox.due_task_ids() == []


def test_broker_down_leaves_it_for_the_periodic_scan(celery_mode):
    celery_mode.down = True
    row = outbox.enqueue_task("worker.tasks.videos.process_video", [9], dedupe_key="t:9")
    commit()
    assert row.status == outbox.PENDING and outbox.due_task_ids() == [row.id]
    celery_mode.down = False
    report = run_due(deliver_now=False)  # its scans may write and send triggers of their own (the day's retention)
    videos = [sent for sent in celery_mode.sent if sent[0] == "worker.tasks.videos.process_video"]
    assert report["tasks_due"] == 1 and videos == [("worker.tasks.videos.process_video", [9])]
    assert row.status == outbox.SENT and outbox.due_task_ids() == []
