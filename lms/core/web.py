"""Small helpers shared by the web layer (HTML views, the API, media routes)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, request, url_for
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _

from lms.core.errors import BadRequest, DomainError, Invalid, UnsupportedMediaType
from lms.core.inputs import clean_json, parse_json, search_text

# Body fields taken as they are: a password is hashed, never shown, and must match what was typed.
SECRET_FIELDS = frozenset({"password", "current_password", "new_password"})


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading through ``parse_json``: ``request.get_json()`` anywhere (and the limiter's key
    functions, the fast paths) refuses a document nested too deep or holding a lone surrogate like malformed
    JSON, instead of raising RecursionError or passing on a string that no encoder takes."""

    def loads(self, s, **kwargs):
        return parse_json(s)


def json_object(raw: bytes, *, collect: bool = False) -> tuple[dict, dict[str, str]]:
    """The JSON object of a request body, its strings cleaned (``lms.core.inputs.clean_json``; passwords as they
    are): BadRequest (400) when it is not a JSON object; the refused strings become None and their faults
    are returned with ``collect``, else raised at once as Invalid (422) naming each field."""
    try:
        body = parse_json(raw) if raw.strip() else None
    except ValueError:  # UnicodeDecodeError included
        raise BadRequest(_("Le corps n'est pas du JSON valide."), code="malformed_json") from None
    if not isinstance(body, dict):
        raise BadRequest(_("Un objet JSON est attendu."), code="malformed_json")
    body, faults = clean_json(body, keep=SECRET_FIELDS)
    if faults and not collect:
        raise Invalid(fields=faults)
    return body, faults


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def request_json(*, collect: bool = False, form_field: str | None = None) -> tuple[dict, dict[str, str]]:
    """The request's JSON object body (json_object), 415 unless it is JSON: the one reader of JSON bodies.
    With ``form_field``, a form post holding the same JSON in that field is read too (navigator.sendBeacon
    with FormData), and an empty body is ``{}`` (the player's beacons on a text item)."""
    if request.mimetype == "application/json":
        raw = request.get_data(cache=True)
    elif form_field is not None and request.mimetype in FORM_TYPES:
        raw = request.form.get(form_field, "").encode()
    elif form_field is not None and not request.get_data(cache=True):
        raw = b""
    else:
        raise UnsupportedMediaType(_("Corps JSON attendu (Content-Type: application/json)."))
    if form_field is not None and not raw.strip():
        return {}, {}
    return json_object(raw, collect=collect)


def decimal(raw: str | None, max_digits: int = 18) -> int | None:
    """``raw`` as a non-negative integer when it is written in ASCII digits only, at most ``max_digits`` of
    them; else None. (``str.isdigit`` also accepts "²" and other digits that int() refuses.)"""
    if raw and len(raw) <= max_digits and raw.isascii() and raw.isdigit():
        return int(raw)
    return None


def show_errors(form, exc: DomainError) -> None:
    """Put a service's field errors next to the form's fields; the rest becomes a flash message."""
    unplaced = []
    for name, why in exc.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, why] if isinstance(field.errors, list) else [why]
        else:
            unplaced.append(why)
    if unplaced or not exc.fields:
        flash(exc.message if not unplaced else " ".join(unplaced), "error")


def search_arg(name: str = "q") -> str:
    """The text of a search box (``?q=``), read as lms.core.inputs.search_text."""
    return search_text(request.args.get(name, ""))


def safe_next(default_endpoint: str = "pages.home") -> str:
    """A local redirect target from ?next=, never another site."""
    target = request.args.get("next") or request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc and "\\" not in target:
        return target
    return url_for(default_endpoint)
