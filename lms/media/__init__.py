"""Media delivery: the files of the media store, to those allowed to see them (Range, caching, X-Accel)."""
from flask import Blueprint

bp = Blueprint("media", __name__, url_prefix="/media")

from lms.media import views  # noqa: E402,F401
