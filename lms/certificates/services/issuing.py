"""The certificates domain's verbs: request, issue, verify, revoke, list; GDPR export and erasure.

Flow: the learning service records a ``CourseCompletion`` and calls ``request_certificate(completion)``
in the same transaction: an outbox trigger (unique key per completion) has the worker run
``issue_certificate(completion_id)`` after the commit. Issuing is idempotent (one certificate
per completion, a unique column decides races): it freezes a snapshot of everything the
document says, renders and stores the PDF, and writes the learner's email into the outbox.
Services add and flush; the request or task commits.

Erasure (GDPR): certificates are training evidence kept at least 3 years, so they are not
deleted; the holder's name and organisation in the snapshot become "Compte supprimé" and
the PDF is rendered again from it. The verification page of an erased person's certificate
therefore still says whether it is valid, without naming anyone.
"""
from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, select

from lms.auth.models import User
from lms.auth.queries import PersonSection
from lms.authoring.models import POST_TEST, Course, Item, Module, Quiz
from lms.certificates.models import Certificate, new_code, normalise_code
from lms.certificates.permissions import require_revoke_certificates
from lms.certificates.services import document as doc
from lms.certificates.services.pdf import render_pdf
from lms.core import outbox, storage
from lms.core.clock import isoformat, utcnow
from lms.core.db import insert_once
from lms.core.errors import Conflict, Invalid, NotFound
from lms.core.inputs import strip_invisible
from lms.extensions import db
from lms.learning.models import CourseCompletion

log = logging.getLogger(__name__)

ISSUE_TASK = "worker.tasks.certificates.issue_certificate"
REASON_MAX = 500


# -- issue -----------------------------------------------------------------------

def request_certificate(completion: CourseCompletion) -> None:
    """In the transaction that records ``completion`` (flushed, so it has an id): trigger the issue after commit.

    Calling it twice for one completion writes one trigger."""
    if completion.id is None:
        db.session.flush()
    outbox.enqueue_task(ISSUE_TASK, [completion.id], dedupe_key=f"certificate:{completion.id}")


def on_course_completed(sender, completion: CourseCompletion, **_extra) -> None:
    """Receiver of lms.learning.signals.course_completed (connected by lms/wiring.py)."""
    request_certificate(completion)


def issue_certificate(completion_id: int) -> Certificate | None:
    """The certificate of a completion, issued now if it does not exist yet (idempotent).

    None when the completion no longer exists (a stale trigger)."""
    existing = certificate_for_completion(completion_id)
    if existing is not None:
        return existing
    completion = db.session.get(CourseCompletion, completion_id)
    if completion is None:
        return None
    user = db.session.get(User, completion.user_id)
    course = db.session.get(Course, completion.course_id)
    now = utcnow()
    certificate = Certificate(code=new_code(), user_id=user.id, course_id=course.id, completion_id=completion.id,
                              issued_at=now, snapshot=build_snapshot(user, course, completion, now))
    issued = insert_once(certificate, lambda: certificate_for_completion(completion_id))
    if issued is not certificate:  # the unique completion_id decided a race between two workers
        return issued
    certificate.pdf_key = store_pdf(certificate)
    if user.erased_at is None:
        outbox.enqueue_email(
            to=user.email,
            subject=_("Votre attestation est disponible"),
            template="certificates/issued",
            context={"user": user, "course_title": certificate.snapshot["course_title"],
                     "code": certificate.display_code, "link": list_url(),
                     "verify_url": verify_url(certificate)},
            dedupe_key=f"certificate_issued:{certificate.id}",
            category="certificate",
        )
    db.session.flush()
    return certificate


def course_has_post_test(course: Course) -> bool:
    return db.session.scalar(
        select(Quiz.id).join(Item, Quiz.item_id == Item.id).join(Module, Item.module_id == Module.id)
        .where(Module.course_id == course.id, Quiz.role == POST_TEST).limit(1)) is not None


def build_snapshot(user: User, course: Course, completion: CourseCompletion, issued_at) -> dict:
    """Everything the certificate says, frozen: later edits of the person or the course change nothing."""
    config = current_app.config
    has_post_test = course_has_post_test(course)
    snapshot = {
        # No bidi override (stored before lms.core.inputs refused them) may reverse a name on the certificate.
        "holder_name": strip_invisible(user.full_name),
        "organisation": strip_invisible(user.organisation_name),
        "course_title": strip_invisible(course.title),
        "nature": doc.NATURE,
        "modality": "Formation à distance (e-learning)",
        "objectives": [strip_invisible(str(objective)) for objective in (course.objectives or [])],
        "duration_minutes": course.duration_minutes,
        "time_spent_s": completion.time_spent_s or 0,
        "started_at": isoformat(completion.started_at),
        "completed_at": isoformat(completion.completed_at),
        "has_post_test": has_post_test,
        "issuer_name": config["CERTIFICATE_ISSUER_NAME"],
        "signatory": config["CERTIFICATE_SIGNATORY"],
        "signatory_title": config["CERTIFICATE_SIGNATORY_TITLE"],
        "issued_at": isoformat(issued_at),
    }
    if has_post_test:  # the assessment result only when an assessment was planned
        snapshot["post_test_score"] = completion.post_test_score
    return snapshot


# -- the document ------------------------------------------------------------------

# Built from BASE_URL, not url_for: the worker has no request (the paths are the rules of views.py).
def absolute_url(path: str) -> str:
    return current_app.config["BASE_URL"] + path


