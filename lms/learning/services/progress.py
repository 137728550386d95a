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
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import joinedload

from lms.auth.models import User
from lms.auth.services import TOKEN_USER_ID, token_parameters, user_for_api_token
from lms.authoring.models import PUBLISHED, TEXT, VIDEO, Course, Item, Module
from lms.core.clock import as_utc, isoformat, utcnow
from lms.core.db import insert_once
from lms.core.errors import Conflict, Invalid, NotFound, Unauthorized
from lms.core.statements import plain_statements
from lms.extensions import db
from lms.learning.models import ItemProgress, coverage_ratio
from lms.learning.permissions import can_view_course_page
from lms.learning.services import intervals
from lms.learning.services.completion import complete_item
from lms.videos.models import READY, Video

COMPLETION_RATIO = 0.9       # a video completes when 90 % of it was really watched
MAX_SEGMENTS = 200           # per beacon: a ~10 s beacon has one or a few


_ITEM_WITH_ITS_COURSE = [joinedload(Item.module).joinedload(Module.course), joinedload(Item.video)]


def learner_item(user: User, item_id: int, *, course_id: int | None = None) -> Item:
    """The item a learner opens, answers or records progress on, with its module, course and video in one
    query: 404 ``item_not_found`` when there is none, when it belongs to another course than ``course_id``
    (the course in a page's address), or when the user may not see its course (a draft: its editors only)."""
    item = db.session.get(Item, item_id, options=_ITEM_WITH_ITS_COURSE)
    if (item is None or (course_id is not None and item.module.course_id != course_id)
            or not can_view_course_page(user, item.module.course)):
        raise NotFound(_("Cet élément n'existe pas."), code="item_not_found")
    return item


def learner_of(learner: User | str) -> User:
    """The acting learner: a user, or the holder of an API bearer token (401 ``invalid_token`` otherwise)."""
    if isinstance(learner, User):
        return learner
    user = user_for_api_token(learner)
    if user is None:
        raise Unauthorized(_("Jeton invalide ou expiré."), code="invalid_token")
    return user


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


def progress_row(user: User, item: Item, *, lock: bool = True, now: datetime | None = None) -> ItemProgress:
    """The learner's row for the item, created if missing (started ``now``), locked for this transaction."""
    return progress_row_of(user, item.id, item.module.course_id, lock=lock, now=now)


_ROW = select(ItemProgress).where(ItemProgress.user_id == bindparam("user_id"),
                                  ItemProgress.item_id == bindparam("item_id"))
# a locked read sees the row as it is now, even if this session loaded it before
_LOCKED_ROW = _ROW.with_for_update().execution_options(populate_existing=True)


def progress_row_of(user: User, item_id: int, course_id: int, *, lock: bool = True,
                    now: datetime | None = None) -> ItemProgress:
    """``progress_row`` by ids (a quiz taken from its cached paper has no Item object)."""
    query, ids = _LOCKED_ROW if lock else _ROW, {"user_id": user.id, "item_id": item_id}
    row = db.session.scalars(query, ids).one_or_none()
    if row is not None:
        return row
    row = ItemProgress(user_id=user.id, item_id=item_id, course_id=course_id, watched=[], watched_ms=0,
                       duration_ms=0, position_ms=0, time_spent_ms=0, beacons=0, started_at=now or utcnow())
    return insert_once(row, lambda: db.session.scalars(query, ids).one_or_none())  # another request's, if first


