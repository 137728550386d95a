"""Small real videos made with the pip ffmpeg, MP4 atom reading and course fixtures for video tests."""
from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import imageio_ffmpeg

from lms.authoring.models import PUBLISHED, VIDEO, Course, Item, Module
from lms.core import storage
from lms.core.db import commit
from lms.extensions import db
from lms.videos.models import READY, Video
from tests import factories

VTT = b"WEBVTT\n\n00:00.000 --> 00:01.000\nBonjour et bienvenue.\n\n00:00:01.000 --> 00:00:02.000\n<v Anne>La sant\xc3\xa9 mentale.</v>\n"


def make_video(target: Path, *, vcodec: str = "libx264", acodec: str | None = "aac", fmt: str | None = None,
               faststart: bool = False, duration: float = 2, extra: tuple[str, ...] = ("-pix_fmt", "yuv420p")) -> Path:
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-v", "error", "-y",
               "-f", "lavfi", "-i", f"testsrc=duration={duration}:size=320x240:rate=25"]
    if acodec:
        command += ["-f", "lavfi", "-i", f"sine=duration={duration}", "-c:a", acodec]
    command += ["-c:v", vcodec, *extra, "-shortest"]
    if faststart:
        command += ["-movflags", "+faststart"]
    if fmt:
        command += ["-f", fmt]
    subprocess.run([*command, str(target)], check=True, capture_output=True)
    return target


def cut_short(source: Path, target: Path, *, keep: float = 0.6, drop: int = 0) -> Path:
    """An upload interrupted part-way: the first ``keep`` of the bytes of ``source``, less ``drop`` more bytes."""
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * keep) - drop])
    return target


def top_level_atoms(path: Path) -> list[str]:
    """The names of the top-level boxes of an MP4 file, in order."""
    atoms, data, offset = [], path.read_bytes(), 0
    while offset + 8 <= len(data):
        size, name = struct.unpack(">I4s", data[offset:offset + 8])
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8:offset + 16])[0]
        elif size == 0:
            size = len(data) - offset
        atoms.append(name.decode("latin-1"))
        offset += size
    return atoms


def course_using(video: Video, *, published: bool, slug: str | None = None) -> Course:
    """A course (no owner yet) with one item playing ``video``, put there by someone who could change the video
    (its owner or a coordinator): the item grants the course's trainer the right to change it."""
    course = Course(slug=slug or f"parcours-video-{video.id}", title="Parcours")
    module = Module(course=course, key="m1", title="Module 1")
    Item(module=module, key="v1", kind=VIDEO, title="Vidéo", video_id=video.id, video_grants_edit=True)
    if published:
        course.status = PUBLISHED
    db.session.add(course)
    commit()
    return course


def stored_video(owner=None, *, title: str = "Film", status: str = READY, captions: bool = True,
                 transcript: str | None = "Bonjour.", **files) -> Video:
    """``factories.video``, committed (duration 2 s, French captions in the media store unless ``captions`` is
    False)."""
    video = factories.video(owner, title=title, status=status, captions=captions, transcript=transcript, **files)
    commit()
    return video


def ready_video(owner=None, *, content: bytes = b"\x00\x00\x00\x18ftypisom" + bytes(range(256)) * 40) -> Video:
    """A ready video whose files are plain bytes (no ffmpeg): for delivery and permission tests."""
    return stored_video(owner, transcript=None, stream_key=storage.save_bytes(content, "videos", ".mp4").key,
                        stream_size=len(content),
                        poster_key=storage.save_bytes(b"\xff\xd8\xff\xe0fake-jpeg", "posters", ".jpg").key)
