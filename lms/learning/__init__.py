"""Learning: what a learner sees and does in a course (course page, player, progress, quizzes)."""
from flask import Blueprint

bp = Blueprint("learning", __name__)

from lms.learning import views  # noqa: E402,F401  (routes register on bp)
