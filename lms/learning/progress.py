"""Recording progress: video beacons and text items read. Services add and flush; the caller commits.

Concurrent beacons (two tabs, a retried request) never lose an update: the
progress row is read ``FOR UPDATE`` on PostgreSQL, and on SQLite every write
transaction already runs alone (``BEGIN IMMEDIATE``, see lms.core.db). The
first beacon of a learner on an item creates the row inside a savepoint, so two
first beacons racing end on one row.
"""
from __future__ import annotations

import math
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from lms.auth.models import User
from lms.auth.services import progress_providers
from lms.authoring.models import PUBLISHED, READY, TEXT, VIDEO, Item, Module
from lms.core import privacy
from lms.core.clock import as_utc, isoformat, utcnow
from lms.core.errors import Conflict, Invalid, NotFound
from lms.extensions import db
from lms.learning import intervals
from lms.learning.completion import check_course_completion
from lms.learning.models import ItemProgress

COMPLETION_RATIO = 0.9       # a video completes when 90 % of it was really watched
MAX_SEGMENTS = 200           # per beacon: a ~10 s beacon has one or a few


def get_item(item_id: int) -> Item:
    """The item with its module, course and video in one query (a beacon needs all four)."""
    item = db.session.get(Item, item_id, options=[
        joinedload(Item.module).joinedload(Module.course), joinedload(Item.video)])
    if item is None:
        raise NotFound(_("Cet élément n'existe pas."), code="item_not_found")
    return item


def _number(value, field: str, errors: dict) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        errors[field] = _("Un nombre de secondes positif est attendu.")
        return None
    return float(value)


def parse_beacon(body: dict) -> tuple[float, list[tuple[float, float]]]:
    """``{position_s, watched: [[start_s, end_s], ...]}`` checked field by field (Invalid names each one)."""
    errors: dict[str, str] = {}
    position = _number(body.get("position_s", 0), "position_s", errors)
    raw = body.get("watched", [])
    segments: list[tuple[float, float]] = []
    if not isinstance(raw, list):
        errors["watched"] = _("Une liste de segments [début, fin] est attendue.")
    elif len(raw) > MAX_SEGMENTS:
        errors["watched"] = _("Au plus %(n)d segments par envoi.", n=MAX_SEGMENTS)
    else:
        for i, pair in enumerate(raw):
            if not isinstance(pair, list) or len(pair) != 2:
                errors[f"watched.{i}"] = _("Un segment est une paire [début, fin] en secondes.")
                continue
            start, end = _number(pair[0], f"watched.{i}.0", errors), _number(pair[1], f"watched.{i}.1", errors)
            if start is not None and end is not None:
                if end < start:
                    errors[f"watched.{i}"] = _("La fin d'un segment précède son début.")
                else:
                    segments.append((start, end))
    if errors:
        raise Invalid(_("Ce relevé de lecture n'est pas valable."), code="invalid_progress", fields=errors)
    return position or 0.0, segments


def _check_item(user: User, item: Item) -> None:
    if item.module.course.status != PUBLISHED:
        raise NotFound(_("Cet élément n'existe pas."), code="item_not_found")


def progress_row(user: User, item: Item, *, lock: bool = True) -> ItemProgress:
    """The learner's row for the item, created if missing, locked for this transaction."""
    query = select(ItemProgress).where(ItemProgress.user_id == user.id, ItemProgress.item_id == item.id)
    if lock:
        query = query.with_for_update()
    row = db.session.scalars(query).one_or_none()
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = ItemProgress(user_id=user.id, item_id=item.id, course_id=item.module.course_id, watched=[],
                               watched_ms=0, duration_ms=0, position_ms=0, time_spent_ms=0, beacons=0,
                               started_at=utcnow())
            db.session.add(row)
    except IntegrityError:  # another request created it first: use theirs
        row = db.session.scalars(query).one()
    return row


