"""The JSON API of shared/API.md, over the same services as the HTML pages."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from lms.api import accounts, certificates, common, courses, openapi, progress, videos  # noqa: E402,F401
