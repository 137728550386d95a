"""Read models of where a person stands, for « Mon parcours » and the home pages: the courses they started
(progress, next item, time spent, completion, certificate), the others on offer, and the published catalogue
shown before sign-in."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from lms.auth.models import User
from lms.auth.queries import PersonSection
from lms.authoring.models import PUBLISHED, Course, Item, Module, Quiz
from lms.extensions import db
from lms.learning import queries, services
from lms.learning.models import QuizAttempt
from lms.learning.permissions import can_view_course_page
from lms.learning.signals import certificates_for


@dataclass
class Journey:
    started: list[dict]       # {course, state, completion, certificate, time_spent_ms}: unfinished first, by title
    others: list[Course]      # published courses not started yet

    @property
    def resume(self) -> dict | None:
        """The unfinished course to pick up first (the one touched last would need a query more: by title)."""
        return next((entry for entry in self.started
                     if entry["completion"] is None and entry["state"].next_item is not None), None)

    @property
    def certificates(self) -> list:
        return [entry["certificate"] for entry in self.started if entry["certificate"] is not None]


def learner_journey(user: User) -> Journey:
    spent = queries.time_spent_ms_by_course(user)
    entries = services.course_progress(user)
    courses = queries.courses_by_id(entry["course_id"] for entry in entries)
    started = []
    for entry in entries:
        course = courses.get(entry["course_id"])
        if course is None or not can_view_course_page(user, course):
            continue
        outline = queries.course_outline(course)
        state = queries.course_state(outline, queries.completed_by_item(user, course.id))
        started.append({"course": course, "state": state, "completion": services.completion_of(user, course),
                        "time_spent_ms": spent.get(course.id, 0)})
    issued = certificates_for(user, [e["completion"].id for e in started if e["completion"] is not None])
    for entry in started:
        entry["certificate"] = issued.get(entry["completion"].id) if entry["completion"] is not None else None
    started.sort(key=lambda entry: (entry["completion"] is not None, entry["course"].title))
    started_ids = {entry["course"].id for entry in started}
    others = [course for course in queries.catalogue(user) if course.is_published and course.id not in started_ids]
    return Journey(started=started, others=others)


def published_courses() -> list[Course]:
    """What anyone may read before signing in: the published courses, by title."""
    return list(db.session.scalars(select(Course).where(Course.status == PUBLISHED).order_by(Course.title, Course.id)))


@dataclass(frozen=True)
class QuizResult:
    title: str
    role: str
    attempts: int
    best_score: int | None
    passed: bool


def quiz_results(user: User) -> dict[int, list[QuizResult]]:
    """The person's submitted quiz attempts per course: per quiz, the attempts, the best score, passed or not."""
    rows = db.session.execute(
        select(QuizAttempt.course_id, QuizAttempt.quiz_id, Item.title, Item.position, Module.position,
               QuizAttempt.role, func.count(QuizAttempt.id), func.max(QuizAttempt.score),
               func.max(case((QuizAttempt.passed.is_(True), 1), else_=0)))
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id).join(Item, Item.id == Quiz.item_id)
        .join(Module, Module.id == Item.module_id)
        .where(QuizAttempt.user_id == user.id, QuizAttempt.submitted_at.is_not(None))
        .group_by(QuizAttempt.course_id, QuizAttempt.quiz_id, Item.title, Item.position, Module.position,
                  QuizAttempt.role)
        .order_by(QuizAttempt.course_id, Module.position, Item.position)
    ).all()
    results: dict[int, list[QuizResult]] = {}
    for course_id, _quiz_id, title, _item_position, _module_position, role, attempts, best, passed in rows:
        results.setdefault(course_id, []).append(
            QuizResult(title=title, role=role, attempts=attempts, best_score=best, passed=bool(passed)))
    return results


def person_learning(user: User) -> PersonSection:
    """The coordinator's view of a person's learning: each started course with its progress, time spent,
    completion and quiz results."""
    journey = learner_journey(user)
    return PersonSection("learning/_person_record.html", {"started": journey.started, "quizzes": quiz_results(user)})
