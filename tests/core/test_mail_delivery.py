"""Mail through the outbox, delivered in-process (TestConfig dispatches inline) to a real SMTP server."""
from __future__ import annotations

import re
import smtplib
import uuid
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from lms.auth import services
from lms.core import mail, outbox
from lms.core.clock import as_utc, utcnow
from lms.core.db import commit, rollback
from lms.core.outbox import (
    FAILED,
    PENDING,
    SENDING,
    SENT,
    SUPPRESSED,
    MailSuppression,
    OutboxMessage,
    _by_dedupe_key,
    forget_recipient,
    release_stale_claims,
)
from lms.extensions import db
from tests.conftest import run_due_command

ROOT = Path(__file__).resolve().parents[2]


def write_email(to: str = "alice@example.org", key: str | None = None, subject: str = "Bienvenue") -> OutboxMessage:
    """An email in the outbox, in the current transaction (not committed)."""
    return outbox.enqueue_email(
        to=to,
        subject=subject,
        template="auth/invitation",
        context={"user": {"full_name": "Alice Martin", "email": to}, "inviter": None,
                 "link": "http://localhost/mot-de-passe/jeton"},
        dedupe_key=key or f"test:{uuid.uuid4().hex}",
        category="test",
    )


def left_waiting(app) -> OutboxMessage:
    """An email committed while no SMTP server was set (kept pending, not sent); the server is back afterwards."""
    app.config["SMTP_HOST"] = None
    written = write_email()
    commit()
    app.config["SMTP_HOST"] = "127.0.0.1"
    return written


def row(message_id: int) -> OutboxMessage:
    return db.session.get(OutboxMessage, message_id, populate_existing=True)


def suppressed(email: str) -> bool:
    return db.session.scalar(select(MailSuppression.id).where(MailSuppression.email == email)) is not None


# -- the happy path and the unit of work ------------------------------------------------

def test_every_email_has_a_text_part_and_auto_submitted(app, smtp, make):
    learner = make.learner(email="lea@example.org")
    services.create_user(None, email="invite@example.org", full_name="Ines Invitée", role="learner")
    services.request_password_reset(learner.email)
    commit()
    for to in ("invite@example.org", "lea@example.org"):
        email = smtp.pop(to=to)
        assert email["Auto-Submitted"] == "auto-generated"
        assert email["From"] == app.config["MAIL_FROM"]
        assert email["Date"] and re.fullmatch(r"<[0-9a-f]{32}@[\w.-]+>", email["Message-ID"])
        text = email.get_body(("plain",))
        assert text is not None and "/mot-de-passe/" in text.get_content()
        assert email.get_body(("html",)) is not None


def test_every_email_template_is_a_text_and_html_pair():
    folder = ROOT / "templates" / "emails"
    stems = {path.with_suffix("") for path in folder.rglob("*") if path.suffix in (".txt", ".html")}
    assert stems
    for stem in stems:
        assert stem.with_suffix(".txt").exists() and stem.with_suffix(".html").exists(), stem


def test_sent_message_is_recorded(app, smtp, outbox):
    written = write_email()
    commit()
    email = smtp.pop(to="alice@example.org")
    [message] = outbox()
    assert (message.id, message.status, message.attempts, message.last_error) == (written.id, SENT, 1, None)
    assert message.sent_at is not None and message.claimed_at is None
    assert email["Message-ID"] == message.message_id and email["Subject"] == "Bienvenue"


def test_same_dedupe_key_twice_gives_one_row_and_one_email(app, smtp, outbox):
    first = write_email(key="once:1")
    again = write_email(key="once:1", subject="Autre sujet")
    assert again is first
    commit()
    write_email(key="once:1")  # a later transaction, after the send
    commit()
    assert len(outbox()) == 1
    assert smtp.pop(to="alice@example.org")["Subject"] == "Bienvenue"


