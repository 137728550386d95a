"""Processing by the worker: the MP4 H.264/AAC "faststart" file the players stream, and a poster image.

``process_video`` first checks that the upload is whole (integrity.py: a truncated upload fails with its reason),
then makes both files with the pip-installed ffmpeg. The trigger is a row of the outbox written with the video
(library.create_video); ``requeue_stuck_videos`` triggers again what a lost worker left processing.
"""
from __future__ import annotations

import logging
import re
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import imageio_ffmpeg
from flask import current_app
from sqlalchemy import select

from lms.core import outbox, storage
from lms.core.clock import as_utc, utcnow
from lms.extensions import db
from lms.videos.models import FAILED, PROCESSING, READY, Video
from lms.videos.services import integrity

log = logging.getLogger(__name__)

PROCESS_TASK = "worker.tasks.videos.process_video"

# Reasons shown to the trainer (data stored on the video, in French like the content).
TRUNCATED = ("Le fichier semble incomplet ou endommagé (envoi interrompu ?) : il ne peut pas être lu. "
             "Envoyez à nouveau le fichier d'origine.")
NO_VIDEO_STREAM = "Le fichier ne contient pas d'image vidéo (seulement du son ou des données). Envoyez un fichier vidéo."
CONVERSION_FAILED = ("La conversion de la vidéo a échoué : le fichier est peut-être endommagé ou dans un format "
                     "trop ancien. Essayez de l'exporter à nouveau en MP4 depuis votre logiciel de montage.")
ORIGINAL_MISSING = "Le fichier envoyé est introuvable sur le serveur. Envoyez-le à nouveau."
GAVE_UP = "Le traitement de la vidéo n'a pas abouti après plusieurs essais. Envoyez-la à nouveau ou contactez l'équipe."
TOO_LONG = "Le traitement de la vidéo a pris trop de temps et a été interrompu."


def start_processing(video: Video) -> None:
    """The first processing trigger of a new video, written in the caller's transaction (the import's films)."""
    trigger_processing(video, attempt=1)


def trigger_processing(video: Video, attempt: int) -> None:
    """Have the worker process the video after the commit (once per attempt: the outbox's unique key)."""
    outbox.enqueue_task(PROCESS_TASK, [video.id], dedupe_key=f"process_video:{video.id}:{attempt}")


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
    from lms.videos.services import slides  # slides.py imports this module (ffmpeg_exe)

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
            trigger_processing(video, attempt=len(triggers) + 1)
        count += 1
    return count
