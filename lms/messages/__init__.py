"""The "Journal des envois": every outgoing message, its status and its content, for coordinators."""
from flask import Blueprint

bp = Blueprint("messages", __name__)

from lms.messages import views  # noqa: E402,F401
