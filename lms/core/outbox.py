"""Durable outgoing messages and task triggers, written in the caller's transaction.

A message is a row with a unique ``dedupe_key``: enqueueing the same key twice
yields the first row. After the commit (see core.db.commit) each new row is
handed to the worker; if the broker is down the row simply waits for the
periodic scan (core.jobs), so nothing is lost.

Task triggers (``OutboxTask``) work the same way for background work such as
processing an uploaded video: ``enqueue_task(name, args, dedupe_key=...)`` in
the transaction, a Celery task sent by name after the commit (or, with
``OUTBOX_DISPATCH = "inline"``, the handler of that name in lms/wiring.py
``TASK_HANDLERS`` run in the process), and rows the broker refused re-sent by the periodic scan.
Tasks are idempotent, so a trigger sent twice does no harm.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from flask import Flask, current_app, render_template
from sqlalchemy import JSON, DateTime, Integer, String, Text, func, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.clock import utcnow
from lms.core.db import OUTBOX_KEY, TASKS_KEY, insert_once
from lms.extensions import db

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED, SUPPRESSED = "pending", "sending", "sent", "failed", "suppressed"
STATUSES = (PENDING, SENDING, SENT, FAILED, SUPPRESSED)


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    category: Mapped[str] = mapped_column(String(40), index=True)
    recipient: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MailSuppression(db.Model):
    """Addresses that answered a permanent failure (5xx): nothing more is sent."""

    __tablename__ = "mail_suppressions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def enqueue_email(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict,
    dedupe_key: str,
    category: str,
    headers: dict | None = None,
) -> OutboxMessage:
    """Write an email into the outbox in the current transaction.

    ``template`` names ``templates/emails/<template>.txt`` and ``.html``.
    """
    existing = _by_dedupe_key(dedupe_key)
    if existing is not None:
        return existing
    context = {"base_url": current_app.config["BASE_URL"], **context}
    suppressed = db.session.scalar(select(MailSuppression.id).where(MailSuppression.email == to.lower()))
    domain = current_app.config["MAIL_FROM"].rsplit("@", 1)[-1].strip(">").strip() or "lms.localhost"
    message = OutboxMessage(
        dedupe_key=dedupe_key,
        category=category,
        recipient=to,
        subject=subject,
        body_text=render_template(f"emails/{template}.txt", **context),
        body_html=render_template(f"emails/{template}.html", **context),
        headers={"Auto-Submitted": "auto-generated", **(headers or {})},
        message_id=f"<{uuid.uuid4().hex}@{domain}>",
        status=SUPPRESSED if suppressed else PENDING,
        last_error="Adresse supprimée après un échec permanent." if suppressed else None,
    )
    existing = insert_once(message, lambda: _by_dedupe_key(dedupe_key))
    if existing is not message:  # another transaction wrote the same key after our look-up
        return existing
    if not suppressed:
        db.session.info.setdefault(OUTBOX_KEY, []).append(message.id)
    return message


def _by_dedupe_key(dedupe_key: str) -> OutboxMessage | None:
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))


def dispatch(ids: list[int], *, expires: float | None = None) -> None:
    """Called after commit: hand the new messages to whoever delivers them.

    ``expires`` (seconds) lets the periodic scan's tasks lapse if no worker takes
    them before the next scan, which would dispatch the same rows again."""
    config = current_app.config
    if not config["SMTP_HOST"]:
        return  # kept in the outbox, readable in the "Journal des envois"
    mode = config["OUTBOX_DISPATCH"]
    if mode == "inline":
        from lms.core.mail import deliver

        for message_id in ids:
            deliver(message_id)
    elif mode == "celery":
        celery = current_app.extensions["celery"]
        try:
            for message_id in ids:
                celery.send_task("worker.tasks.mail.send_email", args=[message_id], expires=expires)
        except Exception as exc:  # broker down: the periodic scan will pick the rows up
            log.warning("Broker unavailable (%s: %s); %d message(s) left for the periodic scan",
                        type(exc).__name__, exc, len(ids))


def release_stale_claims() -> int:
    """Messages claimed by a worker that died before recording the outcome go back to pending.

    Such a message may have reached the server already (see core.mail): it is sent
    again with the same Message-ID. One whose attempts are used up (a message that
    keeps killing its worker) is marked failed instead of looping forever.
    """
    config = current_app.config
    stale = (OutboxMessage.status == SENDING,
             OutboxMessage.claimed_at < utcnow() - timedelta(seconds=config["MAIL_SENDING_LEASE_SECONDS"]))
    exhausted = db.session.execute(
        update(OutboxMessage)
        .where(*stale, OutboxMessage.attempts >= config["MAIL_MAX_ATTEMPTS"])
        .values(status=FAILED, claimed_at=None,
                last_error="Envoi interrompu à chaque tentative (processus arrêté avant la fin).")
        .execution_options(synchronize_session=False)
    )
    released = db.session.execute(
        update(OutboxMessage).where(*stale).values(status=PENDING, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    if exhausted.rowcount:
        log.warning("%d message(s) failed: their worker died at every attempt", exhausted.rowcount)
    return released.rowcount or 0


def due_message_ids(limit: int = 500) -> list[int]:
    now = utcnow()
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


def status_counts() -> dict[str, int]:
    rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    return {status: count for status, count in rows}


def search_messages(query: str | None = None, status: str | None = None):
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status in STATUSES:
        stmt = stmt.where(OutboxMessage.status == status)
    if query:
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(OutboxMessage.recipient).like(like), func.lower(OutboxMessage.subject).like(like)))
    return stmt


def forget_recipient(email: str) -> None:
    """GDPR erasure: messages to this address lose their content; unsent ones are dropped.

    One being sent at this instant is marked failed too, so that a retry never goes out
    with the erased content (core.mail records an outcome only on a row still ``sending``)."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.recipient == email, OutboxMessage.status.in_([PENDING, SENDING, SUPPRESSED, FAILED]))
        .values(status=FAILED, last_error="Effacé à la demande de la personne (RGPD).")
    )
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.recipient == email)
        .values(recipient="effacé", subject="(effacé)", body_text="", body_html=None, headers={})
    )


