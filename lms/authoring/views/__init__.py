"""HTML routes of the authoring domain: courses (courses.py), the quiz editor (quiz_editor.py), both over the
helpers of common.py, and the video library (videos.py)."""
from lms.authoring.views import courses, quiz_editor, videos  # noqa: F401
