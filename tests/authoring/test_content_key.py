"""Every change to what a course shows gives the course a new ``content_key`` (the key of what learners' pages
cache, lms.core.cache); what learners do leaves it alone."""
import pytest

from lms.authoring import services
from lms.authoring.models import DRAFT, Choice, Course
from lms.extensions import db
from lms.learning.services import progress, quizzes
from lms.videos import services as videos
from tests.learningtools import quiz_spec, right_answers
from tests.videotools import VTT, course_using, ready_video


def key_of(course: Course) -> str:
    db.session.flush()
    db.session.expire(course, ["content_key"])
    return course.content_key


def question_data(question) -> dict:
    return {"kind": question.kind, "prompt": question.prompt, "explanation": question.explanation,
            "choices": [{"id": c.id, "text": c.text, "correct": c.correct, "feedback": c.feedback}
                        for c in question.choices]}


def edit_course(c):
    services.update_course(c.trainer, c.course, title="Nouveau titre", summary=c.course.summary,
                           objectives=c.course.objectives, duration_minutes=c.course.duration_minutes)


def edit_question(c):
    question = c.graded.quiz.questions[0]
    services.update_question(c.trainer, question, {**question_data(question), "explanation": "Autre explication."})


def edit_choice_row(c):
    c.graded.quiz.questions[1].choices[0].feedback = "Un retour changé sans passer par le service."


def remove_choice(c):
    question = c.graded.quiz.questions[1]
    data = question_data(question)
    services.update_question(c.trainer, question, {**data, "choices": data["choices"][:2]})


def new_caption(c):
    videos.save_caption(c.film.video, "en", VTT)


def video_processed_again(c):
    c.film.video.duration_s = 250.0


CHANGES = {
    "course sheet": edit_course,
    "module added": lambda c: services.add_module(c.trainer, c.course, "Partie 2"),
    "module renamed": lambda c: services.rename_module(c.trainer, c.film.module, "Autre titre"),
    "item added": lambda c: services.add_item(c.trainer, c.film.module, "text", "Encore", body_markdown="Texte."),
    "item edited": lambda c: services.update_item(c.trainer, c.extra, title="Lectures", required=False,
                                                  body_markdown="Autre texte."),
    "item moved": lambda c: services.move_item(c.trainer, c.extra, 1),
    "item removed": lambda c: services.remove_item(c.trainer, c.extra),
    "quiz settings": lambda c: services.update_quiz_settings(c.trainer, c.graded.quiz, pass_mark=80, max_attempts=3,
                                                             role="graded"),
    "question added": lambda c: services.add_question(c.trainer, c.graded.quiz, quiz_spec("graded")["questions"][0]),
    "question edited": edit_question,
    "question removed": lambda c: services.remove_question(c.trainer, c.graded.quiz.questions[2]),
    "choice row changed directly": edit_choice_row,
    "choice removed": remove_choice,
    "caption added to its film": new_caption,
    "its film processed again": video_processed_again,
    "unpublished": lambda c: services.unpublish_course(c.trainer, c.course),
}


ON_A_DRAFT = {"module added"}  # an empty module would make a published course unpublishable: refused


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_a_change_to_the_content_renews_the_key(small_course, change):
    if change in ON_A_DRAFT:
        small_course.course.status = DRAFT
    before = key_of(small_course.course)
    CHANGES[change](small_course)
    assert key_of(small_course.course) != before


def test_a_film_change_renews_every_course_playing_it_and_no_other(make):
    trainer = make.trainer()
    film = ready_video(trainer)
    first = course_using(film, published=True, slug="premier")
    second = course_using(film, published=False, slug="second")
    other = course_using(ready_video(trainer), published=True, slug="autre")
    keys = {course.id: key_of(course) for course in (first, second, other)}
    film.title = "Film renommé"
    assert key_of(first) != keys[first.id] and key_of(second) != keys[second.id]
    assert key_of(other) == keys[other.id]


def test_what_learners_do_leaves_the_key(small_course, make):
    learner, quiz = make.learner(), small_course.graded.quiz
    before = key_of(small_course.course)
    progress.mark_text_read(learner, small_course.text)
    quizzes.submit_attempt(learner, quiz, right_answers(quiz))
    assert key_of(small_course.course) == before


def test_a_rolled_back_edit_leaves_the_key_as_it_was(small_course):
    before = key_of(small_course.course)
    with pytest.raises(RuntimeError), db.session.begin_nested():
        small_course.graded.quiz.questions[0].prompt = "Changé puis annulé"
        db.session.flush()
        raise RuntimeError
    assert key_of(small_course.course) == before


def test_every_content_model_is_watched():
    """A table added to the course content (or to the videos that items play) must be added to CONTENT_MODELS
    (or the cache could go stale)."""
    from lms.authoring import models
    from lms.videos import models as video_models
    watched = (models.__name__, video_models.__name__)
    content = {mapper.class_ for mapper in db.Model.registry.mappers if mapper.class_.__module__ in watched}
    assert content == set(models.CONTENT_MODELS)
    assert Choice in models.CONTENT_MODELS
