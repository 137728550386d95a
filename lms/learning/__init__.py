"""Learning: what a learner sees and does in a course (course page, player, progress, quizzes)."""
from flask import Blueprint

bp = Blueprint("learning", __name__)

from lms.learning import journey_views, progress, quiz_views, retention, views  # noqa: E402,F401  (progress registers GDPR export, provider; retention its job)
