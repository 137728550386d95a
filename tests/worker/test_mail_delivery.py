"""Mail through the outbox, Redis and the real worker: delivered, once, whatever dies."""
from __future__ import annotations

import re
import socket
import time

import pytest

from lms.core import jobs, outbox
from lms.core.db import commit
from lms.core.outbox import OutboxMessage
from tests import factories
from tests.conftest import free_port
from tests.worker.conftest import (
    DOMAIN,
    LEASE_SECONDS,
    outbox_rows,
    outbox_statuses,
    redis_queue_length,
    status_counts,
    wait_until,
)

pytestmark = [pytest.mark.worker, pytest.mark.no_transaction]

INVITATION_SUBJECT = "Invitation à la formation en santé mentale du CLSM"


def coordinator_token(web_app) -> str:
    with web_app.app_context():
        coordinator = factories.coordinator(email=f"coordination@{DOMAIN}", full_name="Camille Coordination",
                                            organisation=None)
        email = coordinator.email
    response = web_app.test_client().post("/api/v1/auth/token", json={"email": email, "password": factories.PASSWORD})
    assert response.status_code == 200, response.json
    return response.json["token"]


def invite(web_app, token: str, email: str):
    return web_app.test_client().post(
        "/api/v1/users",
        json={"email": email, "full_name": "Nina Nouvelle", "role": "learner"},
        headers={"Authorization": f"Bearer {token}"},
    )


def enqueue(web_app, count: int) -> list[tuple[int, str]]:
    """``count`` distinct messages written and committed in one transaction; (id, Message-ID) each."""
    with web_app.app_context():
        messages = [
            outbox.enqueue_email(
                to=f"destinataire{n}@{DOMAIN}",
                subject=f"Message {n}",
                template="auth/invitation",
                context={"user": {"full_name": f"Personne {n}", "email": f"destinataire{n}@{DOMAIN}"},
                         "inviter": None, "link": f"http://localhost/mot-de-passe/essai-{n}"},
                dedupe_key=f"worker-test:{n}",
                category="test",
            )
            for n in range(count)
        ]
        pairs = [(message.id, message.message_id) for message in messages]
        commit()  # the rows are durable first, then one task per message goes to Redis
    return pairs


def test_invitation_created_through_the_api_is_delivered_by_the_worker(make_web_app, smtp_server, start_worker,
                                                                        redis_url, redis_client):
    mailbox, port = smtp_server()
    web_app = make_web_app(broker_url=redis_url, smtp_port=port)
    start_worker(port)
    token = coordinator_token(web_app)

    started = time.monotonic()
    response = invite(web_app, token, f"nina.nouvelle@{DOMAIN}")
    assert response.status_code == 201, response.json
    assert time.monotonic() - started < 5

    wait_until(lambda: mailbox.count() >= 1, 20, "the invitation at the SMTP server")
    email = mailbox.snapshot()[0]
    assert email["To"] == f"nina.nouvelle@{DOMAIN}"
    assert email["Subject"] == INVITATION_SUBJECT
    assert email["Auto-Submitted"] == "auto-generated"
    text = email.get_body(("plain",)).get_content()
    link = re.search(r"http://localhost/mot-de-passe/[\w-]+", text)
    assert link, text
    html = email.get_body(("html",))
    assert html is not None and html.get_content_type() == "text/html"
    assert link.group(0) in html.get_content()
    wait_until(lambda: set(outbox_statuses(web_app).values()) == {outbox.SENT}, 10, "the row to be marked sent")
    [(message_id,)] = outbox_rows(web_app, OutboxMessage.message_id)
    assert email["Message-ID"] == message_id
    time.sleep(0.5)
    assert mailbox.count() == 1


