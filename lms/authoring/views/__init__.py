"""HTML routes of the authoring domain: courses (courses.py) and the video library (videos.py)."""
from lms.authoring.views import courses, videos  # noqa: F401