def test_a_dedupe_key_written_meanwhile_by_another_transaction_is_reused(app, smtp, outbox, monkeypatch):
    """Two transactions writing the same key at once: the look-up of the second one missed
    the first one's row; its insert fails on the unique key and it takes that row instead."""
    first = write_email(key="race:1")
    lookups = []

    def missed_once(key):
        lookups.append(key)
        return None if len(lookups) == 1 else _by_dedupe_key(key)

    monkeypatch.setattr("lms.core.outbox._by_dedupe_key", missed_once)
    assert write_email(key="race:1") is first
    assert len(lookups) == 2
    commit()  # the transaction survived the failed insert
    assert len(outbox()) == 1 and outbox()[0].status == SENT
    assert smtp.pop(to="alice@example.org")


def test_rolled_back_transaction_sends_nothing(app, smtp, outbox):
    write_email()
    rollback()
    commit()  # a later commit in the same session must not dispatch the forgotten row
    assert outbox() == [] and smtp.messages == []


def test_without_smtp_host_mail_waits_and_run_due_sends_it_later(app, outbox, scripted_smtp):
    app.config["SMTP_HOST"] = None
    written = write_email()
    commit()
    assert row(written.id).status == PENDING
    assert "mail_due=1" in run_due_command(app) and row(written.id).status == PENDING  # still no server

    app.config["SMTP_HOST"] = "127.0.0.1"
    output = run_due_command(app)
    assert "mail_due=1" in output and "mail_sent=1" in output
    assert row(written.id).status == SENT and row(written.id).attempts == 1
    assert scripted_smtp.pop(to="alice@example.org")["Message-ID"] == row(written.id).message_id
    assert "mail_due=0" in run_due_command(app)


# -- failures ---------------------------------------------------------------------------

def test_temporary_failure_is_retried_after_the_backoff(app, scripted_smtp, outbox, clock):
    scripted_smtp.script({"rcpt": "451 4.7.1 Greylisted, please try again later"})
    written = write_email()
    commit()
    message = row(written.id)
    assert (message.status, message.attempts) == (PENDING, 1)
    assert "451" in message.last_error
    assert as_utc(message.next_attempt_at) > utcnow()
    assert scripted_smtp.messages == []

    assert "mail_due=0" in run_due_command(app)  # not due yet: nothing sent
    clock.advance(to=message.next_attempt_at)
    assert "mail_sent=1" in run_due_command(app)
    message = row(written.id)
    assert (message.status, message.attempts, message.last_error) == (SENT, 2, None)
    assert scripted_smtp.pop(to="alice@example.org")
    assert scripted_smtp.conversations == 2


def test_after_max_attempts_temporary_failures_the_message_fails(app, scripted_smtp, outbox, clock):
    scripted_smtp.always(rcpt="421 4.3.2 Service shutting down")
    written = write_email()
    commit()
    waits = []
    while row(written.id).status == PENDING:
        message = row(written.id)
        waits.append((as_utc(message.next_attempt_at) - clock.now()).total_seconds())
        assert mail.deliver(written.id) == mail.SKIPPED  # not due yet
        clock.advance(to=message.next_attempt_at)
        mail.deliver(written.id)
    message = row(written.id)
    assert message.status == FAILED and "421" in message.last_error
    assert message.attempts == app.config["MAIL_MAX_ATTEMPTS"] == scripted_smtp.conversations
    assert waits == sorted(waits) and waits[0] > 0 and len(waits) == app.config["MAIL_MAX_ATTEMPTS"] - 1
    assert not suppressed("alice@example.org")


def test_permanent_refusal_fails_and_suppresses_the_address(app, scripted_smtp, outbox):
    scripted_smtp.script({"rcpt": "550 5.1.1 No such user here"})
    written = write_email(to="Nobody@Example.org")
    commit()
    message = row(written.id)
    assert message.status == FAILED and message.attempts == 1 and "550" in message.last_error
    assert suppressed("nobody@example.org")

    later = write_email(to="nobody@example.org")
    commit()
    assert row(later.id).status == SUPPRESSED
    assert "mail_due=0" in run_due_command(app)
    assert scripted_smtp.messages == [] and scripted_smtp.conversations == 1


