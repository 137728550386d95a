"""HTML routes of quizzes: start an attempt, answer, review, submit, results."""
from lms.learning import bp  # noqa: F401
