"""Writing a validated course to the database: create or update in place by key, quizzes and videos synced."""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from lms.auth.models import User
from lms.authoring.models import DRAFT, QUIZ, VIDEO, Choice, Course, Item, Module, Question, Quiz
from lms.authoring.permissions import require_create_course, require_edit_course
from lms.core import storage
from lms.extensions import db
from lms.videos.models import FAILED, PROCESSING, Video
from lms.videos.services import save_caption, start_processing, vtt, write_transcript
from lms.videos.services import slides as slide_films

from .validate import read_course


@dataclass
class ImportReport:
    course: Course | None = None
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    queued: int = 0  # new films, made ready by the worker after the commit
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()) or sum(self.deleted.values()))

    def count(self, kind: str, *, created: bool, changed: bool) -> None:
        (self.created if created else self.updated if changed else self.unchanged)[kind] += 1

    def summary(self) -> str:
        parts = []
        for kind in ("course", "module", "item", "video"):
            counts = [f"{name} {getattr(self, name)[kind]}" for name in ("created", "updated", "unchanged", "deleted")
                      if getattr(self, name)[kind]]
            if counts:
                parts.append(f"{kind}s: " + ", ".join(counts))
        return "; ".join(parts) + (f"; films to prepare in the background: {self.queued}" if self.queued else "")


def _set(row, **values) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _sync_rows(rows: list, specs: list, new_row, update) -> bool:
    """Make ``rows`` (a relationship list) follow ``specs`` in order: the n-th row is kept and updated by
    ``update(row, spec)``, missing rows are added, extra ones removed; positions from 1. Whether anything changed."""
    existing, changed = list(rows), False
    for n, spec in enumerate(specs):
        if n < len(existing):
            row = existing[n]
        else:
            row = new_row()
            rows.append(row)
            changed = True
        changed |= _set(row, position=n + 1)
        changed |= update(row, spec)
    if len(existing) > len(specs):
        del rows[len(specs):]
        changed = True
    return changed


def _sync_choices(question: Question, spec: dict) -> bool:
    changed = _set(question, kind=spec["kind"], prompt=spec["prompt"], explanation=spec["explanation"])
    return _sync_rows(question.choices, spec["choices"], Choice, lambda choice, c: _set(
        choice, text=c["text"], correct=c["correct"], feedback=c["feedback"])) or changed


def _sync_quiz(item: Item, spec: dict) -> bool:
    quiz = item.quiz
    changed = quiz is None
    if quiz is None:
        quiz = item.quiz = Quiz()
    changed |= _set(quiz, role=spec["role"], pass_mark=spec["pass_mark"], max_attempts=spec["max_attempts"])
    return _sync_rows(quiz.questions, spec["questions"], Question, _sync_choices) or changed


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _original(spec: dict) -> tuple[str, Callable[[], storage.Stored]]:
    """The film's identity (a SHA-256) and how to store its original: the file as it is, or for a demo film the
    recipe of its slides, which the worker renders (slides.py) before processing it as any upload."""
    if spec["file"] is not None:
        film = spec["file"]

        def store_file() -> storage.Stored:
            with open(film, "rb") as stream:
                return storage.save_stream(stream, "originals", film.suffix.lower() if len(film.suffix) <= 6 else "")
        return _sha256(film), store_file
    recipe = slide_films.spec_json(spec["slides"])
    return hashlib.sha256(recipe).hexdigest(), lambda: storage.save_bytes(recipe, slide_films.SPEC_PREFIX, ".json")


