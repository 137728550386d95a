"""Taking quizzes and completing a course (services)."""
from datetime import timedelta

import pytest

from lms.core.clock import utcnow
from lms.core.errors import Conflict, Invalid, NotFound
from lms.extensions import db
from lms.learning.models import CourseCompletion
from lms.learning.services import completion, quizzes
from lms.learning.services.progress import mark_text_read, record_video_progress
from lms.learning.signals import course_completed
from tests.learningtools import right_answers, wrong_answers


def test_questions_for_the_learner_never_carry_the_answer(make, small_course):
    quiz = small_course.graded.quiz
    attempt = quizzes.start_attempt(make.learner(), quiz)
    shown = quizzes.questions_for(quiz, attempt)
    assert [q["id"] for q in shown] == [q.id for q in quiz.questions]
    assert "correct" not in repr(shown) and "feedback" not in repr(shown) and "explanation" not in repr(shown)
    for question, original in zip(shown, quiz.questions, strict=True):
        assert sorted(c["id"] for c in question["choices"]) == sorted(c.id for c in original.choices)


def test_choices_are_shuffled_per_attempt_but_true_false_stays_in_order(make, small_course):
    quiz = small_course.graded.quiz
    multiple = quiz.questions[1]
    orders = set()
    for _ in range(12):
        attempt = quizzes.start_attempt(make.learner(), quiz)
        orders.add(tuple(attempt.order["choices"][str(multiple.id)]))
        assert attempt.order["choices"][str(quiz.questions[2].id)] == [c.id for c in quiz.questions[2].choices]
    assert len(orders) > 1  # 3! orders; twelve learners all on one order: 1 chance in 6**11


def test_a_pass_completes_the_item_and_a_fail_does_not(make, small_course):
    learner, quiz = make.learner(), small_course.graded.quiz
    failed = quizzes.submit_attempt(learner, quiz, wrong_answers(quiz))
    assert failed.score == 0 and not failed.passed and quizzes.attempts_left(learner, quiz) == 1
    passed = quizzes.submit_attempt(learner, quiz, right_answers(quiz))
    assert passed.score == 100 and passed.passed and passed.number == 2
    assert quizzes.attempts_left(learner, quiz) == 0
    with pytest.raises(Conflict) as caught:
        quizzes.submit_attempt(learner, quiz, right_answers(quiz))
    assert caught.value.code == "no_attempts_left"


def test_partial_credit_on_multiple_choice(make, small_course):
    quiz = small_course.graded.quiz
    answers = right_answers(quiz)
    multiple = quiz.questions[1]
    answers[str(multiple.id)] = [multiple.choices[0].id]  # one of the two right choices
    attempt = quizzes.submit_attempt(make.learner(), quiz, answers)
    assert attempt.score == 83 and attempt.passed  # (1 + 1/2 + 1) / 3
    feedback = quizzes.feedback(quiz, attempt)
    assert [f["correct"] for f in feedback] == [True, False, True]
    assert feedback[1]["explanation"] == "Le médecin traitant et le CMP."


def test_the_pre_test_completes_on_submission_whatever_the_score(make, small_course):
    learner, quiz = make.learner(), small_course.pre.quiz
    attempt = quizzes.submit_attempt(learner, quiz, wrong_answers(quiz))
    assert attempt.score == 0 and attempt.passed


def test_answers_are_saved_before_the_final_submission(make, small_course):
    learner, quiz = make.learner(), small_course.graded.quiz
    attempt = quizzes.start_attempt(learner, quiz)
    first = quiz.questions[0]
    quizzes.save_answers(learner, attempt, quiz, {str(first.id): [first.choices[0].id]})
    assert quizzes.start_attempt(learner, quiz).id == attempt.id  # the same open attempt comes back
    submitted = quizzes.submit_attempt(learner, quiz)
    assert submitted.id == attempt.id and submitted.results[0]["correct"] and submitted.score == 33
    with pytest.raises(Conflict):
        quizzes.save_answers(learner, submitted, quiz, {})
    with pytest.raises(NotFound):
        quizzes.save_answers(make.learner(), quizzes.start_attempt(learner, quiz), quiz, {})


