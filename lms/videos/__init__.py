"""The video library: upload, processing, captions, transcript, and delivery of the files (byte ranges, signed URLs).

Authoring puts videos in course items and reads them through this package; videos never import authoring
(lms.videos.queries reads which courses use a video from authoring's tables, by name)."""
from flask import Blueprint

bp = Blueprint("videos", __name__)

from lms.videos import views  # noqa: E402,F401
