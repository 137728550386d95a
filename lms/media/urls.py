"""Where a video's files are served (the routes of lms.media.views), for the API and the pages."""
from __future__ import annotations

from flask import url_for

from lms.authoring.models import READY, Video


def media_urls(video: Video) -> dict:
    """stream_url, poster_url (None until made) and the captions with their URLs."""
    return {
        "stream_url": url_for("media.stream_video", video_id=video.id) if video.status == READY and video.stream_key else None,
        "poster_url": url_for("media.send_poster", video_id=video.id) if video.poster_key else None,
        "captions": [{"lang": c.lang, "url": url_for("media.send_caption", video_id=video.id, lang=c.lang)}
                     for c in video.captions],
    }
