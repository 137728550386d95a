"""What the certificates domain exports, erases and lets expire of a person (GDPR), listed in lms/wiring.py.

A certificate is training evidence (STANDARDS: kept at least 3 years): erasure and expiry keep it, verifiable,
without the holder's identity."""
from __future__ import annotations

from sqlalchemy import select

from lms.auth.models import User
from lms.certificates.models import Certificate
from lms.certificates.services import certificates_of, replace_pdf, verify_url
from lms.certificates.services import document as doc
from lms.core.clock import isoformat
from lms.extensions import db


def export_certificates(user: User) -> list[dict]:
    """GDPR export: the person's certificates, as issued."""
    return [{
        "code": certificate.display_code, "course_id": certificate.course_id,
        "issued_at": isoformat(certificate.issued_at), "revoked_at": isoformat(certificate.revoked_at),
        "revoked_reason": certificate.revoked_reason, "verify_url": verify_url(certificate),
        "content": certificate.snapshot,
    } for certificate in certificates_of(user)]


def erase_certificates(user: User) -> None:
    """GDPR erasure: keep the evidence (STANDARDS: at least 3 years), drop the identity.

    The snapshot's name becomes "Compte supprimé" and the organisation goes; the PDF is made again
    from it and the old file removed."""
    for certificate in certificates_of(user):
        certificate.snapshot = {**certificate.snapshot, "holder_name": doc.DELETED_HOLDER, "organisation": None}
        replace_pdf(certificate)
    db.session.flush()


def expire_certificates(user_id: int, course_id: int) -> None:
    """Retention (lms.learning.retention): the learner's evidence on the course is past its period. The
    certificate stays, verifiable, but is no longer theirs: no holder, no name nor organisation in the
    snapshot, and the PDF made again from it."""
    for certificate in db.session.scalars(select(Certificate).where(Certificate.user_id == user_id,
                                                                    Certificate.course_id == course_id)):
        certificate.snapshot = {**certificate.snapshot, "holder_name": doc.EXPIRED_HOLDER, "organisation": None}
        certificate.user_id = None
        replace_pdf(certificate)
    db.session.flush()