def beacon_values(row, duration_ms: int, position_s: float, watched: list[tuple[float, float]],
                  now: datetime) -> dict:
    """The progress row's new values after a beacon: the segments played since the previous one, within the
    wall-clock budget of the contract. ``row`` is the ORM row or a Core row with the same column names.

    The budget counts from the previous beacon (``last_beacon_at``) and, for all beacons together, from the
    first one: the row is created by the learner's first beacon on a film, so its ``started_at`` is that
    beacon's time. The coverage credited so far is the coverage itself (every second of it was once new);
    the time played is held to the same wall clock."""
    claimed = [(intervals.to_ms(start), intervals.to_ms(end)) for start, end in watched]
    covered = [tuple(pair) for pair in row.watched]
    if row.last_beacon_at is None:  # the first beacon
        since, since_first = None, 0.0
    else:
        since = (now - as_utc(row.last_beacon_at)).total_seconds()
        since_first = (now - as_utc(row.started_at)).total_seconds()
    budget = intervals.budget_ms(since, since_first, intervals.total(covered))
    covered, _gained = intervals.add_watched(covered, claimed, duration_ms, budget)
    played = min(intervals.total(intervals.clip(claimed, duration_ms)),
                 intervals.budget_ms(since, since_first, row.time_spent_ms))
    return {"watched": [list(pair) for pair in covered], "watched_ms": intervals.total(covered),
            "duration_ms": duration_ms, "position_ms": min(intervals.to_ms(position_s), duration_ms),
            "time_spent_ms": row.time_spent_ms + played, "beacons": row.beacons + 1, "last_beacon_at": now}


def progress_state(row: ItemProgress) -> dict:
    """What a beacon answers: ``{watched_ratio, completed, position_s, completed_at}``."""
    return beacon_answer(row.watched_ms, row.duration_ms, row.position_ms, row.completed_at)


def beacon_answer(watched_ms: int, duration_ms: int, position_ms: int, completed_at: datetime | None) -> dict:
    completed = completed_at is not None
    return {"watched_ratio": coverage_ratio(watched_ms, duration_ms, completed), "completed": completed,
            "position_s": position_ms / 1000, "completed_at": isoformat(completed_at)}


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
    row = progress_row(user, item, now=now)
    for name, value in beacon_values(row, intervals.to_ms(video.duration_s), position_s, watched, now).items():
        setattr(row, name, value)
    if row.watched_ms >= COMPLETION_RATIO * row.duration_ms:
        complete_item(user, row, item.module.course, now)
    db.session.flush()
    return row


# The learner's row and the facts about its item that a beacon needs. Inner joins: no row unless the item is
# a video item that was started. The learner is named by id, or by API token (auth's rule as a subquery: one
# round trip authenticates and reads). Not locked: the UPDATE that follows changes the row only if its
# ``beacons`` counter, which every write of a video's progress increments, is still the one read here.
def _steady_state(learner):
    return (
        select(ItemProgress.id, ItemProgress.user_id, ItemProgress.watched, ItemProgress.started_at,
               ItemProgress.last_beacon_at, ItemProgress.time_spent_ms, ItemProgress.beacons,
               ItemProgress.completed_at, Module.course_id, Course.status.label("course_status"),
               Video.status.label("video_status"), Video.duration_s)
        .join(Item, Item.id == ItemProgress.item_id).join(Module, Module.id == Item.module_id)
        .join(Course, Course.id == Module.course_id).join(Video, Video.id == Item.video_id)
        .where(ItemProgress.user_id == learner, ItemProgress.item_id == bindparam("item_id"), Item.kind == VIDEO)
    )


_STEADY_STATE = _steady_state(bindparam("user_id"))
_STEADY_STATE_BY_TOKEN = _steady_state(TOKEN_USER_ID)
_STEADY_COLUMNS = ("watched", "watched_ms", "duration_ms", "position_ms", "time_spent_ms", "beacons", "last_beacon_at")
_progress_table = ItemProgress.__table__
_STEADY_UPDATE = (update(_progress_table)
                  .where(_progress_table.c.id == bindparam("row_id"), _progress_table.c.beacons == bindparam("read_beacons"))
                  .values({name: bindparam(f"new_{name}") for name in _STEADY_COLUMNS}))
# PostgreSQL: the same UPDATE also tells this transaction's commit not to wait for its WAL flush
# (set_config(..., true) is SET LOCAL as an expression, no extra round trip). Were the server to crash just
# after, the learner would lose these few seconds of coverage, never consistency: the row stays whole. Only
# steady beacons commit this way; a completion (and its certificate) always waits for the disk.
_STEADY_UPDATE_ASYNC_COMMIT = _STEADY_UPDATE.where(func.set_config("synchronous_commit", "off", True).is_not(None))


