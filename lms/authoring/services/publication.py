"""Publication: the reasons a course cannot be published, publish and unpublish, and the guard that keeps
a published course publishable while it is edited (every editing service runs inside ``keeping_publishable``)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms.auth.models import User
from lms.authoring.models import MULTIPLE, QUIZ, TEXT, VIDEO, Course, Item, Module
from lms.authoring.permissions import require_edit_course
from lms.core.errors import Invalid
from lms.extensions import db
from lms.videos.models import FAILED, READY


def _problem_entries(course: Course) -> list[tuple[tuple, str]]:
    """(key, reason) pairs; the key names the fault and the row it is about, so a fault can be told apart
    from one that was already there."""
    problems: list[tuple[tuple, str]] = []
    if not course.modules:
        problems.append((("no_modules",), _("Le parcours ne contient aucun module.")))
    for module in course.modules:
        if not module.items:
            problems.append((("empty_module", module.id), _("Le module « %(module)s » ne contient aucun élément.", module=module.title)))
        for item in module.items:
            where = _("« %(item)s » (module « %(module)s »)", item=item.title, module=module.title)
            if item.kind == VIDEO:
                video = item.video
                if video is None:
                    problems.append((("no_video", item.id), _("L'élément vidéo %(where)s n'a pas de vidéo.", where=where)))
                    continue
                key = (item.id, video.id)
                if video.status == FAILED:
                    problems.append((("video_failed", *key),
                                     _("La vidéo de l'élément %(where)s n'a pas pu être traitée : envoyez-la à nouveau.", where=where)))
                elif video.status != READY:
                    problems.append((("video_not_ready", *key),
                                     _("La vidéo de l'élément %(where)s n'est pas prête (traitement en cours).", where=where)))
                if video.caption("fr") is None:
                    problems.append((("no_captions", *key),
                                     _("La vidéo de l'élément %(where)s n'a pas de sous-titres en français.", where=where)))
                if not (video.transcript or "").strip():
                    problems.append((("no_transcript", *key), _("La vidéo de l'élément %(where)s n'a pas de transcription.", where=where)))
            elif item.kind == QUIZ:
                if item.quiz is None or not item.quiz.questions:
                    problems.append((("empty_quiz", item.id), _("Le quiz %(where)s n'a aucune question.", where=where)))
                    continue
                for n, question in enumerate(item.quiz.questions, start=1):
                    correct = sum(1 for choice in question.choices if choice.correct)
                    if correct == 0:
                        problems.append((("no_correct", question.id),
                                         _("La question %(n)d du quiz %(where)s n'a aucune bonne réponse.", n=n, where=where)))
                    elif correct > 1 and question.kind != MULTIPLE:
                        problems.append((("many_correct", question.id),
                                         _("La question %(n)d du quiz %(where)s a plusieurs bonnes réponses alors qu'une seule "
                                           "est attendue.", n=n, where=where)))
            elif item.kind == TEXT and not (item.body_markdown or "").strip():
                problems.append((("empty_text", item.id), _("Le texte %(where)s est vide.", where=where)))
    return problems


def publish_problems(course: Course, *, films_in_preparation: bool = False) -> list[str]:
    """Every reason the course cannot be published yet, in the reader's language; empty when it can.
    ``films_in_preparation``: videos still processing are not counted (see publish_course)."""
    return [reason for key, reason in _problem_entries(course)
            if not (films_in_preparation and key[0] == "video_not_ready")]


@contextmanager
def keeping_publishable(course: Course) -> Iterator[None]:
    """Run a change; on a published course, undo it and raise Invalid ``would_unpublish`` (with the reasons,
    as for ``not_publishable``) when it adds a reason that would keep the course from being published.

    The change runs in a savepoint, so a refused change leaves the unit of work as it was: the view may go on
    (show the reasons) and the request still commits once. Faults that were already there do not block."""
    if not course.is_published:
        yield
        return
    before = {key for key, _reason in _problem_entries(course)}
    savepoint = db.session.begin_nested()
    try:
        yield
        db.session.flush()
        new = [reason for key, reason in _problem_entries(course) if key not in before]
    except BaseException:
        savepoint.rollback()
        raise
    if new:
        savepoint.rollback()
        raise Invalid(_("Ce parcours est publié : cette modification l'empêcherait de l'être ; elle est refusée."),
                      code="would_unpublish", fields={"reasons": " ".join(new)}, extra={"reasons": new})
    savepoint.commit()  # releases the savepoint only; the request commits the unit of work


def publish_course(actor: User, course: Course, *, films_in_preparation: bool = False) -> None:
    """Publish, or Invalid ``not_publishable`` listing every reason (fields.reasons and error.reasons).

    ``films_in_preparation``: videos still processing do not hold it back (``import-course --publish``, whose
    films the worker prepares after the import; the course page says so until they are ready)."""
    require_edit_course(actor, course)
    problems = publish_problems(course, films_in_preparation=films_in_preparation)
    if problems:
        raise Invalid(_("Ce parcours ne peut pas encore être publié."), code="not_publishable",
                      fields={"reasons": " ".join(problems)}, extra={"reasons": problems})
    course.publish()
    db.session.flush()


def unpublish_course(actor: User, course: Course) -> None:
    require_edit_course(actor, course)
    course.unpublish()
    db.session.flush()


def required_item_count(course: Course) -> int:
    return db.session.scalar(
        select(func.count(Item.id)).join(Module, Item.module_id == Module.id)
        .where(Module.course_id == course.id, Item.required.is_(True))
    ) or 0
