"""Delivery of outbox messages over SMTP, once.

``deliver(id)`` is a unit of work of its own (it runs in a task or in
``jobs run-due``): it claims the row with a conditional UPDATE (only one
claimer can move it from pending to sending), commits the claim, talks to the
SMTP server, then commits the outcome. A worker killed between the server's
"250 OK" and the final commit leaves the row in ``sending``; after the lease it
is sent again with the same Message-ID, which is the only duplicate possible
and one that mail clients recognise. Temporary failures are retried with
exponential backoff by the periodic scan; permanent ones (5xx) suppress the
address.
"""
from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate

from flask import current_app
from sqlalchemy import update

from lms.core.clock import utcnow
from lms.core.outbox import FAILED, PENDING, SENDING, SENT, MailSuppression, OutboxMessage
from lms.extensions import db

log = logging.getLogger(__name__)


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


def _smtp_send(mime: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"]) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USER"]:
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
        smtp.send_message(mime)


def _permanent_code(exc: Exception) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return codes[0] if codes and all(500 <= c < 600 for c in codes) else None
    code = getattr(exc, "smtp_code", None)
    return code if isinstance(code, int) and 500 <= code < 600 else None


def claim(message_id: int) -> bool:
    now = utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
        .values(status=SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
    )
    db.session.commit()
    return result.rowcount == 1


def deliver(message_id: int) -> str:
    """Send one message if it is due and nobody else has it. Returns its new status."""
    config = current_app.config
    if not config["SMTP_HOST"]:
        return PENDING
    if not claim(message_id):
        return "skipped"
    message = db.session.get(OutboxMessage, message_id)
    try:
        _smtp_send(build_mime(message))
    except (smtplib.SMTPException, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        permanent = _permanent_code(exc)
        message.last_error = error
        message.claimed_at = None
        if permanent:
            message.status = FAILED
            if not _suppressed(message.recipient):
                db.session.add(MailSuppression(email=message.recipient.lower(), reason=error))
        elif message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
            message.status = FAILED
        else:
            message.status = PENDING
            delay = config["MAIL_RETRY_BASE_SECONDS"] * 2 ** (message.attempts - 1)
            message.next_attempt_at = utcnow() + timedelta(seconds=delay)
        log.warning("Mail %s to %s: %s (%s)", message.id, message.recipient, error, message.status)
    else:
        message.status = SENT
        message.sent_at = utcnow()
        message.last_error = None
    db.session.commit()
    return message.status


def _suppressed(email: str) -> bool:
    return db.session.query(MailSuppression.id).filter_by(email=email.lower()).first() is not None
