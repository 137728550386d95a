"""Read models of the quiz pages, and the one guard the HTML submission needs on top of
lms.learning.quizzes (which stays the only place with the rules of attempts and grading)."""
from __future__ import annotations

from dataclasses import dataclass

from lms.auth.models import User
from lms.authoring.models import Quiz
from lms.extensions import db
from lms.learning import quizzes
from lms.learning.models import QuizAttempt


@dataclass(frozen=True)
class QuizState:
    """What the quiz's intro shows one learner: past attempts, the open one, what is left."""
    submitted: list[QuizAttempt]
    open: QuizAttempt | None
    left: int | None                   # None: unlimited

    @property
    def used(self) -> int:
        return len(self.submitted)

    @property
    def passed(self) -> bool:
        return any(attempt.passed for attempt in self.submitted)

    @property
    def can_start(self) -> bool:
        return self.open is not None or self.left != 0


def quiz_state(user: User, quiz: Quiz) -> QuizState:
    return QuizState(submitted=quizzes.attempts(user, quiz), open=quizzes.open_attempt(user, quiz),
                     left=quizzes.attempts_left(user, quiz))


def attempt_of(user: User, quiz: Quiz, attempt_id: int) -> QuizAttempt | None:
    """The learner's own attempt at this quiz (someone else's, or another quiz's, is not found)."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != user.id or attempt.quiz_id != quiz.id:
        return None
    return attempt