def test_messages_already_waiting_for_a_suppressed_address_are_not_sent(app, scripted_smtp, outbox):
    app.config["SMTP_HOST"] = None
    first, second = write_email(to="gone@example.org"), write_email(to="gone@example.org")
    commit()
    app.config["SMTP_HOST"] = "127.0.0.1"
    scripted_smtp.always(rcpt="550 5.1.1 Mailbox unavailable")
    assert "mail_sent=0" in run_due_command(app)
    assert (row(first.id).status, row(second.id).status) == (FAILED, SUPPRESSED)
    assert scripted_smtp.conversations == 1


def test_content_refusal_fails_the_message_but_not_the_address(app, scripted_smtp, outbox):
    scripted_smtp.script({"data": "554 5.7.1 Message rejected as spam"})
    written = write_email()
    commit()
    assert row(written.id).status == FAILED and "554" in row(written.id).last_error
    assert not suppressed("alice@example.org")


def test_our_sender_refused_is_temporary_and_never_suppresses_the_recipient(app, scripted_smtp, outbox):
    scripted_smtp.script({"mail": "550 5.7.1 Sender address rejected"})
    written = write_email()
    commit()
    assert row(written.id).status == PENDING and not suppressed("alice@example.org")


def test_an_unexpected_error_is_a_counted_attempt_not_a_stuck_claim(app, outbox, monkeypatch, scripted_smtp):
    def broken():
        raise RuntimeError("bug in the SMTP set-up")

    monkeypatch.setattr(mail, "_smtp_connect", broken)
    written = write_email()
    commit()
    message = row(written.id)
    assert (message.status, message.attempts, message.claimed_at) == (PENDING, 1, None)
    assert "bug in the SMTP set-up" in message.last_error


def test_erasure_while_a_message_is_being_sent_stops_any_retry(app, scripted_smtp, outbox, monkeypatch):
    class ErasedMeanwhile:
        def send_message(self, mime):
            forget_recipient("alice@example.org")  # the person erases their account meanwhile
            commit()
            raise smtplib.SMTPRecipientsRefused({"alice@example.org": (451, b"4.7.1 Try again later")})

        def quit(self):
            pass

    monkeypatch.setattr(mail, "_smtp_connect", ErasedMeanwhile)
    written = write_email()
    commit()
    message = row(written.id)
    assert (message.status, message.recipient, message.body_text) == (FAILED, "effacé", "")
    assert "mail_due=0" in run_due_command(app) and scripted_smtp.conversations == 0


# -- claims and the lease ----------------------------------------------------------------

def test_a_claimed_message_is_not_sent_by_anyone_else(app, scripted_smtp, outbox):
    written = left_waiting(app)
    assert mail.claim(written.id) is not None  # another worker has it
    assert mail.deliver(written.id) == mail.SKIPPED
    assert "mail_due=0" in run_due_command(app)
    assert scripted_smtp.messages == []


def test_a_stale_claim_is_released_after_the_lease_and_sent_with_the_same_message_id(app, scripted_smtp, outbox, clock):
    written = left_waiting(app)
    assert mail.claim(written.id)  # a worker that died right after its claim
    clock.advance(app.config["MAIL_SENDING_LEASE_SECONDS"] - 5)
    assert "released_claims=0" in run_due_command(app) and row(written.id).status == SENDING
    clock.advance(10)
    output = run_due_command(app)
    assert "released_claims=1" in output and "mail_sent=1" in output
    assert row(written.id).status == SENT and row(written.id).attempts == 2
    assert scripted_smtp.pop(to="alice@example.org")["Message-ID"] == row(written.id).message_id


