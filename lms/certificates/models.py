"""A certificate of completion, frozen at issue time; revocation never deletes it.

Training evidence (shared/STANDARDS.md) is kept at least 3 years: the row survives the
deletion of its course, its completion or its holder's account (foreign keys set to NULL),
because everything the document says is in ``snapshot``.
"""
from __future__ import annotations

import re
import secrets
from base64 import b32encode
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.clock import utcnow
from lms.extensions import db

CODE_BYTES = 15          # 120 random bits
CODE_LENGTH = 24         # base32 characters, no padding
GROUP = 4                # shown as six groups of four, e.g. 7KQ2-M3TA-PX4C-Q6LN-2WRD-HV5E
_CANONICAL = re.compile(r"^[A-Z2-7]{24}$")
# Base32 has no 0, 1, 8 or 9: a person typing the code from paper likely meant O, I or B.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


def new_code() -> str:
    """A fresh unguessable code: 120 bits from ``secrets``, base32 (A-Z, 2-7: URL-safe, case-insensitive)."""
    return b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii")


def normalise_code(raw: str | None) -> str | None:
    """The canonical form of a code typed or read in any style (grouped, lower case, spaces); None if malformed."""
    if not raw:
        return None
    code = re.sub(r"[\s\-_.]", "", raw).upper().translate(_LOOKALIKES)
    return code if _CANONICAL.match(code) else None


def group_code(code: str) -> str:
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


class Certificate(db.Model):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), unique=True)            # canonical, ungrouped
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"), index=True)
    # One certificate per completion (NULL only once the completion itself is gone).
    completion_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_completions.id", ondelete="SET NULL"), unique=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)                      # what the document says
    pdf_key: Mapped[str | None] = mapped_column(String(200))                        # in the media store
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def display_code(self) -> str:
        return group_code(self.code)

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def valid(self) -> bool:
        return self.revoked_at is None

    def revoke(self, actor_id: int | None, reason: str, *, now: datetime | None = None) -> None:
        """State change only (never a deletion); services.revoke_certificate checks who, why and whether already."""
        self.revoked_at, self.revoked_reason, self.revoked_by_id = now or utcnow(), reason, actor_id
