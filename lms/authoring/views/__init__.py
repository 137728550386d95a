"""HTML routes of the authoring domain: courses (courses.py) and the quiz editor (quiz_editor.py), both over the
helpers of common.py."""
from lms.authoring.views import courses, quiz_editor  # noqa: F401
