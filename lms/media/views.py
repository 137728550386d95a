"""Videos, posters and captions. Access as for the video (lms.authoring.permissions.can_view_video):
trainers and coordinators, and learners once a published course uses it. The browser's session
cookie works, and so does an API bearer token."""
from __future__ import annotations

from flask import request
from flask_login import current_user

from lms.auth.services import user_for_api_token
from lms.authoring.models import READY, Video
from lms.authoring.permissions import require_view_video
from lms.authoring.videos import get_video
from lms.core.errors import NotFound, Unauthorized
from lms.core.ranges import send_media
from lms.media import bp


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


@bp.get("/videos/<int:video_id>/stream.mp4")
def stream_video(video_id: int):
    video = viewable_video(video_id)
    if video.status != READY or not video.stream_key:
        raise NotFound()
    return send_media(video.stream_key, "video/mp4")


@bp.get("/videos/<int:video_id>/poster.jpg")
def send_poster(video_id: int):
    video = viewable_video(video_id)
    if not video.poster_key:
        raise NotFound()
    return send_media(video.poster_key, "image/jpeg")


@bp.get("/videos/<int:video_id>/captions/<lang>.vtt")
def send_caption(video_id: int, lang: str):
    caption = viewable_video(video_id).caption(lang)
    if caption is None:
        raise NotFound()
    return send_media(caption.storage_key, "text/vtt")