def list_url() -> str:
    return absolute_url("/attestations")


def verify_url(certificate: Certificate) -> str:
    return absolute_url(f"/verify/{certificate.display_code}")


def document_of(certificate: Certificate) -> doc.Document:
    return doc.build(certificate.snapshot, code=certificate.display_code, verify_url=verify_url(certificate),
                     revoked=certificate.revoked)


def font_cache_dir() -> str:
    return str(Path(current_app.config["INSTANCE_PATH"]) / "cache" / "fonts")


def render(certificate: Certificate) -> bytes:
    return render_pdf(document_of(certificate), cache_dir=font_cache_dir())


def store_pdf(certificate: Certificate) -> str:
    return storage.save_bytes(render(certificate), "certificates", ".pdf").key


def pdf_bytes(certificate: Certificate) -> bytes:
    """The stored PDF; rendered again from the snapshot if the file is missing (same content)."""
    if certificate.pdf_key and storage.exists(certificate.pdf_key):
        return storage.read_bytes(certificate.pdf_key)
    log.warning("PDF of certificate %s missing from the media store: rendered from its snapshot", certificate.id)
    return render(certificate)


# -- reading -----------------------------------------------------------------------

def certificate_for_completion(completion_id: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.completion_id == completion_id))


def find_by_code(raw: str | None) -> Certificate | None:
    code = normalise_code(raw)
    if code is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def get_by_code(raw: str | None) -> Certificate:
    certificate = find_by_code(raw)
    if certificate is None:
        raise NotFound(_("Aucune attestation ne porte ce numéro."), code="unknown_certificate")
    return certificate


def certificates_of(user: User) -> list[Certificate]:
    return list(db.session.scalars(
        select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.issued_at.desc(), Certificate.id.desc())))


def person_certificates(user: User) -> PersonSection:
    """The certificates of a person, newest first, for the coordinator's page of that person."""
    return PersonSection("certificates/_person_record.html", {"certificates": certificates_of(user)})


def certificates_of_page(user: User, *, after_id: int | None, limit: int) -> tuple[list[Certificate], int | None]:
    """A page of the user's certificates, newest first; the cursor is the last id seen."""
    stmt = select(Certificate).where(Certificate.user_id == user.id)
    if after_id is not None:
        stmt = stmt.where(Certificate.id < after_id)
    rows = list(db.session.scalars(stmt.order_by(Certificate.id.desc()).limit(limit + 1)))
    return rows[:limit], (rows[limit - 1].id if len(rows) > limit else None)


def search_certificates(query: str | None = None) -> Select:
    """Coordinators' list: newest first; ``query`` is the whole code or its start (grouped or not)."""
    stmt = select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    if query and query.strip():
        cleaned = "".join(ch for ch in query.upper() if ch.isalnum()).translate(str.maketrans({"0": "O", "1": "I", "8": "B"}))
        if not cleaned:
            return stmt
        escaped = cleaned.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Certificate.code.like(f"{escaped}%", escape="\\"))
    return stmt


def verify(raw_code: str | None) -> dict | None:
    """What anyone may learn from a code: validity and the minimum personal data. None: no such certificate."""
    certificate = find_by_code(raw_code)
    return None if certificate is None else verification(certificate)


def verification(certificate: Certificate) -> dict:
    snapshot = certificate.snapshot
    answer = {
        "valid": certificate.valid,
        "code": certificate.display_code,
        "holder_name": snapshot.get("holder_name"),
        "course_title": snapshot.get("course_title"),
        "issued_at": isoformat(certificate.issued_at),
        "issuer": snapshot.get("issuer_name"),
        "revoked": certificate.revoked,
    }
    if certificate.revoked:
        answer.update(revoked_at=isoformat(certificate.revoked_at), reason=certificate.revoked_reason)
    return answer


# -- revocation ----------------------------------------------------------------------

def revoke_certificate(actor: User, code: str, reason: str | None) -> Certificate:
    """Coordinators revoke with a reason; the record stays (valid: false from then on). 409 if already revoked."""
    require_revoke_certificates(actor)
    certificate = get_by_code(code)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(fields={"reason": _("Indiquez le motif de la révocation.")})
    if len(reason) > REASON_MAX:
        raise Invalid(fields={"reason": _("%(n)d caractères au plus.", n=REASON_MAX)})
    if certificate.revoked:
        raise Conflict(_("Cette attestation est déjà révoquée."), code="already_revoked")
    certificate.revoke(actor.id, reason)
    replace_pdf(certificate)  # a copy downloaded from now on says "révoquée" too
    db.session.flush()
    return certificate


def replace_pdf(certificate: Certificate) -> None:
    """Store a new rendering and remove the old file. Should the transaction roll back after the removal,
    pdf_bytes renders from the unchanged row instead: the same document either way."""
    old_key = certificate.pdf_key
    certificate.pdf_key = store_pdf(certificate)
    storage.delete(old_key)



def certificates_by_completion(user: User, completion_ids: list[int]) -> dict[int, Certificate]:
    """The user's certificates for these completions (the learning pages find them through
    lms/wiring.py CERTIFICATE_FINDERS)."""
    if not completion_ids:
        return {}
    rows = db.session.scalars(select(Certificate).where(
        Certificate.user_id == user.id, Certificate.completion_id.in_(completion_ids)))
    return {row.completion_id: row for row in rows}
