"""The trainers' video library pages (upload, processing state, captions, transcript).

Trainers and coordinators see the whole library and upload (permissions.can_manage_videos); a video's
page, where its captions and transcript are changed, is for those who may edit it (can_edit_video: its
owner, a trainer of a course that uses it through an item that grants it, a coordinator), as in the API;
others get 403, including a trainer who merely reuses the video in a course of theirs. The upload is received
straight into the media store (lms.core.uploads) and kept by services.create_video, exactly as
``POST /api/v1/videos`` does.
"""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from lms.core import uploads
from lms.core.db import commit, rollback
from lms.core.errors import DomainError, TooLarge
from lms.core.pagination import paginate
from lms.core.web import show_errors
from lms.extensions import csrf
from lms.videos import bp, queries, services
from lms.videos.forms import CaptionForm, TranscriptForm, VideoUploadForm
from lms.videos.models import Video
from lms.videos.permissions import editable_video_ids, require_edit_video, require_manage_videos

MB = 1024 * 1024
CAPTION_PREFIX = "vtt"  # two forms on the video page: distinct field ids


def _max_upload_bytes() -> int:
    return int(current_app.config["MAX_UPLOAD_MB"] * MB)


def _too_large() -> TooLarge:
    return TooLarge(_("La vidéo dépasse la taille maximale autorisée (%(mb)d Mo).",
                      mb=max(1, _max_upload_bytes() // MB)))


def _show(form, exc: DomainError, field: str) -> None:
    """A service's error next to the form's fields; an error about no field, or about the request's body (the
    API's name for the file or the text), goes next to ``field``."""
    fields = {field if name == "body" else name: why for name, why in exc.fields.items()} or {field: exc.message}
    show_errors(form, DomainError(exc.message, fields=fields))


def _apply(form, field: str, change):
    """``change()``, one service call, then the commit: (its result, None); on a DomainError the transaction is
    rolled back and the error shown on ``form`` (see _show): (None, the error)."""
    try:
        result = change()
        commit()  # an upload's processing trigger is dispatched then
    except DomainError as exc:
        rollback()
        _show(form, exc, field)
        return None, exc
    return result, None


def _changed(video_id: int, message: str):
    flash(message, "success")
    return redirect(url_for("videos.show_video", video_id=video_id))


def _editable(video_id: int) -> Video:
    require_manage_videos(current_user)  # learners: 403 whether the video exists or not
    video = services.get_video(video_id)
    require_edit_video(current_user, video)
    return video


def _library(form: VideoUploadForm):
    page = paginate(queries.library(), per_page=50)
    return render_template("videos/list.html", page=page, form=form,
                           editable=editable_video_ids(current_user, (video.id for video in page.items)),
                           max_mb=max(1, _max_upload_bytes() // MB), max_bytes=_max_upload_bytes())


def _video_page(video: Video, caption_form: CaptionForm | None = None, transcript_form: TranscriptForm | None = None):
    caption_form = caption_form or CaptionForm(formdata=None, prefix=CAPTION_PREFIX)
    transcript_form = transcript_form or TranscriptForm(formdata=None, data={"transcript": video.transcript or ""})
    return render_template("videos/show.html", video=video, courses=queries.courses_using(video),
                           caption_form=caption_form, transcript_form=transcript_form)


@bp.get("/edition/videos")
@login_required
def list_videos():
    require_manage_videos(current_user)
    return _library(VideoUploadForm(formdata=None))


@bp.post("/edition/videos")
@login_required
@csrf.exempt  # checked below, once the upload goes to the media store (the global check would parse the body first)
def upload_video():
    require_manage_videos(current_user)
    max_bytes = _max_upload_bytes()
    # As in the API: bound by MAX_UPLOAD_MB, not MAX_CONTENT_LENGTH; whatever is not kept is removed.
    with uploads.into_media_store(max_bytes):
        try:
            csrf.protect()  # reads the form: the file part goes straight into the media store's temporary area
            form = VideoUploadForm()
        except RequestEntityTooLarge:
            form = VideoUploadForm(formdata=None)
            _show(form, _too_large(), "file")
            return _library(form), 413
        if not form.validate_on_submit():
            return _library(form), 422
        video_id, error = _apply(form, "file", lambda: services.create_video(
            current_user, form.file.data.stream, form.title.data, max_bytes=max_bytes).id)
        if error is not None:
            return _library(form), error.status
    flash(_("Vidéo envoyée. Elle sera prête à la fin de son traitement."), "success")
    target = url_for("videos.show_video", video_id=video_id)
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return "", 201, {"Location": target}  # upload.js goes there itself; the message waits for that page
    return redirect(target)


@bp.get("/edition/videos/<int:video_id>")
@login_required
def show_video(video_id: int):
    return _video_page(_editable(video_id))


@bp.post("/edition/videos/<int:video_id>/sous-titres")
@login_required
def upload_caption(video_id: int):
    video = _editable(video_id)
    form = CaptionForm(prefix=CAPTION_PREFIX)
    if form.validate_on_submit():
        lang, error = _apply(form, "file", lambda: services.add_caption(
            current_user, video, form.lang.data.strip(), form.file.data.read()).lang)
        if error is None:
            return _changed(video_id, _("Sous-titres « %(lang)s » enregistrés.", lang=lang))
    return _video_page(video, caption_form=form), 422


@bp.post("/edition/videos/<int:video_id>/transcription")
@login_required
def edit_transcript(video_id: int):
    video = _editable(video_id)
    form = TranscriptForm()
    if form.validate_on_submit():
        from_captions, error = _apply(form, "transcript", lambda: services.set_transcript(
            current_user, video, form.transcript.data or "").transcript_from_captions)
        if error is None:
            return _changed(video_id, _("La transcription reprend le texte des sous-titres français.") if from_captions
                            else _("Transcription enregistrée."))
    return _video_page(video, transcript_form=form), 422
