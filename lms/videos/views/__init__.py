"""HTML routes of the video library (library.py) and the media files' delivery (media.py)."""
from lms.videos.views import library, media  # noqa: F401
