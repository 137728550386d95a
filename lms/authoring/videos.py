"""Videos: upload, processing by the worker, captions and transcript.

``create_video`` takes the upload received in the media store (or copies a stream
there) and checks from its first bytes that it is a video container; a trigger in the outbox then has the worker
run ``process_video``, which first checks that the file is whole (integrity.py: a
truncated upload fails with its reason), then makes the MP4 H.264/AAC "faststart"
file the players stream and a poster image, with the pip-installed ffmpeg.
"""
from __future__ import annotations

import logging
import re
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

import imageio_ffmpeg
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from lms.auth.models import User
from lms.authoring import integrity, vtt
from lms.authoring.models import FAILED, PROCESSING, READY, Caption, Course, Item, Module, Video
from lms.authoring.permissions import require_edit_video, require_manage_videos
from lms.core import outbox, storage
from lms.core.clock import as_utc, utcnow
from lms.core.errors import FieldErrors, Invalid, NotFound, TooLarge, UnsupportedMediaType
from lms.core.inputs import TextRefused, clean_text
from lms.extensions import db

log = logging.getLogger(__name__)

PROCESS_TASK = "worker.tasks.videos.process_video"
ABANDONED_UPLOAD_S = 6 * 3600  # not written to for this long: its request is gone (uploads last minutes)
LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")

# Reasons shown to the trainer (data stored on the video, in French like the content).
TRUNCATED = ("Le fichier semble incomplet ou endommagé (envoi interrompu ?) : il ne peut pas être lu. "
             "Envoyez à nouveau le fichier d'origine.")
NO_VIDEO_STREAM = "Le fichier ne contient pas d'image vidéo (seulement du son ou des données). Envoyez un fichier vidéo."
CONVERSION_FAILED = ("La conversion de la vidéo a échoué : le fichier est peut-être endommagé ou dans un format "
                     "trop ancien. Essayez de l'exporter à nouveau en MP4 depuis votre logiciel de montage.")
ORIGINAL_MISSING = "Le fichier envoyé est introuvable sur le serveur. Envoyez-le à nouveau."
GAVE_UP = "Le traitement de la vidéo n'a pas abouti après plusieurs essais. Envoyez-la à nouveau ou contactez l'équipe."
TOO_LONG = "Le traitement de la vidéo a pris trop de temps et a été interrompu."


# -- upload --------------------------------------------------------------------

def sniff_container(head: bytes) -> str | None:
    """The container named by the first bytes, or None when it is not a video container we accept."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mov" if head[8:12] == b"qt  " else "mp4"
    if len(head) >= 8 and head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"):
        return "mov"  # old QuickTime files without ftyp
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "matroska"  # WebM and Matroska
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    if len(head) >= 377 and head[0] == head[188] == head[376] == 0x47:
        return "mpegts"
    if head.startswith(b"\x00\x00\x01\xba"):
        return "mpegps"
    if head.startswith(b"FLV\x01"):
        return "flv"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"):
        return "asf"
    return None


def create_video(actor: User, stream: BinaryIO | storage.Upload | None, title: str, *, max_bytes: int) -> Video:
    """Store the upload (never whole in memory) and create the video in ``processing``.

    ``stream`` is either a ``storage.Upload`` already received in the media store (the upload
    routes, lms.core.uploads: it is renamed, not copied) or any binary stream, copied in.
    TooLarge (413) past ``max_bytes`` and UnsupportedMediaType (415) when the first bytes are
    not a video container; in both cases, and on any error, nothing stays in the media store.
    The processing trigger is written in the same transaction and started after the commit."""
    require_manage_videos(actor)
    errors = FieldErrors()  # every wrong value at once
    if stream is None:
        errors.add("file", _("Ce champ est obligatoire."))
    try:
        title = clean_text(title or "", multiline=False).strip()  # as every form reads it
    except TextRefused as exc:
        errors.add("title", exc.message)
    else:
        if not title or len(title) > 200:
            errors.add("title", _("Un titre de 1 à 200 caractères est obligatoire."))
    errors.raise_if_any()
    too_large = TooLarge(_("La vidéo dépasse la taille maximale autorisée (%(mb)d Mo).",
                           mb=max(1, max_bytes // (1024 * 1024))))
    if isinstance(stream, storage.Upload):
        upload = stream
    else:
        try:
            upload = storage.receive(stream, max_bytes=max_bytes)
        except storage.TooLarge:
            raise too_large from None
    try:
        if upload.size > max_bytes:
            raise too_large
        if upload.size == 0 or sniff_container(upload.head()) is None:
            raise UnsupportedMediaType(_("Ce fichier n'est pas une vidéo reconnue (MP4, MOV, WebM, MKV, AVI, MPEG-TS…)."),
                                       code="not_a_video")
        stored = storage.commit_upload(upload, "originals")
    finally:
        upload.discard()  # nothing once committed
    try:
        video = Video(title=title, owner_id=actor.id, status=PROCESSING, original_key=stored.key,
                      original_sha256=stored.sha256, original_size=stored.size)
        db.session.add(video)
        db.session.flush()
        _trigger_processing(video, attempt=1)
    except BaseException:
        storage.delete(stored.key)
        raise
    return video


def remove_abandoned_uploads() -> int:
    """Uploads left in the media store's temporary area by a web worker killed mid-request."""
    return storage.remove_stale_uploads(ABANDONED_UPLOAD_S)


