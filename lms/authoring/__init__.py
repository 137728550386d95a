"""Courses, modules, items, quizzes and videos: what trainers build and learners follow."""
from flask import Blueprint

bp = Blueprint("authoring", __name__)

from lms.authoring import views  # noqa: E402,F401
