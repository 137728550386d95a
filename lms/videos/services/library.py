"""The library's verbs: upload a video, get it, its captions and transcript.

``create_video`` takes the upload received in the media store (or copies a stream there) and checks from its
first bytes that it is a video container; a trigger in the outbox then has the worker run
processing.process_video.
"""
from __future__ import annotations

import re
from typing import BinaryIO

from flask_babel import gettext as _

from lms.auth.models import User
from lms.core import storage
from lms.core.clock import utcnow
from lms.core.errors import FieldErrors, Invalid, NotFound, TooLarge, UnsupportedMediaType
from lms.core.inputs import TextRefused, clean_text
from lms.extensions import db
from lms.videos.models import PROCESSING, Caption, Video
from lms.videos.permissions import require_edit_video, require_manage_videos
from lms.videos.services import vtt
from lms.videos.services.processing import trigger_processing

ABANDONED_UPLOAD_S = 6 * 3600  # not written to for this long: its request is gone (uploads last minutes)
LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


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
        trigger_processing(video, attempt=1)
    except BaseException:
        storage.delete(stored.key)
        raise
    return video


def remove_abandoned_uploads() -> int:
    """Uploads left in the media store's temporary area by a web worker killed mid-request."""
    return storage.remove_stale_uploads(ABANDONED_UPLOAD_S)


def get_video(video_id: int) -> Video:
    video = db.session.get(Video, video_id)
    if video is None:
        raise NotFound()
    return video


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
