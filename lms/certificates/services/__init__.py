"""The certificates domain's verbs. Callers use ``from lms.certificates import services``.

issuing.py issues, finds, verifies and revokes certificates; document.py is what a certificate says (one
document for the page and the PDF); pdf.py draws it on one A4 page.
"""
from lms.certificates.services import document, pdf  # noqa: F401
from lms.certificates.services.issuing import (  # noqa: F401
    ISSUE_TASK,
    REASON_MAX,
    absolute_url,
    build_snapshot,
    certificate_for_completion,
    certificates_by_completion,
    certificates_of,
    certificates_of_page,
    course_has_post_test,
    document_of,
    find_by_code,
    font_cache_dir,
    get_by_code,
    issue_certificate,
    list_url,
    on_course_completed,
    pdf_bytes,
    person_certificates,
    render,
    replace_pdf,
    request_certificate,
    revoke_certificate,
    search_certificates,
    store_pdf,
    verification,
    verify,
    verify_url,
)
