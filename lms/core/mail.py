"""Delivery of outbox messages over SMTP: at least once, and twice only in one narrow window.

``deliver(id)`` is a unit of work of its own (it runs in a task, in ``jobs
run-due`` or inline after a commit). It takes three short steps, none of which
holds a database transaction open while talking to the SMTP server:

1. **claim**: one conditional UPDATE moves the row from ``pending`` to
   ``sending`` and counts the attempt (only one claimer can win), the MIME
   message is built, and the claim is committed;
2. **send** over SMTP;
3. **record** the outcome with a conditional UPDATE that starts its own
   transaction (so on SQLite it takes the write lock first instead of
   upgrading a stale read snapshot): ``sent`` as soon as the server answered
   "250" to the end of DATA (before QUIT), ``pending`` with a backoff
   (temporary failure), or ``failed`` (permanent 5xx refusal of the recipient,
   which also suppresses the address, or too many attempts). A failure is
   recorded only while the claim is still ours (same attempt number).

The window that cannot be closed: SMTP has no idempotency key the client could
ask about later, so a process killed after the server accepted the message
(its "250") and before step 3 committed leaves the row in ``sending`` without
knowing whether the server has it. After ``MAIL_SENDING_LEASE_SECONDS`` the
periodic scan puts it back to ``pending`` and it is sent again, with the same
Message-ID (mail clients and many servers fold such duplicates). Marking it
sent instead would trade a rare duplicate for a rare loss, which is worse for
invitations and password links. Recording ``sent`` right after the "250",
before QUIT, keeps the window as short as the protocol allows: at most one
message per worker process killed at that instant.
"""
from __future__ import annotations

import logging
import re
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate

from flask import current_app
from sqlalchemy import update

from lms.core.clock import utcnow
from lms.core.db import insert_once
from lms.core.outbox import FAILED, PENDING, SENDING, SENT, SUPPRESSED, MailSuppression, OutboxMessage
from lms.extensions import db

log = logging.getLogger(__name__)

SKIPPED = "skipped"
#: Upper bound of the wait between two attempts, whatever the number of attempts.
MAX_RETRY_DELAY_SECONDS = 6 * 3600
_ENHANCED_STATUS = re.compile(r"^\s*5\.(\d{1,3})\.\d{1,3}\b")  # RFC 3463 enhanced status code


@dataclass(frozen=True)
class Claim:
    """What a claimer needs once the claim is committed (no ORM object outlives that commit)."""

    id: int
    attempt: int
    recipient: str
    mime: EmailMessage


def build_mime(message: OutboxMessage) -> EmailMessage:
    mime = EmailMessage()
    mime["From"] = current_app.config["MAIL_FROM"]
    mime["To"] = message.recipient
    mime["Subject"] = message.subject
    mime["Date"] = formatdate(localtime=False)
    mime["Message-ID"] = message.message_id
    for name, value in (message.headers or {}).items():
        mime[name] = value
    mime.set_content(message.body_text)
    if message.body_html:
        mime.add_alternative(message.body_html, subtype="html")
    return mime


def retry_delay(attempt: int, base_seconds: int) -> int:
    """Seconds to wait after the ``attempt``-th temporary failure: doubling, capped."""
    if attempt < 1 or base_seconds <= 0:
        return max(0, min(base_seconds, MAX_RETRY_DELAY_SECONDS))
    return min(MAX_RETRY_DELAY_SECONDS, base_seconds * 2 ** min(attempt - 1, 32))