@pytest.mark.parametrize("make_answers, field", [
    (lambda q: {"999999": [1]}, "answers.999999"),
    (lambda q: {str(q.questions[0].id): [q.questions[1].choices[0].id]}, "answers.{q0}"),
    (lambda q: {str(q.questions[0].id): [c.id for c in q.questions[0].choices]}, "answers.{q0}"),
    (lambda q: {str(q.questions[0].id): "1"}, "answers.{q0}"),
    (lambda q: {str(q.questions[0].id): [True]}, "answers.{q0}"),
    (lambda q: [], "answers"),
])
def test_bad_answers_are_refused_with_the_question(make, small_course, make_answers, field):
    quiz = small_course.graded.quiz
    learner = make.learner()
    with pytest.raises(Invalid) as caught:
        quizzes.submit_attempt(learner, quiz, make_answers(quiz))
    assert field.format(q0=quiz.questions[0].id) in caught.value.fields
    assert quizzes.attempts(learner, quiz) == []


def test_the_course_completes_once_with_time_spent_and_test_scores(make, small_course):
    learner, course = make.learner(), small_course.course
    received = []

    def receiver(sender, completion):
        received.append(completion)

    course_completed.connect(receiver)
    try:
        start = utcnow()
        quizzes.submit_attempt(learner, small_course.pre.quiz, wrong_answers(small_course.pre.quiz), now=start)
        moment = start
        for t in range(0, 100, 10):
            moment += timedelta(seconds=10)
            record_video_progress(learner, small_course.film, t + 10, [[t, t + 10]], now=moment)
        mark_text_read(learner, small_course.text)
        quizzes.submit_attempt(learner, small_course.graded.quiz, right_answers(small_course.graded.quiz))
        assert completion.completion_of(learner, course) is None  # the post-test is still to do
        quizzes.submit_attempt(learner, small_course.post.quiz, right_answers(small_course.post.quiz))
    finally:
        course_completed.disconnect(receiver)
    done = completion.completion_of(learner, course)
    assert done is not None and received == [done]
    assert done.pre_test_score == 0 and done.post_test_score == 100
    assert done.time_spent_s >= 100  # the film, plus the quiz time
    # Nothing later records it twice (the optional item, another text read).
    mark_text_read(learner, small_course.extra)
    assert db.session.query(CourseCompletion).filter_by(user_id=learner.id).count() == 1
    assert len(received) == 1


def test_a_draft_quiz_cannot_be_taken(make, small_course):
    small_course.course.status = "draft"
    with pytest.raises(NotFound):
        quizzes.start_attempt(make.learner(), small_course.graded.quiz)


def test_an_attempt_opened_by_a_quiz_page_at_the_same_moment_is_the_one_graded(make, small_course, monkeypatch):
    """The page (GET) opened attempt 1 after this submission looked for an open attempt and before it
    inserted its own: the INSERT collides, the page's attempt is graded instead, and nothing is lost."""
    learner, quiz = make.learner(), small_course.graded.quiz
    opened = quizzes.start_attempt(learner, quiz)
    monkeypatch.setattr(quizzes, "latest_attempt", lambda user, quiz: None)  # what it saw a moment before
    graded = quizzes.submit_attempt(learner, quiz, right_answers(quiz))
    assert graded.id == opened.id and graded.number == 1 and graded.passed
    assert [attempt.number for attempt in quizzes.attempts(learner, quiz)] == [1]
    assert quizzes.attempts_left(learner, quiz) == 1


def test_complete_item_marks_the_row_once_and_completes_the_course_on_the_last_required_item(make, small_course):
    """A film watched, a text read, a quiz passed: one complete_item; the first time stays."""
    from lms.learning.services.progress import progress_row

    learner, course = make.learner(), small_course.course
    rows = {}
    for item in (small_course.pre, small_course.film, small_course.text, small_course.graded, small_course.post):
        rows[item.id] = row = progress_row(learner, item)
        first = utcnow() - timedelta(hours=1)
        completion.complete_item(learner, row, course, first)
        completion.complete_item(learner, row, course, utcnow())
        assert row.completed_at == first
    done = completion.completion_of(learner, course)
    assert done is not None and db.session.query(CourseCompletion).filter_by(user_id=learner.id).count() == 1


def test_the_learner_item_loader_refuses_another_courses_item_and_a_draft_but_previews_for_its_editor(make, small_course):
    from lms.authoring.models import DRAFT
    from lms.learning.services import learner_item

    learner, film = make.learner(), small_course.film
    assert learner_item(learner, film.id, course_id=small_course.course.id) is film
    for course_id in (small_course.course.id + 1000,):
        with pytest.raises(NotFound) as caught:
            learner_item(learner, film.id, course_id=course_id)
        assert caught.value.code == "item_not_found"
    small_course.course.status = DRAFT
    db.session.flush()
    with pytest.raises(NotFound):
        learner_item(learner, film.id)
    assert learner_item(small_course.trainer, film.id).module.course.status == DRAFT  # its editor's preview