def test_killing_the_worker_mid_delivery_loses_nothing(make_web_app, smtp_server, start_worker, redis_url,
                                                       redis_client, capsys):
    """200 messages; the worker's whole process group is SIGKILLed half-way; a new worker and
    the periodic scan finish the job. Every message arrives.

    Exactly once is impossible over SMTP: a worker killed after the server took a message
    (the server here records it, then waits before answering "250", like a reply lost on
    the way) and before the worker committed "sent" leaves a row in ``sending`` that nobody
    can tell apart from one the server never got. The lease releases it and it is sent
    again, with the same Message-ID. Those rows, counted right after the kill, are the
    only ones allowed to arrive twice, and at most twice; see lms/core/mail.py.
    """
    total = 200
    mailbox, port = smtp_server(delay=0.02)
    web_app = make_web_app(broker_url=redis_url, smtp_port=port)
    started = time.monotonic()
    worker = start_worker(port)
    messages = enqueue(web_app, total)
    expected = {message_id for _id, message_id in messages}
    assert len(expected) == total

    wait_until(lambda: mailbox.count() >= 30, 30, "30 messages at the SMTP server", interval=0.005)
    worker.kill()
    killed_at = time.monotonic()
    received_at_kill = mailbox.count()
    statuses = outbox_statuses(web_app)
    ambiguous = {message_id for row_id, message_id in messages if statuses[row_id] == outbox.SENDING}
    at_kill = {status: sum(1 for s in statuses.values() if s == status) for status in outbox.STATUSES}
    assert received_at_kill < total and at_kill[outbox.PENDING] > 0, "the kill came too late to prove anything"
    assert at_kill[outbox.SENDING] <= 2  # one claim per pool process at most

    start_worker(port)
    # The scan releases claims older than the lease: run it once the killed worker's are.
    time.sleep(max(0.0, killed_at + LEASE_SECONDS + 0.5 - time.monotonic()))
    with web_app.app_context():
        report = jobs.run_due(deliver_now=False)  # what beat runs every minute
    assert report["released_claims"] == len(ambiguous)

    wait_until(lambda: status_counts(web_app).get(outbox.SENT, 0) == total, 45 - (time.monotonic() - started),
               f"all {total} rows sent; now {dict(status_counts(web_app))}", interval=0.1)
    received = mailbox.message_ids()
    assert set(received) == expected, f"lost: {sorted(expected - set(received))[:5]}"
    duplicates = {message_id: n for message_id, n in received.items() if n > 1}
    assert set(duplicates) <= ambiguous, f"sent twice though not ambiguous: {set(duplicates) - ambiguous}"
    assert all(n == 2 for n in duplicates.values()), duplicates
    assert sum(received.values()) == total + len(duplicates)
    elapsed = time.monotonic() - started
    assert elapsed < 60
    with capsys.disabled():
        print(f"\n[kill test] received {received_at_kill} before the kill; rows then {at_kill}; "
              f"ambiguous (sending) {len(ambiguous)}; duplicates {len(duplicates)}; "
              f"scan {report}; {elapsed:.1f} s")


def test_broker_down_the_request_succeeds_and_the_scan_sends_later(make_web_app, smtp_server, start_worker,
                                                                    redis_url, redis_client):
    mailbox, port = smtp_server()
    dead_broker = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    web_app = make_web_app(broker_url=dead_broker, smtp_port=port)
    token = coordinator_token(web_app)

    started = time.monotonic()
    response = invite(web_app, token, f"nina.nouvelle@{DOMAIN}")
    elapsed = time.monotonic() - started
    assert response.status_code == 201, response.json
    assert elapsed < 3, f"the request waited {elapsed:.1f} s for the broker"
    assert list(outbox_statuses(web_app).values()) == [outbox.PENDING]

    # Redis is back, with a worker: nothing was queued, the row waits for the scan.
    worker = start_worker(port)
    assert redis_queue_length(redis_client) == 0
    time.sleep(0.5)
    assert mailbox.count() == 0 and list(outbox_statuses(web_app).values()) == [outbox.PENDING]

    live = make_web_app(broker_url=redis_url, smtp_port=port)
    live.extensions["celery"].send_task("worker.tasks.jobs.run_due")  # what beat sends every minute
    wait_until(lambda: list(outbox_statuses(live).values()) == [outbox.SENT], 20, "the scan to send the invitation")
    live.extensions["celery"].send_task("worker.tasks.jobs.run_due")  # a second scan finds nothing due
    time.sleep(1.5)
    [email] = mailbox.snapshot()
    assert email["To"] == f"nina.nouvelle@{DOMAIN}" and email["Subject"] == INVITATION_SUBJECT
    # The first scan of the day also wrote the day's evidence retention (lms.learning.retention): the worker
    # ran it once, and the second scan did not write it again.
    done = re.compile(r"worker\.tasks\.learning\.process_expired_evidence\[[\w-]+\] succeeded")
    wait_until(lambda: done.search(worker.output()), 10, "the worker to run the day's evidence retention")
    assert len(done.findall(worker.output())) == 1


def test_a_hung_broker_delays_the_commit_a_few_seconds_at_most(make_web_app, tmp_path):
    """A broker that accepts connections and never answers (a frozen Redis, a dead NAT entry)."""
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(16)
        web_app = make_web_app(broker_url=f"redis://127.0.0.1:{hung.getsockname()[1]}/0", smtp_port=free_port())
        started = time.monotonic()
        enqueue(web_app, 3)
        elapsed = time.monotonic() - started
    assert elapsed < 6, f"the commit waited {elapsed:.1f} s for the broker"
    assert set(outbox_statuses(web_app).values()) == {outbox.PENDING}
