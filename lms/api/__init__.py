"""The JSON API of shared/API.md, over the same services as the HTML pages."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.after_request
def not_stored(response):
    """No cache keeps an answer of the API: they name their caller or carry personal data (tokens, the
    account, progress, the export, certificates...), and one rule here cannot be forgotten by a new route
    (the HTML pages get the same from lms.core.security). A route may still set its own Cache-Control."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


from lms.api import accounts, certificates, common, courses, openapi, progress, videos  # noqa: E402,F401
