"""An SMTP server that answers what the test scripts, and a clock the test moves."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lms.core import clock as real_clock
from tests.conftest import Mailbox, smtp_server_for


class ScriptedSMTP(Mailbox):
    """A real SMTP server on 127.0.0.1 whose replies can be scripted, conversation by conversation.

    ``script({"rcpt": "451 ..."}, {})``: the next message's RCPT gets 451, the one after is
    accepted, then ``always(...)`` (by default: accept everything) applies. Keys are
    ``mail``, ``rcpt`` and ``data``. ``conversations`` counts MAIL commands: attempts to send.
    """

    def __init__(self):
        super().__init__()
        self.queued: list[dict[str, str]] = []
        self.default: dict[str, str] = {}
        self.conversations = 0

    def script(self, *conversations: dict[str, str]) -> None:
        with self.lock:
            self.queued.extend(conversations)

    def always(self, **replies: str) -> None:
        with self.lock:
            self.default = replies

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self.lock:
            self.conversations += 1
            session.lms_script = self.queued.pop(0) if self.queued else self.default
        if reply := session.lms_script.get("mail"):
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if reply := getattr(session, "lms_script", {}).get("rcpt"):
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if reply := getattr(session, "lms_script", {}).get("data"):
            return reply
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def scripted_smtp(app):
    """A ScriptedSMTP the app delivers to. Mail received and not popped fails the test."""
    with smtp_server_for(app, ScriptedSMTP()) as server:
        yield server


class Clock:
    """``now()`` of the outbox and of delivery, moved forward by the test."""

    def __init__(self):
        self.offset = timedelta()

    def now(self) -> datetime:
        return real_clock.utcnow() + self.offset

    def advance(self, seconds: float = 0, *, to: datetime | None = None) -> None:
        if to is not None:
            seconds = max(0.0, (real_clock.as_utc(to) - self.now()).total_seconds()) + 1
        self.offset += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    moved = Clock()
    monkeypatch.setattr("lms.core.mail.utcnow", moved.now)
    monkeypatch.setattr("lms.core.outbox.utcnow", moved.now)
    return moved
