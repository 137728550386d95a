"""Certificates: the caller's list, the PDF and the coordinators' revocation (shared/API.md, "Certificates")."""
from __future__ import annotations

from flask import Response, jsonify, url_for

from lms.api import bp
from lms.api.common import authenticated, caller, cursor_arg, json_body, limit_arg, text_field
from lms.certificates import services
from lms.certificates.permissions import require_revoke_certificates, require_view_certificate
from lms.core.clock import isoformat
from lms.core.db import commit


def certificate_json(certificate) -> dict:
    """``pdf_url`` is the API's own route: it takes the bearer token that listed it (and the session cookie, as
    every API GET does); the HTML page's PDF link would send an API client to the sign-in page."""
    return {
        "code": certificate.display_code, "course_id": certificate.course_id,
        "course_title": certificate.snapshot.get("course_title"), "issued_at": isoformat(certificate.issued_at),
        "revoked": certificate.revoked,
        "pdf_url": services.absolute_url(url_for("api.download_certificate_pdf", code=certificate.display_code)),
        "verify_url": services.verify_url(certificate),
    }


@bp.get("/me/certificates")
@authenticated
def list_my_certificates():
    """The caller's certificates, newest first: ``{items, next}``."""
    rows, last = services.certificates_of_page(caller(), after_id=cursor_arg(), limit=limit_arg())
    return jsonify({"items": [certificate_json(row) for row in rows], "next": str(last) if last else None})


@bp.get("/certificates/<code>.pdf")
@authenticated
def download_certificate_pdf(code: str):
    """The holder and coordinators: ``application/pdf``; others 403, an unknown code 404."""
    certificate = services.get_by_code(code)
    require_view_certificate(caller(), certificate)
    response = Response(services.pdf_bytes(certificate), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="attestation-{certificate.display_code}.pdf"'
    return response


@bp.post("/certificates/<code>/revoke")
@authenticated
def revoke_certificate(code: str):
    """Coordinators: ``{reason}`` → 200; 409 already revoked; 404 unknown; 422 without a reason."""
    require_revoke_certificates(caller())
    certificate = services.get_by_code(code)
    reason = text_field(json_body(), "reason", required=True, max_length=services.REASON_MAX)
    services.revoke_certificate(caller(), certificate.code, reason)
    answer = services.verification(certificate)
    commit()
    return jsonify(answer)
