"""HTML routes of the authoring domain: courses (courses.py) and the quiz editor (quiz_editor.py)."""
from lms.authoring.views import courses  # noqa: F401