def start_processing(video: Video) -> None:
    """The first processing trigger of a new video, written in the caller's transaction (the import's films)."""
    _trigger_processing(video, attempt=1)


def _trigger_processing(video: Video, attempt: int) -> None:
    outbox.enqueue_task(PROCESS_TASK, [video.id], dedupe_key=f"process_video:{video.id}:{attempt}")


def get_video(video_id: int) -> Video:
    video = db.session.get(Video, video_id)
    if video is None:
        raise NotFound()
    return video


def library() -> Select:
    """The videos of the trainers' library, newest first, with their captions.

    Every video: any trainer or coordinator may use any video in their courses (permissions.can_manage_videos);
    changing one is for those of permissions.can_edit_video."""
    return select(Video).options(selectinload(Video.captions)).order_by(Video.created_at.desc(), Video.id.desc())


def courses_using(video: Video) -> list[Course]:
    """The courses (drafts and published) with an item showing this video, by title."""
    # A subquery rather than DISTINCT: PostgreSQL cannot compare the JSON columns of courses.
    using = select(Module.course_id).join(Item, Item.module_id == Module.id).where(Item.video_id == video.id)
    stmt = select(Course).where(Course.id.in_(using)).order_by(Course.title, Course.id)
    return list(db.session.scalars(stmt))


# -- processing ----------------------------------------------------------------

@dataclass
class Probe:
    duration: float | None = None
    container: str = ""
    video_codec: str | None = None
    pix_fmt: str | None = None
    width: int | None = None
    height: int | None = None
    audio_codec: str | None = None
    error: str | None = None
    duration_estimated: bool = False  # from the bitrate (no timestamps to read it from): not a promise


_DURATION = re.compile(r"Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)")
_INPUT = re.compile(r"^Input #0, ([^ ]+), from", re.M)
_VIDEO = re.compile(r"Stream #0:\d+.*?: Video: (\w+)([^\n]*)")
_AUDIO = re.compile(r"Stream #0:\d+.*?: Audio: (\w+)")
_SIZE = re.compile(r"\b(\d{2,5})x(\d{2,5})\b")
_PIXFMT = re.compile(r"\), (\w+)[(,]|, (yuv\w+|nv12|rgb\w+|gray\w*)[(,]")


def ffmpeg_exe() -> str:
    return imageio_ffmpeg.get_ffmpeg_exe()


