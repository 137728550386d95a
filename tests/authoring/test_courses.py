"""Courses: slugs, modules and items in order, quiz validation, ownership, publication and its reasons."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.authoring import services
from lms.authoring.models import PUBLISHED
from lms.authoring.permissions import can_edit_course, can_view_course
from lms.authoring.services.quizzes import quiz_errors, validate_quiz
from lms.core.errors import Conflict, Forbidden, Invalid, NotFound
from tests.factories import caption
from tests.videotools import stored_video


def question(kind="single", correct=(0,), n=2):
    return {"kind": kind, "prompt": "La schizophrénie est-elle rare ?", "explanation": "Elle touche 1 % des gens.",
            "choices": [{"text": f"Réponse {i}", "correct": i in correct, "feedback": ""} for i in range(n)]}


def quiz(*questions, pass_mark=80):
    return {"pass_mark": pass_mark, "max_attempts": 3, "role": "graded", "questions": list(questions)}


def test_slug_folds_french_accents_and_stays_unique(make):
    trainer = make.trainer()
    first = services.create_course(trainer, "  Santé mentale : œuvrer ensemble, à l'écoute ! ")
    second = services.create_course(trainer, "Santé mentale : œuvrer ensemble, à l'écoute !")
    assert first.slug == "sante-mentale-oeuvrer-ensemble-a-l-ecoute"
    assert second.slug == first.slug + "-2"
    assert services.create_course(trainer, "!!!").slug == "parcours"
    assert first.owner_id == trainer.id and first.status == "draft" and first.title.startswith("Santé")


def test_create_course_checks_role_and_values(make):
    with pytest.raises(Forbidden):
        services.create_course(make.learner(), "Parcours")
    trainer = make.trainer()
    with pytest.raises(Invalid) as error:
        services.create_course(trainer, "   ")
    assert "title" in error.value.fields
    with pytest.raises(Invalid) as error:
        services.create_course(trainer, "Parcours", objectives="pas une liste")
    assert "objectives" in error.value.fields
    with pytest.raises(Invalid) as error:
        services.create_course(trainer, "Parcours", duration_minutes=-5)
    assert "duration_minutes" in error.value.fields


def test_modules_and_items_keep_dense_positions(make):
    trainer = make.trainer()
    course = services.create_course(trainer, "Parcours")
    modules = [services.add_module(trainer, course, f"Module {n}") for n in range(3)]
    assert [m.position for m in modules] == [1, 2, 3]
    services.move_module(trainer, modules[2], 1)
    assert [(m.title, m.position) for m in course.modules] == [("Module 2", 1), ("Module 0", 2), ("Module 1", 3)]
    services.remove_module(trainer, modules[0])
    assert [(m.title, m.position) for m in course.modules] == [("Module 2", 1), ("Module 1", 2)]
    module = modules[1]
    items = [services.add_item(trainer, module, "text", f"Texte {n}", body_markdown="Lire.") for n in range(3)]
    assert [i.position for i in items] == [1, 2, 3]
    assert len({i.key for i in items}) == 3
    services.move_item(trainer, items[0], 3)
    assert [i.title for i in module.items] == ["Texte 1", "Texte 2", "Texte 0"]
    services.remove_item(trainer, items[1])
    assert [(i.title, i.position) for i in module.items] == [("Texte 2", 1), ("Texte 0", 2)]
    with pytest.raises(Invalid):
        services.move_item(trainer, items[0], 5)


def test_item_values_are_checked(make):
    trainer = make.trainer()
    module = services.add_module(trainer, services.create_course(trainer, "Parcours"), "Module")
    with pytest.raises(Invalid) as error:
        services.add_item(trainer, module, "podcast", "", required="oui")
    assert set(error.value.fields) == {"kind", "title", "required"}
    with pytest.raises(Invalid) as error:
        services.add_item(trainer, module, "quiz", "Quiz")
    assert set(error.value.fields) == {"quiz"}
    with pytest.raises(Invalid) as error:
        services.add_item(trainer, module, "text", "Texte", video_id=1, quiz=quiz())
    assert set(error.value.fields) == {"video_id", "quiz"}
    with pytest.raises(Invalid) as error:
        services.add_item(trainer, module, "video", "Film", video_id=10**6)
    assert set(error.value.fields) == {"video_id"}


def test_quiz_item_is_stored_with_its_questions_in_order(make):
    trainer = make.trainer()
    module = services.add_module(trainer, services.create_course(trainer, "Parcours"), "Module")
    item = services.add_item(trainer, module, "quiz", "Idées reçues",
                             quiz=quiz(question(), question("multiple", (0, 2), 3), question("true_false", (1,))))
    assert (item.quiz.pass_mark, item.quiz.max_attempts, item.quiz.role) == (80, 3, "graded")
    assert [q.kind for q in item.quiz.questions] == ["single", "multiple", "true_false"]
    assert [c.correct for c in item.quiz.questions[1].choices] == [True, False, True]
    assert [c.position for c in item.quiz.questions[1].choices] == [1, 2, 3]


@pytest.mark.parametrize("data, field", [
    (quiz(pass_mark=101), "quiz.pass_mark"),
    (quiz(pass_mark=True), "quiz.pass_mark"),
    ({**quiz(), "role": "exam"}, "quiz.role"),
    ({**quiz(), "max_attempts": 0}, "quiz.max_attempts"),
    (quiz(question(), question(correct=(0, 1))), "quiz.questions[1].choices"),
    (quiz(question(), question(correct=())), "quiz.questions[1].choices"),
    (quiz(question("multiple", correct=(), n=3)), "quiz.questions[0].choices"),
    (quiz(question("true_false", n=3)), "quiz.questions[0].choices"),
    (quiz(question(n=1)), "quiz.questions[0].choices"),
    (quiz({**question(), "kind": "open"}), "quiz.questions[0].kind"),
    (quiz({**question(), "prompt": " "}), "quiz.questions[0].prompt"),
    (quiz({**question(), "choices": [{"text": "Oui", "correct": 1}, {"text": "Non", "correct": False}]}),
     "quiz.questions[0].choices[0].correct"),
    (quiz({**question(), "choices": [{"text": "", "correct": True}, {"text": "Non", "correct": False}]}),
     "quiz.questions[0].choices[0].text"),
    ({**quiz(), "questions": "aucune"}, "quiz.questions"),
    ("quiz", "quiz"),
])
def test_quiz_faults_are_reported_with_their_path(data, field):
    with pytest.raises(Invalid) as error:
        validate_quiz(data)
    assert field in error.value.fields, error.value.fields


def test_every_fault_is_reported_at_once():
    errors = quiz_errors({"pass_mark": -1, "role": "x", "questions": [question(correct=()), question("true_false", n=3)]})
    assert set(errors) == {"quiz.pass_mark", "quiz.role", "quiz.questions[0].choices", "quiz.questions[1].choices"}


choice_text = st.text(min_size=1, max_size=20).filter(str.strip)


@st.composite
def valid_questions(draw):
    kind = draw(st.sampled_from(["single", "multiple", "true_false"]))
    n = 2 if kind == "true_false" else draw(st.integers(2, 6))
    if kind == "multiple":
        correct = draw(st.sets(st.integers(0, n - 1), min_size=1))
    else:
        correct = {draw(st.integers(0, n - 1))}
    choices = [{"text": draw(choice_text), "correct": i in correct} for i in range(n)]
    for choice in choices:
        if draw(st.booleans()):
            choice["feedback"] = draw(st.text(max_size=20))
    result = {"kind": kind, "prompt": draw(choice_text), "choices": choices}
    if draw(st.booleans()):
        result["explanation"] = draw(st.text(max_size=30))
    return result


valid_quizzes = st.fixed_dictionaries(
    {"pass_mark": st.integers(0, 100), "role": st.sampled_from(["graded", "pre_test", "post_test"]),
     "questions": st.lists(valid_questions(), max_size=5)},
    optional={"max_attempts": st.one_of(st.none(), st.integers(1, 1000))},
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=valid_quizzes, pick=st.integers(min_value=0))
def test_any_well_formed_quiz_is_accepted_and_no_correct_choice_is_refused(data, pick):
    spec = validate_quiz(data)
    assert len(spec["questions"]) == len(data["questions"])
    if data["questions"]:
        index = pick % len(data["questions"])
        broken = {**data, "questions": [dict(q) for q in data["questions"]]}
        broken["questions"][index]["choices"] = [{**c, "correct": False} for c in data["questions"][index]["choices"]]
        assert f"quiz.questions[{index}].choices" in quiz_errors(broken)


def test_only_the_owner_trainer_or_a_coordinator_edits(make):
    owner, other, coordinator, learner = make.trainer(), make.trainer(), make.coordinator(), make.learner()
    course = services.create_course(owner, "Parcours")
    assert can_edit_course(owner, course) and can_edit_course(coordinator, course)
    assert not can_edit_course(other, course) and not can_edit_course(learner, course)
    with pytest.raises(Forbidden):
        services.add_module(other, course, "Intrus")
    with pytest.raises(NotFound):  # a learner does not even see a draft
        services.add_module(learner, course, "Intrus")
    services.add_module(coordinator, course, "Module du coordinateur")
    assert can_view_course(other, course) and not can_view_course(learner, course)
    course.status = PUBLISHED
    assert can_view_course(learner, course)


def test_publication_lists_every_reason_then_succeeds_once_fixed(make):
    trainer = make.trainer()
    course = services.create_course(trainer, "Parcours")
    assert services.publish_problems(course) == ["Le parcours ne contient aucun module."]
    module = services.add_module(trainer, course, "Comprendre")
    empty = services.add_module(trainer, course, "Vide")
    no_video = services.add_item(trainer, module, "video", "Sans film")
    processing = stored_video(trainer, status="processing", captions=False, transcript=None)
    services.add_item(trainer, module, "video", "Témoignage", video_id=processing.id)
    quiz_item = services.add_item(trainer, module, "quiz", "Quiz vide", quiz=quiz())
    bad = services.add_item(trainer, module, "quiz", "Quiz faux", quiz=quiz(question()))
    bad.quiz.questions[0].choices[0].correct = False  # as an import from files could leave it
    problems = services.publish_problems(course)
    assert problems == [
        "L'élément vidéo « Sans film » (module « Comprendre ») n'a pas de vidéo.",
        "La vidéo de l'élément « Témoignage » (module « Comprendre ») n'est pas prête (traitement en cours).",
        "La vidéo de l'élément « Témoignage » (module « Comprendre ») n'a pas de sous-titres en français.",
        "La vidéo de l'élément « Témoignage » (module « Comprendre ») n'a pas de transcription.",
        "Le quiz « Quiz vide » (module « Comprendre ») n'a aucune question.",
        "La question 1 du quiz « Quiz faux » (module « Comprendre ») n'a aucune bonne réponse.",
        "Le module « Vide » ne contient aucun élément.",
    ]
    with pytest.raises(Invalid) as error:
        services.publish_course(trainer, course)
    assert error.value.code == "not_publishable" and error.value.extra["reasons"] == problems
    assert course.status == "draft"

    no_video.video = stored_video(trainer)
    processing.status, processing.transcript = "ready", "Transcription."
    caption(processing)
    services.remove_item(trainer, quiz_item)
    bad.quiz.questions[0].choices[0].correct = True
    services.remove_module(trainer, empty)
    assert services.publish_problems(course) == []
    services.publish_course(trainer, course)
    assert course.status == PUBLISHED and course.published_at is not None
    with pytest.raises(Conflict):
        services.publish_course(trainer, course)
    services.unpublish_course(trainer, course)
    assert course.status == "draft"


def test_english_captions_are_not_enough(make):
    trainer = make.trainer()
    module = services.add_module(trainer, services.create_course(trainer, "Parcours"), "Module")
    film = stored_video(trainer, captions=False)
    caption(film, "en")
    services.add_item(trainer, module, "video", "Film", video_id=film.id)
    assert services.publish_problems(module.course) == [
        "La vidéo de l'élément « Film » (module « Module ») n'a pas de sous-titres en français."]