def _sync_video(item: Item, spec: dict, owner_id: int | None, report: ImportReport) -> bool:
    sha, store = _original(spec)
    video, changed = item.video, False
    # A library video that someone put in this item without being able to change it (services.add_item) is not
    # the import's to change: the import brings its own copy, as it does for a new film.
    if video is None or video.original_sha256 != sha or video.status == FAILED or not item.video_grants_edit:
        stored = store()
        video = Video(title=spec["title"], owner_id=owner_id, status=PROCESSING, original_key=stored.key,
                      original_sha256=sha, original_size=stored.size, speakers=spec["speakers"])
        db.session.add(video)
        db.session.flush()
        start_processing(video)  # the worker makes it ready after the commit, as for an upload
        item.video, item.video_grants_edit = video, True  # the import's owner owns it: the course's trainer may edit
        report.created["video"] += 1
        report.queued += 1
        changed = True
    video_changed = _set(video, title=spec["title"], speakers=spec["speakers"])
    for lang, data in spec["captions"].items():
        caption = video.caption(lang)
        text = vtt.decode(data).replace("\r\n", "\n").encode("utf-8")
        if caption is None or not storage.exists(caption.storage_key) or storage.read_bytes(caption.storage_key) != text:
            save_caption(video, lang, data)
            video_changed = True
    for caption in list(video.captions):
        if caption.lang not in spec["captions"]:
            video.captions.remove(caption)
            storage.delete(caption.storage_key)
            video_changed = True
    if video.transcript != spec["transcript"] or video.transcript_from_captions:
        write_transcript(video, spec["transcript"])
        video_changed = True
    if not changed:
        report.count("video", created=False, changed=video_changed)
    return changed or video_changed


def import_course(folder: Path, *, actor: User | None = None) -> ImportReport:
    """Validate the whole folder, then create the course (as a draft) or update it in place.

    Adds and flushes; the caller commits (or rolls back on error)."""
    spec = read_course(Path(folder))
    report = ImportReport()
    course = db.session.scalar(select(Course).where(Course.slug == spec["slug"]))
    created = course is None
    if actor is not None:
        if created:
            require_create_course(actor)
        else:
            require_edit_course(actor, course)
    if created:
        course = Course(slug=spec["slug"], status=DRAFT, owner_id=actor.id if actor else None)
        db.session.add(course)
    report.course = course
    course_changed = _set(course, **{k: spec[k] for k in (
        "title", "summary", "objectives", "duration_minutes", "prerequisites", "remote_activities", "support",
        "assessment", "audience_note", "source_path")})
    owner_id = course.owner_id or (actor.id if actor else None)
    existing = {m.key: m for m in course.modules}
    modules, videos = [], []
    for position, mspec in enumerate(spec["modules"], start=1):
        module = existing.pop(mspec["key"], None)
        module_created = module is None
        if module_created:
            module = Module(key=mspec["key"])
        module_changed = _set(module, title=mspec["title"], summary=mspec["summary"], position=position)
        old_items = {i.key: i for i in module.items}
        items = []
        for item_position, ispec in enumerate(mspec["items"], start=1):
            item = old_items.pop(ispec["key"], None)
            item_created = item is None
            if item_created:
                item = Item(key=ispec["key"])
            item_changed = _set(item, kind=ispec["kind"], title=ispec["title"], position=item_position,
                                required=ispec["required"], estimated_minutes=ispec["estimated_minutes"],
                                content_note=ispec["content_note"], body_markdown=ispec["body_markdown"])
            if ispec["kind"] == QUIZ:
                item_changed |= _sync_quiz(item, ispec["quiz"])
            elif item.quiz is not None:
                item.quiz, item_changed = None, True
            items.append(item)
            if ispec["kind"] != VIDEO and item.video_id is not None:
                item.video, item.video_grants_edit, item_changed = None, False, True
            report.count("item", created=item_created, changed=item_changed)
            if ispec["video"] is not None:
                videos.append((item, ispec["video"]))
        if old_items:
            report.deleted["item"] += len(old_items)
            module_changed = True
        module.items = items
        modules.append(module)
        report.count("module", created=module_created, changed=module_changed)
    if existing:
        report.deleted["module"] += len(existing)
        report.deleted["item"] += sum(len(m.items) for m in existing.values())
    course.modules = modules
    db.session.flush()
    for item, video_spec in videos:
        _sync_video(item, video_spec, owner_id, report)
    db.session.flush()
    report.count("course", created=created, changed=course_changed)
    return report


def film_states(slug: str) -> Counter:
    """How many films of the course ``slug`` are processing, ready or failed (`make run` reports their preparation)."""
    return Counter(db.session.scalars(
        select(Video.status).join(Item, Item.video_id == Video.id).join(Module, Item.module_id == Module.id)
        .join(Course, Module.course_id == Course.id).where(Course.slug == slug)))
