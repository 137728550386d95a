"""Delivery of videos, posters and captions. Access as for the video (permissions.can_view_video):
trainers and coordinators, and learners once a published course uses it.

Two ways in:
- a signed URL (services/signing.py), issued by the item page and GET /api/v1/videos/{id} after the
  permission check: served from the storage key it carries, with no session, user or SQL at all;
  a wrong or expired signature is 403, and a file no longer stored (replaced) 404;
- a plain URL: the browser's session cookie or an API bearer token, checked at each request."""
from __future__ import annotations

from flask import current_app, request
from flask.globals import request_ctx
from flask_login import current_user

from lms.auth.services import user_for_api_token
from lms.core.errors import NotFound, Unauthorized
from lms.videos import bp
from lms.videos.models import READY, Video
from lms.videos.permissions import require_view_video
from lms.videos.services import get_video, signing
from lms.videos.views.ranges import send_media


def viewer():
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = user_for_api_token(header[7:].strip())
        if user is None:
            raise Unauthorized()
        return user
    if current_user.is_authenticated:
        return current_user._get_current_object()
    raise Unauthorized()


def viewable_video(video_id: int) -> Video:
    user = viewer()
    video = get_video(video_id)
    require_view_video(user, video)
    return video


def forget_session() -> None:
    """The answer depends on the URL alone: a null session, so that the session cookie is neither
    set again nor varied on (Flask-Login's after_request hook reads the session on every request,
    which would add ``Vary: Cookie``). Flask keeps the opened session in ``_session`` since 3.1."""
    ctx = request_ctx._get_current_object()
    null = current_app.session_interface.make_null_session(current_app)
    if hasattr(ctx, "_session"):
        ctx._session = null
    else:  # Flask < 3.1
        ctx.session = null


def send_signed(video_id: int, kind: str, mimetype: str):
    """The response for a signed URL, or None when the request carries no signature."""
    signed = signing.verified(video_id, kind, request.args)
    if signed is None:
        return None
    try:
        response = send_media(signed.key, mimetype)
    except (FileNotFoundError, ValueError):  # a key replaced since the URL was issued
        raise NotFound() from None
    forget_session()  # an error page still has its session (its layout reads it)
    return response


@bp.get("/media/videos/<int:video_id>/stream.mp4")
def stream_video(video_id: int):
    if (response := send_signed(video_id, "stream", "video/mp4")) is not None:
        return response
    video = viewable_video(video_id)
    if video.status != READY or not video.stream_key:
        raise NotFound()
    return send_media(video.stream_key, "video/mp4")


@bp.get("/media/videos/<int:video_id>/poster.jpg")
def send_poster(video_id: int):
    if (response := send_signed(video_id, "poster", "image/jpeg")) is not None:
        return response
    video = viewable_video(video_id)
    if not video.poster_key:
        raise NotFound()
    return send_media(video.poster_key, "image/jpeg")


@bp.get("/media/videos/<int:video_id>/captions/<lang>.vtt")
def send_caption(video_id: int, lang: str):
    if (response := send_signed(video_id, f"captions:{lang}", "text/vtt")) is not None:
        return response
    caption = viewable_video(video_id).caption(lang)
    if caption is None:
        raise NotFound()
    return send_media(caption.storage_key, "text/vtt")