def probe(path: Path) -> Probe:
    """What ffmpeg says about a file (the pip build has no ffprobe: ``ffmpeg -i`` prints it)."""
    result = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
                            capture_output=True, text=True, errors="replace", timeout=120)
    out = result.stderr
    found = Probe()
    if (container := _INPUT.search(out)) is None:
        found.error = out.strip().splitlines()[-1] if out.strip() else "unreadable"
        return found
    found.container = container.group(1)
    if (duration := _DURATION.search(out)) is not None:
        hours, minutes, seconds = duration.groups()
        found.duration = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    found.duration_estimated = "Estimating duration from bitrate" in out
    if (stream := _VIDEO.search(out)) is not None:
        found.video_codec, details = stream.group(1), stream.group(2)
        if (size := _SIZE.search(details)) is not None:
            found.width, found.height = int(size.group(1)), int(size.group(2))
        if (pix := _PIXFMT.search(details)) is not None:
            found.pix_fmt = pix.group(1) or pix.group(2)
    if (audio := _AUDIO.search(out)) is not None:
        found.audio_codec = audio.group(1)
    return found


def can_remux(found: Probe) -> bool:
    """Already what every browser plays: H.264 in 4:2:0 with AAC (or no sound), in an MP4/MOV container."""
    return (found.video_codec == "h264" and found.pix_fmt in ("yuv420p", "yuvj420p")
            and found.audio_codec in (None, "aac") and "mp4" in found.container.split(","))


def process_video(video_id: int) -> Video | None:
    """Make the streamable MP4 and the poster. Idempotent: a video no longer processing is left alone.

    Adds and flushes; the task (or the inline dispatcher) commits."""
    video = db.session.get(Video, video_id)
    if video is None or video.status != PROCESSING:
        return video
    if not storage.exists(video.original_key):
        return _fail(video, ORIGINAL_MISSING)
    timeout = current_app.config["VIDEO_FFMPEG_TIMEOUT_SECONDS"]
    source = storage.path(video.original_key)
    from lms.authoring import slides  # slides.py imports this module (ffmpeg_exe)

    if video.original_key.startswith(f"{slides.SPEC_PREFIX}/"):  # a demo film of a course's files: render it first
        try:
            source = slides.film_of_spec(source)
        except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as exc:
            return _fail(video, CONVERSION_FAILED, detail=str(exc))
    found = probe(source)
    if found.error:
        return _fail(video, TRUNCATED, detail=found.error)
    if found.video_codec is None:
        return _fail(video, NO_VIDEO_STREAM)
    declared = None if found.duration_estimated else found.duration
    try:
        if (why := integrity.problem(source, found.container, declared, timeout=timeout)) is not None:
            return _fail(video, *why)
    except subprocess.TimeoutExpired:
        return _fail(video, TOO_LONG)
    with tempfile.TemporaryDirectory(prefix="lms-video-") as work:
        output, poster = Path(work) / "stream.mp4", Path(work) / "poster.jpg"
        if can_remux(found):
            codecs = ["-c", "copy"]
        else:
            codecs = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
                      "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2", "-c:a", "aac", "-b:a", "128k", "-ac", "2"]
        command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y", "-i", str(source),
                   "-map", "0:v:0", "-map", "0:a:0?", *codecs, "-movflags", "+faststart", "-f", "mp4", str(output)]
        try:
            result = subprocess.run(command, capture_output=True, text=True, errors="replace", timeout=timeout)
        except subprocess.TimeoutExpired:
            return _fail(video, TOO_LONG)
        if result.returncode != 0 or not output.is_file() or output.stat().st_size == 0:
            return _fail(video, CONVERSION_FAILED, detail=result.stderr[-2000:])
        made = probe(output)
        if made.error or made.video_codec is None:
            return _fail(video, CONVERSION_FAILED, detail=made.error)
        duration = made.duration or found.duration
        at = duration * 0.1 if duration else 1.0
        poster_cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y", "-ss", f"{at:.3f}", "-i", str(output),
                      "-frames:v", "1", "-q:v", "3", "-f", "image2", str(poster)]
        subprocess.run(poster_cmd, capture_output=True, timeout=300)
        stored = storage.save_file(output, "videos", ".mp4")
        poster_key = storage.save_file(poster, "posters", ".jpg").key if poster.is_file() and poster.stat().st_size else None
    old = (video.stream_key, video.poster_key)
    video.stream_key, video.stream_size, video.poster_key = stored.key, stored.size, poster_key
    video.duration_s, video.width, video.height = duration, made.width or found.width, made.height or found.height
    video.status, video.error, video.processed_at = READY, None, utcnow()
    db.session.flush()
    for key in old:
        if key and key not in (video.stream_key, video.poster_key):
            storage.delete(key)
    return video