def test_a_send_slower_than_the_lease_is_recorded_sent_and_not_resent(app, scripted_smtp, outbox, clock, monkeypatch):
    real_connect = mail._smtp_connect

    class SlowServer:
        def __init__(self):
            self.smtp = real_connect()

        def send_message(self, mime):
            self.smtp.send_message(mime)
            clock.advance(app.config["MAIL_SENDING_LEASE_SECONDS"] + 1)
            release_stale_claims()  # the scan ran while we waited for the "250"
            db.session.commit()

        def quit(self):
            self.smtp.quit()

    monkeypatch.setattr(mail, "_smtp_connect", SlowServer)
    written = write_email()
    commit()
    assert row(written.id).status == SENT
    monkeypatch.undo()
    assert "mail_due=0" in run_due_command(app)
    assert scripted_smtp.pop(to="alice@example.org") and scripted_smtp.conversations == 1


def test_a_message_whose_worker_dies_at_every_attempt_ends_failed(app, outbox, clock, scripted_smtp):
    written = left_waiting(app)
    maximum = app.config["MAIL_MAX_ATTEMPTS"]
    for attempt in range(1, maximum + 1):
        assert mail.claim(written.id)  # ... and the worker is killed before it sends
        clock.advance(app.config["MAIL_SENDING_LEASE_SECONDS"] + 1)
        release_stale_claims()
        commit()
        assert row(written.id).status == (PENDING if attempt < maximum else FAILED)
    assert row(written.id).attempts == maximum and row(written.id).last_error
    assert scripted_smtp.messages == [] and scripted_smtp.conversations == 0


# -- properties ----------------------------------------------------------------------------

@given(attempt=st.integers(1, 60), base=st.integers(1, 3600))
def test_backoff_is_monotone_and_bounded(attempt, base):
    delay, next_delay = mail.retry_delay(attempt, base), mail.retry_delay(attempt + 1, base)
    assert base <= delay <= next_delay <= mail.MAX_RETRY_DELAY_SECONDS
    assert next_delay in (2 * delay, mail.MAX_RETRY_DELAY_SECONDS)
    assert mail.retry_delay(1, base) == base


REPLIES = {
    "accept": {},
    "greylisted": {"rcpt": "451 4.7.1 Greylisted"},
    "busy": {"data": "452 4.3.1 Insufficient system storage"},
    "sender refused": {"mail": "550 5.7.1 Sender rejected"},
    "no such user": {"rcpt": "550 5.1.1 No such user"},
    "spam": {"data": "554 5.7.1 Rejected as spam"},
}
OUTCOME = {"accept": SENT, "no such user": FAILED, "spam": FAILED}  # anything else is temporary


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(replies=st.lists(st.sampled_from(sorted(REPLIES)), min_size=1, max_size=8))
def test_whatever_the_server_answers_a_message_arrives_at_most_once(app, scripted_smtp, outbox, clock, replies):
    """Attempt after attempt, as the scan would run them, against a server answering ``replies``
    (then accepting): the outcome, the attempts, the mail received and the suppression agree."""
    scripted_smtp.script(*(REPLIES[reply] for reply in replies))
    to = f"{uuid.uuid4().hex[:12]}@example.org"
    written = write_email(to=to)
    commit()
    while row(written.id).status == PENDING:
        clock.advance(to=row(written.id).next_attempt_at)
        mail.deliver(written.id)
    message = row(written.id)

    maximum = app.config["MAIL_MAX_ATTEMPTS"]
    for attempt, reply in enumerate(replies + ["accept"] * maximum, start=1):
        if reply in OUTCOME or attempt == maximum:
            break
    assert (message.status, message.attempts) == (OUTCOME.get(reply, FAILED), attempt)
    received = [m for m in scripted_smtp.messages if m["To"] == to]
    assert [m["Message-ID"] for m in received] == ([message.message_id] if reply == "accept" else [])
    for _email in received:
        scripted_smtp.pop(to=to)
    assert suppressed(to) == (reply == "no such user")
    with scripted_smtp.lock:
        scripted_smtp.queued.clear()  # replies after the last attempt were never asked for
