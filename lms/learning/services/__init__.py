"""The learning domain's verbs: what a learner does in a course (progress, quizzes, completion).

Callers outside the domain (the API, the views) use the names below; the modules hold the rules:
``progress`` (beacons and texts read), ``quizzes`` (attempts and grading), ``answers`` (a quiz answered
through the API), ``completion`` (a course completed once). Services add and flush; the caller commits.
"""
from lms.learning.services.answers import submit_steady_answers
from lms.learning.services.completion import check_course_completion, completion_of
from lms.learning.services.progress import (
    completed_item_ids,
    course_progress,
    get_item,
    mark_text_read,
    progress_state,
    record_item_progress,
    record_steady_beacon,
)
from lms.learning.services.quizzes import (
    attempts_left,
    check_open,
    feedback,
    questions_for,
    quiz_in_course,
    save_answers,
    start_attempt,
    submit_attempt,
)

__all__ = [
    "attempts_left", "check_course_completion", "check_open", "completed_item_ids", "completion_of",
    "course_progress", "feedback", "get_item", "mark_text_read", "progress_state", "questions_for",
    "quiz_in_course", "record_item_progress", "record_steady_beacon", "save_answers", "start_attempt",
    "submit_attempt", "submit_steady_answers",
]
