"""Where a video's files are served (the routes of lms.videos.views.media), for the API and the pages."""
from __future__ import annotations

from flask import url_for

from lms.auth.models import User
from lms.videos.models import READY, Video
from lms.videos.services import signing


def media_urls(video: Video, viewer: User | None = None) -> dict:
    """stream_url, poster_url (None until made) and the captions with their URLs.

    With ``viewer``, each URL carries a short-lived signature for that viewer (services/signing.py):
    the caller must have checked that the viewer may see the video (can_view_video). Without it,
    plain URLs that the media routes check against the session or bearer token at each request.
    With LMS_MEDIA_ACCEL=nginx and LMS_MEDIA_SECURE_LINK_SECRET, the viewer's URLs are nginx
    secure links instead (signing.secure_link): nginx checks them and the app never sees the ranges."""
    signed = viewer is not None and viewer.is_authenticated
    nginx_checked = signed and signing.secure_links()

    def url(endpoint: str, kind: str, key: str, **values) -> str:
        if nginx_checked and (link := signing.secure_link(key, viewer.id)) is not None:
            return link
        if signed:
            values.update(signing.sign(video.id, kind, key, viewer.id))
        return url_for(endpoint, video_id=video.id, **values)

    return {
        "stream_url": url("videos.stream_video", "stream", video.stream_key)
        if video.status == READY and video.stream_key else None,
        "poster_url": url("videos.send_poster", "poster", video.poster_key) if video.poster_key else None,
        "captions": [{"lang": c.lang, "url": url("videos.send_caption", f"captions:{c.lang}", c.storage_key, lang=c.lang)}
                     for c in video.captions],
    }
