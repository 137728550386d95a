"""Courses, modules, items and quizzes: what trainers build and learners follow (videos: lms.videos)."""
from flask import Blueprint

bp = Blueprint("authoring", __name__)

from lms.authoring import views  # noqa: E402,F401
