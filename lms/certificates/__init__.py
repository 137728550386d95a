"""Certificates: the "attestation de fin de formation" issued once a course is completed, its PDF,
its HTML equivalent, public verification and revocation."""
from flask import Blueprint

bp = Blueprint("certificates", __name__)

from lms.certificates import views  # noqa: E402,F401