def record_beacon(learner: User | str, item_id: int, body: dict, *, course_id: int | None = None,
                  now: datetime | None = None) -> dict:
    """A beacon of the player (video ``{position_s, watched: [[start_s, end_s], ...]}``, text ``{}``) by a
    user or the holder of an API bearer token, on an item of ``course_id`` when the page's address names one:
    what it answers, ``{watched_ratio, completed, position_s, completed_at}``.

    The steady path first (steady_beacon: a film already started, in two plain statements that also check
    the token); whatever it declines, having written nothing, goes once through the full path, which
    authenticates, loads and authorises the item and handles every case with the same rules and errors."""
    now = now or utcnow()
    state = steady_beacon(learner, item_id, body, course_id=course_id, now=now)
    if state is not None:
        return state
    user = learner_of(learner)
    item = learner_item(user, item_id, course_id=course_id)
    return progress_state(record_item_progress(user, item, body, now=now))


def steady_beacon(learner: User | str, item_id: int, body, *, course_id: int | None = None,
                  now: datetime | None = None) -> dict | None:
    """The common beacon: a learner (a user, or the holder of an API token, checked by the same SELECT)
    already watching a ready video of a published course, the beacon well formed and not completing the
    video. One SELECT of the row with its item's facts, then one UPDATE, each committing alone on PostgreSQL
    (lms.core.statements.plain_statements), instead of the ORM's locked transaction.

    No lock: the UPDATE is a compare and swap on the row's ``beacons`` counter, so a beacon that another
    request overtook between the two changes nothing. ``None`` for that and anything else (first beacon, a
    bad body or token, a draft course, the beacon that completes the video...), having written nothing:
    record_beacon then takes the full path, with the same rules (beacon_values). Otherwise what the beacon
    answers (progress_state's values)."""
    if not isinstance(body, dict):
        return None
    try:
        position_s, watched = parse_beacon(body)
    except Invalid:
        return None
    with plain_statements() as statements:
        if isinstance(learner, str):
            state = statements.one_or_none(_STEADY_STATE_BY_TOKEN, {"item_id": item_id, **token_parameters(learner)})
        else:
            state = statements.one_or_none(_STEADY_STATE, {"user_id": learner.id, "item_id": item_id})
        if (state is None or state.course_status != PUBLISHED or state.video_status != READY or not state.duration_s
                or (course_id is not None and state.course_id != course_id)):
            return None
        now = now or utcnow()
        values = beacon_values(state, intervals.to_ms(state.duration_s), position_s, watched, now)
        if state.completed_at is None and values["watched_ms"] >= COMPLETION_RATIO * values["duration_ms"]:
            return None  # completion: the ORM path records it and checks the course
        statement = _STEADY_UPDATE_ASYNC_COMMIT if statements.dialect_name == "postgresql" else _STEADY_UPDATE
        swapped = statements.rowcount(statement, {"row_id": state.id, "read_beacons": state.beacons,
                                                  **{f"new_{name}": values[name] for name in _STEADY_COLUMNS}})
        if swapped != 1:
            return None  # another beacon wrote the row since it was read: the locked path adds these segments
    return beacon_answer(values["watched_ms"], values["duration_ms"], values["position_ms"], state.completed_at)


def record_item_progress(user: User, item: Item, body: dict, *, now: datetime | None = None) -> ItemProgress:
    """A beacon by item kind (the full path of record_beacon): a film's segments, a text read; a quiz
    completes only by its answers (409)."""
    if item.kind == VIDEO:
        position, watched = parse_beacon(body)
        return record_video_progress(user, item, position, watched, now=now)
    if item.kind == TEXT:
        return mark_text_read(user, item, now=now)
    raise Conflict(_("Un questionnaire se termine en envoyant ses réponses."), code="answer_the_quiz")


def mark_text_read(user: User, item: Item, *, now: datetime | None = None) -> ItemProgress:
    _check_item(user, item)
    if item.kind != TEXT:
        raise Conflict(_("Seuls les textes se marquent comme lus."), code="not_a_text")
    now = now or utcnow()
    row = progress_row(user, item, now=now)
    row.last_beacon_at = now
    complete_item(user, row, item.module.course, now)
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




def completed_item_ids(user: User, course_id: int) -> set[int]:
    return set(db.session.scalars(select(ItemProgress.item_id).where(
        ItemProgress.user_id == user.id, ItemProgress.course_id == course_id, ItemProgress.completed_at.is_not(None))))
