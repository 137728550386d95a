"""Learning: what a learner sees and does in a course (course page, player, progress, quizzes)."""
from flask import Blueprint

bp = Blueprint("learning", __name__)

from lms.learning import retention, services, views  # noqa: E402,F401  (services.progress registers its provider; retention its GDPR export and job)
