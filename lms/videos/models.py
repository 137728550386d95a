"""The video library's tables: an uploaded film (what the worker made of it) and its captions.

The files live in the media store (core.storage). Course items point at videos (authoring's ``items.video_id``);
a change to a video or its captions renews the content key of the courses showing it (authoring.models).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.clock import utcnow
from lms.extensions import db

PROCESSING, READY, FAILED = "processing", "ready", "failed"


class Video(db.Model):
    """An uploaded film and what the worker made of it. Files live in the media store (core.storage)."""

    __tablename__ = "videos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=PROCESSING, index=True)
    error: Mapped[str | None] = mapped_column(Text)                         # why it failed, for a trainer
    original_key: Mapped[str | None] = mapped_column(String(200))           # the upload as received
    original_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    original_size: Mapped[int | None] = mapped_column(Integer)
    stream_key: Mapped[str | None] = mapped_column(String(200))             # MP4 H.264/AAC, faststart
    stream_size: Mapped[int | None] = mapped_column(Integer)
    poster_key: Mapped[str | None] = mapped_column(String(200))
    duration_s: Mapped[float | None] = mapped_column(Float)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    transcript: Mapped[str | None] = mapped_column(Text)                    # Markdown shown next to the player
    transcript_from_captions: Mapped[bool] = mapped_column(Boolean, default=True)
    speakers: Mapped[str | None] = mapped_column(Text)                      # speakers are named
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    captions: Mapped[list[Caption]] = relationship(back_populates="video", order_by="Caption.lang",
                                                   cascade="all, delete-orphan")

    def caption(self, lang: str) -> Caption | None:
        return next((c for c in self.captions if c.lang == lang), None)


class Caption(db.Model):
    __tablename__ = "captions"
    __table_args__ = (UniqueConstraint("video_id", "lang"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(10))
    storage_key: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    video: Mapped[Video] = relationship(back_populates="captions")