def claim(message_id: int) -> Claim | None:
    """Take the message if it is due and nobody has it; commit the claim. None if not ours."""
    now = utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
        .values(status=SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        db.session.commit()
        return None
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    if _suppressed(message.recipient):
        # Suppressed after this message was written: it is never sent.
        message.status, message.claimed_at = SUPPRESSED, None
        message.attempts -= 1
        message.last_error = "Adresse supprimée après un échec permanent."
        db.session.commit()
        return None
    claimed = Claim(id=message.id, attempt=message.attempts, recipient=message.recipient, mime=build_mime(message))
    db.session.commit()
    return claimed


def deliver(message_id: int) -> str:
    """Send one message if it is due and nobody else has it. Returns its new status, or "skipped"."""
    if not current_app.config["SMTP_HOST"]:
        return PENDING
    claimed = claim(message_id)
    if claimed is None:
        return SKIPPED
    smtp = None
    try:
        try:
            smtp = _smtp_connect()
            smtp.send_message(claimed.mime)
        except Exception as exc:  # noqa: BLE001  anything but "250" is a failed attempt, counted
            return _record_failure(claimed, exc)
        # "250" received: the server has the message. Record it before anything else (even QUIT).
        return _record_sent(claimed)
    finally:
        if smtp is not None:
            _smtp_close(smtp)


def _smtp_connect() -> smtplib.SMTP:
    config = current_app.config
    smtp = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"])
    try:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USER"]:
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _smtp_close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _record_sent(claimed: Claim) -> str:
    # Also when the claim was released meanwhile (a send slower than the lease): the
    # message did go, and marking it sent stops the scan from sending it again.
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == claimed.id, OutboxMessage.status.in_([SENDING, PENDING]))
        .values(status=SENT, sent_at=utcnow(), claimed_at=None, last_error=None),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    if result.rowcount != 1:
        log.warning("Mail %s was sent but its row had changed meanwhile", claimed.id)
    return SENT


def address_refused(exc: Exception) -> bool:
    """A permanent (5xx) refusal of the recipient's address, as opposed to our own set-up
    (sender, authentication, TLS) or a temporary (4xx) problem."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code in (550, 551, 553):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        enhanced = _ENHANCED_STATUS.match(text)
        # RFC 3463 subjects 1 (address) and 2 (mailbox); not 6 (content) or 7 (policy, e.g. spam).
        return enhanced is None or enhanced.group(1) in ("1", "2")
    return False


def permanent_failure(exc: Exception) -> bool:
    """Retrying will not help: the message itself was refused for good."""
    return address_refused(exc) or (
        isinstance(exc, smtplib.SMTPDataError) and 500 <= exc.smtp_code < 600
    )


def _record_failure(claimed: Claim, exc: Exception) -> str:
    config = current_app.config
    error = f"{type(exc).__name__}: {exc}"[:2000]
    values: dict = {"last_error": error, "claimed_at": None}
    if permanent_failure(exc):
        values["status"] = FAILED
    elif claimed.attempt >= config["MAIL_MAX_ATTEMPTS"]:
        values["status"] = FAILED
    else:
        values["status"] = PENDING
        values["next_attempt_at"] = utcnow() + timedelta(seconds=retry_delay(claimed.attempt, config["MAIL_RETRY_BASE_SECONDS"]))
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == claimed.id, OutboxMessage.status == SENDING, OutboxMessage.attempts == claimed.attempt)
        .values(**values),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount == 1 and address_refused(exc):
        _suppress(claimed.recipient, error)
    db.session.commit()
    if result.rowcount != 1:
        log.warning("Mail %s: attempt %d failed (%s) but the claim was no longer ours", claimed.id, claimed.attempt, error)
        return SKIPPED
    log.warning("Mail %s to %s: %s (%s)", claimed.id, claimed.recipient, error, values["status"])
    return values["status"]


def _suppress(email: str, reason: str) -> None:
    if _suppressed(email):
        return
    # suppressed at the same moment by another worker: theirs stands
    insert_once(MailSuppression(email=email.lower(), reason=reason),
                lambda: db.session.query(MailSuppression).filter_by(email=email.lower()).first())


def _suppressed(email: str) -> bool:
    return db.session.query(MailSuppression.id).filter_by(email=email.lower()).first() is not None