def record_video_progress(user: User, item: Item, position_s: float, watched: list[tuple[float, float]],
                          *, now: datetime | None = None) -> ItemProgress:
    """Add the segments played since the previous beacon, within the wall-clock budget of the contract."""
    _check_item(user, item)
    if item.kind != VIDEO:
        raise Conflict(_("Cet élément n'est pas une vidéo."), code="not_a_video")
    video = item.video
    if video is None or video.status != READY or not video.duration_s:
        raise Conflict(_("Cette vidéo n'est pas encore prête."), code="video_not_ready")
    now = now or utcnow()
    row = progress_row(user, item)
    duration_ms = intervals.to_ms(video.duration_s)
    since = (now - as_utc(row.last_beacon_at)).total_seconds() if row.last_beacon_at else None
    claimed = [(intervals.to_ms(start), intervals.to_ms(end)) for start, end in watched]
    budget = intervals.budget_ms(since)
    covered, gained = intervals.add_watched([tuple(pair) for pair in row.watched], claimed, duration_ms, budget)
    played = min(intervals.total(intervals.clip(claimed, duration_ms)), budget)
    row.watched = [list(pair) for pair in covered]
    row.watched_ms = intervals.total(covered)
    row.duration_ms = duration_ms
    row.position_ms = min(intervals.to_ms(position_s), duration_ms)
    row.time_spent_ms += played
    row.beacons += 1
    row.last_beacon_at = now
    if row.completed_at is None and row.watched_ms >= COMPLETION_RATIO * duration_ms:
        row.completed_at = now
        db.session.flush()
        check_course_completion(user, item.module.course, now=now)
    db.session.flush()
    return row


def mark_text_read(user: User, item: Item, *, now: datetime | None = None) -> ItemProgress:
    _check_item(user, item)
    if item.kind != TEXT:
        raise Conflict(_("Seuls les textes se marquent comme lus."), code="not_a_text")
    row = progress_row(user, item)
    now = now or utcnow()
    row.last_beacon_at = now
    if row.completed_at is None:
        row.completed_at = now
        db.session.flush()
        check_course_completion(user, item.module.course, now=now)
    db.session.flush()
    return row



def course_progress(user: User) -> list[dict]:
    """Per course the learner started: ``{course_id, started_at, completed_at, completed_items, required_items}``.

    ``completed_at`` is when the last required item was completed, once all are.
    """
    rows = db.session.execute(
        select(ItemProgress, Item.required).join(Item, Item.id == ItemProgress.item_id)
        .where(ItemProgress.user_id == user.id).order_by(ItemProgress.course_id)
    ).all()
    by_course: dict[int, list] = {}
    for row, required in rows:
        by_course.setdefault(row.course_id, []).append((row, required))
    required_counts = dict(db.session.execute(
        select(Module.course_id, func.count(Item.id)).join(Item, Item.module_id == Module.id)
        .where(Module.course_id.in_(by_course), Item.required.is_(True)).group_by(Module.course_id)
    ).all()) if by_course else {}
    result = []
    for course_id, entries in by_course.items():
        done = [row.completed_at for row, required in entries if required and row.completed_at is not None]
        required_items = required_counts.get(course_id, 0)
        finished = required_items > 0 and len(done) >= required_items
        result.append({
            "course_id": course_id,
            "started_at": isoformat(min(as_utc(row.started_at) for row, _required in entries)),
            "completed_at": isoformat(max(as_utc(moment) for moment in done)) if finished else None,
            "completed_items": len(done),
            "required_items": required_items,
        })
    return result


def export_progress(user: User) -> list[dict]:
    """GDPR export: what the platform recorded of the person's learning, item by item."""
    rows = db.session.scalars(select(ItemProgress).where(ItemProgress.user_id == user.id).order_by(ItemProgress.id))
    return [{
        "course_id": row.course_id, "item_id": row.item_id, "item_title": row.item.title,
        "watched_seconds": round(row.watched_ms / 1000, 3), "watched_intervals_s": [
            [start / 1000, end / 1000] for start, end in row.watched],
        "position_s": row.position_ms / 1000, "time_spent_s": round(row.time_spent_ms / 1000, 3),
        "beacons": row.beacons, "started_at": isoformat(row.started_at),
        "last_activity_at": isoformat(row.last_beacon_at), "completed_at": isoformat(row.completed_at),
    } for row in rows]


progress_providers.append(course_progress)
privacy.exporter("learning_progress")(export_progress)


def completed_item_ids(user: User, course_id: int) -> set[int]:
    return set(db.session.scalars(select(ItemProgress.item_id).where(
        ItemProgress.user_id == user.id, ItemProgress.course_id == course_id, ItemProgress.completed_at.is_not(None))))