# -- task triggers -------------------------------------------------------------

class OutboxTask(db.Model):
    """A background task to start after the commit: the Celery task's name and its JSON arguments."""

    __tablename__ = "outbox_tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    task: Mapped[str] = mapped_column(String(200))
    args: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default=PENDING, index=True)  # pending -> sent
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)


TASK_HANDLERS_EXTENSION = "lms.task_handlers"


def install_task_handlers(app: Flask, handlers: Mapping[str, Callable[..., object]]) -> None:
    """The in-process equivalent of each Celery task, by name (create_app passes lms.wiring.TASK_HANDLERS):
    run by inline dispatch and ``flask jobs run-due``. A handler adds and flushes; whoever runs it commits."""
    app.extensions[TASK_HANDLERS_EXTENSION] = dict(handlers)


def task_handler(name: str) -> Callable[..., object]:
    try:
        return current_app.extensions[TASK_HANDLERS_EXTENSION][name]
    except KeyError:
        raise LookupError(f"no in-process handler for task {name!r} (lms/wiring.py TASK_HANDLERS)") from None


def has_task(dedupe_key: str) -> bool:
    return db.session.scalar(select(OutboxTask.id).where(OutboxTask.dedupe_key == dedupe_key)) is not None


def enqueue_task(task: str, args: list, *, dedupe_key: str) -> OutboxTask:
    """Write a task trigger in the current transaction; the same key twice yields the first row."""
    existing = db.session.scalar(select(OutboxTask).where(OutboxTask.dedupe_key == dedupe_key))
    if existing is not None:
        return existing
    row = OutboxTask(dedupe_key=dedupe_key, task=task, args=list(args), status=PENDING)
    existing = insert_once(row, lambda: db.session.scalar(select(OutboxTask).where(OutboxTask.dedupe_key == dedupe_key)))
    if existing is not row:
        return existing
    db.session.info.setdefault(TASKS_KEY, []).append(row.id)
    return row


def publish_tasks(ids: list[int], *, expires: float | None = None) -> list[int]:
    """Called after commit with OUTBOX_DISPATCH = "celery": send each trigger to the broker.

    Returns the ids the broker accepted (the caller marks them sent and commits);
    the others stay pending for the periodic scan."""
    celery = current_app.extensions["celery"]
    sent = []
    for task_id in ids:
        row = db.session.get(OutboxTask, task_id)
        if row is None or row.status != PENDING:
            continue
        try:
            celery.send_task(row.task, args=list(row.args), expires=expires)
        except Exception as exc:  # broker down: the periodic scan will send it
            log.warning("Broker unavailable (%s: %s); task %s left for the periodic scan", type(exc).__name__, exc, row.task)
            break
        sent.append(task_id)
    return sent


def mark_tasks_sent(ids: list[int], error: str | None = None) -> None:
    if ids:
        db.session.execute(
            update(OutboxTask).where(OutboxTask.id.in_(ids), OutboxTask.status == PENDING)
            .values(status=SENT, sent_at=utcnow(), attempts=OutboxTask.attempts + 1, last_error=error)
            .execution_options(synchronize_session=False)
        )


def due_task_ids(limit: int = 500) -> list[int]:
    return list(db.session.scalars(
        select(OutboxTask.id).where(OutboxTask.status == PENDING).order_by(OutboxTask.id).limit(limit)))


def tasks_with_prefix(prefix: str) -> list[OutboxTask]:
    """The triggers whose dedupe key starts with ``prefix`` (e.g. every attempt for one video), oldest first."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return list(db.session.scalars(
        select(OutboxTask).where(OutboxTask.dedupe_key.like(f"{escaped}%", escape="\\")).order_by(OutboxTask.id)))
