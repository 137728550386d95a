"""Videos: upload (streamed, processed by the worker), state, captions and transcript."""
from __future__ import annotations

from flask import current_app, jsonify, request, url_for
from flask_babel import gettext as _

from lms.api import bp
from lms.api.common import authenticated, caller
from lms.core import uploads
from lms.core.db import commit
from lms.core.errors import BadRequest, UnsupportedMediaType
from lms.videos import services as videos
from lms.videos.models import FAILED, Video
from lms.videos.permissions import require_edit_video, require_manage_videos, require_view_video
from lms.videos.services import media_urls

MB = 1024 * 1024


def video_state(video: Video, viewer=None) -> dict:
    """With ``viewer`` (who may see the video), the media URLs are signed for them (lms.videos.services.signing)."""
    state = {"id": video.id, "title": video.title, "status": video.status, "duration_s": video.duration_s,
             **media_urls(video, viewer)}
    if video.status == FAILED:
        state["error"] = video.error
    return state


def _changed_video(video_id: int, mimetypes: tuple[str, ...], expected: str) -> Video:
    """The video the caller may change (404, 403), sent a body of one of ``mimetypes`` (else 415 saying ``expected``)."""
    video = videos.get_video(video_id)
    require_edit_video(caller(), video)
    if request.mimetype not in mimetypes:
        raise UnsupportedMediaType(expected)
    return video


@bp.post("/videos")
@authenticated
def upload_video():
    """202 ``{id, status}``; the file part is received straight into the media store while the form is
    parsed (sha256 and MAX_UPLOAD_MB checked on the way), then renamed to its key."""
    require_manage_videos(caller())
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType(_("Formulaire multipart/form-data attendu, avec le fichier dans le champ « file »."))
    max_bytes = int(current_app.config["MAX_UPLOAD_MB"] * MB)
    # This route alone is bound by MAX_UPLOAD_MB, not by MAX_CONTENT_LENGTH; whatever is not kept is removed.
    with uploads.into_media_store(max_bytes):
        upload = request.files.get("file")  # missing: a 422 that also names a wrong title
        video = videos.create_video(caller(), upload.stream if upload else None,
                                    request.form.get("title") or (upload.filename if upload else "") or "",
                                    max_bytes=max_bytes)
        video_id, status = video.id, video.status
        commit()  # then the processing trigger is dispatched
    return jsonify({"id": video_id, "status": status}), 202, {"Location": url_for("api.get_video", video_id=video_id)}


@bp.get("/videos/<int:video_id>")
@authenticated
def get_video(video_id: int):
    video = videos.get_video(video_id)
    require_view_video(caller(), video)
    return jsonify(video_state(video, caller()))


@bp.post("/videos/<int:video_id>/captions")
@authenticated
def add_caption(video_id: int):
    """201 ``{lang, url}``; 422 with the faulty line when the body is not valid WebVTT."""
    video = _changed_video(video_id, ("text/vtt", "text/plain"), _("Corps WebVTT attendu (Content-Type: text/vtt)."))
    lang = request.args.get("lang", "")
    caption = videos.add_caption(caller(), video, lang, request.get_data())
    commit()
    return jsonify({"lang": caption.lang, "url": url_for("videos.send_caption", video_id=video.id, lang=caption.lang)}), 201


@bp.put("/videos/<int:video_id>/transcript")
@authenticated
def set_transcript(video_id: int):
    video = _changed_video(video_id, ("text/plain", "text/markdown"),
                           _("Corps texte attendu (Content-Type: text/plain ou text/markdown)."))
    try:
        text = request.get_data().decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(_("Le texte doit être encodé en UTF-8."), code="malformed_text") from None
    videos.set_transcript(caller(), video, text)
    commit()
    return jsonify({"id": video.id, "transcript": video.transcript, "from_captions": video.transcript_from_captions})
