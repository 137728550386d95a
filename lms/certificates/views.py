"""HTML routes: public verification, the learner's certificates, the HTML equivalent and the PDF, revocation."""
from __future__ import annotations

from flask import Response, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.certificates import bp, services
from lms.certificates.forms import RevokeForm
from lms.certificates.permissions import require_revoke_certificates, require_view_certificate
from lms.core.db import commit
from lms.core.errors import DomainError, NotFound, wants_json
from lms.core.pagination import paginate
from lms.core.web import search_arg, show_errors


@bp.get("/verify/<code>")
def verify(code: str):
    """Public, no login: valid, revoked (date and reason) or unknown; JSON with ``Accept: application/json``."""
    certificate = services.find_by_code(code)
    if certificate is None:
        if wants_json():
            raise NotFound(_("Aucune attestation ne porte ce numéro."), code="unknown_certificate")
        response = Response(render_template("certificates/unknown.html"), status=404)
    elif wants_json():
        response = jsonify(services.verification(certificate))
    else:
        response = Response(render_template("certificates/verify.html", certificate=certificate,
                                            answer=services.verification(certificate)))
    response.headers["Cache-Control"] = "no-cache"  # a revocation shows at once
    response.headers["X-Robots-Tag"] = "noindex"
    response.vary.add("Accept")
    return response


@bp.get("/attestations")
@login_required
def list_mine():
    certificates = services.certificates_of(current_user)
    return render_template("certificates/list.html", certificates=certificates)


def _viewable(code: str):
    certificate = services.get_by_code(code)
    require_view_certificate(current_user, certificate)
    return certificate


@bp.get("/attestations/<code>")
@login_required
def show_certificate(code: str):
    """The HTML equivalent of the PDF (same fields), for the holder and coordinators."""
    certificate = _viewable(code)
    return render_template("certificates/show.html", certificate=certificate,
                           document=services.document_of(certificate))


@bp.get("/attestations/<code>.pdf")
@login_required
def download_pdf(code: str):
    certificate = _viewable(code)
    response = Response(services.pdf_bytes(certificate), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="attestation-{certificate.display_code}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _admin_page(form: RevokeForm, query: str, status: int = 200):
    page = paginate(services.search_certificates(query), per_page=50)
    selected = page.items[0] if query and page.total == 1 else None
    return render_template("certificates/admin.html", page=page, query=query, form=form, selected=selected), status


@bp.get("/admin/attestations")
@login_required
def admin_list():
    require_revoke_certificates(current_user)
    return _admin_page(RevokeForm(), search_arg())


@bp.post("/admin/attestations/<code>/revocation")
@login_required
def revoke(code: str):
    require_revoke_certificates(current_user)
    certificate = services.get_by_code(code)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke_certificate(current_user, certificate.code, form.reason.data)
            commit()
        except DomainError as exc:
            if exc.status != 422:
                raise
            show_errors(form, exc)
        else:
            flash(_("L'attestation %(code)s est révoquée.", code=certificate.display_code), "success")
            return redirect(url_for("certificates.admin_list", q=certificate.display_code))
    return _admin_page(form, certificate.display_code, 422)
