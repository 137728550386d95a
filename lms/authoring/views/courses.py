"""Authoring pages: courses."""
from lms.authoring import bp  # noqa: F401
