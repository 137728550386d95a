"""A completed course for a learner, made through the authoring services and the learning models."""
from __future__ import annotations

import io
from datetime import UTC, datetime

from pypdf import PdfReader

from lms.authoring import services as authoring
from lms.certificates import services as certificates
from lms.core.db import commit
from lms.extensions import db
from lms.learning.models import CourseCompletion
from tests import factories

OBJECTIVES = ["Reconnaître les signes d'une souffrance psychique", "Orienter vers les ressources locales (CMP, 3114)"]
POST_TEST = {"pass_mark": 50, "role": "post_test", "questions": [{
    "kind": "true_false", "prompt": "La schizophrénie rend violent.",
    "choices": [{"text": "Vrai", "correct": False}, {"text": "Faux", "correct": True}]}]}


def completed_course(learner, *, title: str = "Premiers repères en santé mentale", post_test: bool = False,
                     post_test_score: int | None = 85, time_spent_s: int = 6720, duration_minutes: int = 120,
                     objectives: list[str] = OBJECTIVES):
    """A course (with a post-test if asked) and the learner's completion of it, flushed."""
    trainer = factories.trainer()
    course = authoring.create_course(trainer, title, objectives=objectives, duration_minutes=duration_minutes)
    module = authoring.add_module(trainer, course, "Module 1")
    authoring.add_item(trainer, module, "text", "Introduction", body_markdown="Bienvenue.")
    if post_test:
        authoring.add_item(trainer, module, "quiz", "Évaluation finale", quiz=POST_TEST)
    completion = CourseCompletion(
        user_id=learner.id, course_id=course.id, started_at=datetime(2026, 3, 3, 9, 0, tzinfo=UTC),
        completed_at=datetime(2026, 3, 12, 15, 0, tzinfo=UTC), time_spent_s=time_spent_s,
        pre_test_score=None, post_test_score=post_test_score if post_test else None)
    db.session.add(completion)
    db.session.flush()
    return course, completion


def issued_certificate(learner, **course):
    """The certificate of a course the learner completed (``course``: the options of completed_course), issued
    and committed."""
    _course, completion = completed_course(learner, **course)
    certificate = certificates.issue_certificate(completion.id)
    commit()
    return certificate


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())  # words, whatever the line breaks


def pdf_page_sizes(data: bytes) -> list[tuple[int, int]]:
    """Each page's width and height in whole millimetres (A4: 210 x 297)."""
    return [(round(float(page.mediabox.width) * 25.4 / 72), round(float(page.mediabox.height) * 25.4 / 72))
            for page in PdfReader(io.BytesIO(data)).pages]
