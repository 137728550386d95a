"""The learning domain's verbs: what a learner does in a course (progress, quizzes, completion).

Callers outside the domain (the API, the views) use the names below; the modules hold the rules:
``progress`` (beacons and texts read), ``quizzes`` (attempts and grading), ``answers`` (a quiz answered:
answer()), ``completion`` (a course completed once). Services add and flush; the caller commits.
"""
from lms.learning.services.answers import answer
from lms.learning.services.completion import complete_item, completion_of
from lms.learning.services.progress import (
    completed_item_ids,
    course_progress,
    learner_item,
    mark_text_read,
    record_beacon,
)
from lms.learning.services.quizzes import check_open, feedback, questions_for, quiz_in_course, save_answers, start_attempt

__all__ = [
    "answer", "check_open", "complete_item", "completed_item_ids", "completion_of", "course_progress", "feedback",
    "learner_item", "mark_text_read", "questions_for", "quiz_in_course", "record_beacon", "save_answers",
    "start_attempt",
]
