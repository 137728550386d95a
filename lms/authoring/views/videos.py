"""Authoring pages: videos."""
from lms.authoring import bp  # noqa: F401