def _fail(video: Video, reason: str, detail: str | None = None) -> Video:
    log.info("Video %s failed: %s (%s)", video.id, reason, detail)
    video.status, video.error, video.processed_at = FAILED, reason, utcnow()
    db.session.flush()
    return video


def requeue_stuck_videos() -> int:
    """Videos still processing long after their last trigger (worker died, task lost): trigger again,
    at most VIDEO_MAX_ATTEMPTS times, then mark them failed with a reason."""
    config = current_app.config
    lease = timedelta(seconds=config["VIDEO_PROCESSING_LEASE_SECONDS"])
    now = utcnow()
    count = 0
    stuck = db.session.scalars(select(Video).where(Video.status == PROCESSING, Video.created_at < now - lease)).all()
    for video in stuck:
        triggers = outbox.tasks_with_prefix(f"process_video:{video.id}:")
        if triggers and as_utc(triggers[-1].created_at) > now - lease:
            continue
        if len(triggers) >= config["VIDEO_MAX_ATTEMPTS"]:
            _fail(video, GAVE_UP)
        else:
            _trigger_processing(video, attempt=len(triggers) + 1)
        count += 1
    return count


# -- captions and transcript ---------------------------------------------------

def add_caption(actor: User, video: Video, lang: str, data: bytes) -> Caption:
    """Store (or replace) the captions of one language after checking the WebVTT.

    Invalid (422) names the faulty line. French captions also become the transcript
    while the transcript has not been written by hand."""
    require_edit_video(actor, video)
    return save_caption(video, lang, data)


def save_caption(video: Video, lang: str, data: bytes) -> Caption:
    """add_caption without the permission check (the course importer, a system task)."""
    errors = FieldErrors()  # the language and the file at once
    if not LANG.match(lang or ""):
        errors.add("lang", _("Code de langue attendu, par exemple « fr » ou « en »." ))
    try:
        cues = vtt.validate(data)
        clean_text(vtt.decode(data))  # no control character (for the transcript); direction marks stay (ar, he)
    except (vtt.VttError, TextRefused) as exc:
        if not errors:
            raise Invalid(exc.message, code="invalid_vtt", fields={"body": exc.message}) from None
        errors.add("body", exc.message)
    errors.raise_if_any()
    text = vtt.decode(data).replace("\r\n", "\n")
    stored = storage.save_bytes(text.encode("utf-8"), "captions", ".vtt")
    caption = video.caption(lang)
    if caption is None:
        caption = Caption(video=video, lang=lang, storage_key=stored.key, size=stored.size)
        db.session.add(caption)
        previous = None
    else:
        previous, caption.storage_key, caption.size, caption.created_at = caption.storage_key, stored.key, stored.size, utcnow()
    if lang == "fr" and video.transcript_from_captions:
        video.transcript = vtt.plain_text(cues)
    db.session.flush()
    if previous:
        storage.delete(previous)
    return caption


def set_transcript(actor: User, video: Video, text: str) -> Video:
    """The transcript shown next to the player (Markdown), written by hand: captions no longer replace it.

    An empty text goes back to the text of the French captions."""
    require_edit_video(actor, video)
    return write_transcript(video, text)


def write_transcript(video: Video, text: str) -> Video:
    """set_transcript without the permission check (the course importer, a system task)."""
    try:
        text = clean_text(text or "").strip()  # as every form and JSON body: Markdown keeps its line breaks
    except TextRefused as exc:
        raise Invalid(fields={"body": exc.message}) from None
    if len(text) > 500_000:
        raise Invalid(fields={"body": _("La transcription est trop longue.")})
    if text:
        video.transcript, video.transcript_from_captions = text, False
    else:
        video.transcript_from_captions = True
        caption = video.caption("fr")
        video.transcript = vtt.plain_text(vtt.validate(storage.read_bytes(caption.storage_key))) if caption else None
    db.session.flush()
    return video
