"""Authentication and body parsing for the JSON API.

A bearer token (``Authorization: Bearer ...``) works everywhere; the browser's
session cookie works on GET only (browser writes go through the HTML forms and
their CSRF tokens).
"""
from __future__ import annotations

from functools import wraps

from flask import g, request
from flask_babel import gettext as _
from flask_login import current_user

from lms.api import bp
from lms.core.errors import FieldErrors, Invalid, Unauthorized
from lms.core.web import decimal, request_json

MAX_LIMIT = 200


@bp.before_request
def resolve_api_user():
    g.api_user = None
    g.api_token = None
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise Unauthorized(_("En-tête Authorization invalide : « Bearer <jeton> » attendu."), code="invalid_token")
        g.api_token = raw.strip()  # its holder is looked up by caller(), or by the service the route hands it to
    elif request.method in ("GET", "HEAD") and current_user.is_authenticated:
        g.api_user = current_user._get_current_object()


def _token_user(raw: str):
    from lms.auth.services import user_for_api_token

    user = user_for_api_token(raw)
    if user is None:
        raise Unauthorized(_("Jeton invalide ou expiré."), code="invalid_token")
    return user


def authenticated(view):
    """401 unless the caller is identified (token, or session cookie on GET)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if caller() is None:
            raise Unauthorized()
        return view(*args, **kwargs)

    return wrapper


def caller():
    """The caller: the holder of the bearer token (looked up on first use, 401 when it is not valid), or the
    browser's session on GET."""
    if g.api_user is None and g.api_token is not None:
        g.api_user = _token_user(g.api_token)
    return g.api_user


def bearer_token() -> str:
    """The raw bearer token of the request (401 without one), for a route whose service checks it inside its
    own query (one round trip authenticates and reads)."""
    if g.api_token is None:
        raise Unauthorized()
    return g.api_token


class JsonBody(dict):
    """A JSON object body. Its readers (``text``, ``choice``, ``flag``) gather every fault in ``errors`` rather
    than stopping at the first; the service then runs inside ``with body.errors.joined():`` so that one 422
    names every wrong field, the service's own findings included."""

    def __init__(self, values: dict, faults: dict[str, str]):
        super().__init__(values)
        self.errors = FieldErrors(faults)

    def text(self, name: str, **kwargs) -> str | None:
        return None if name in self.errors.fields else self.errors.check(text_field, self, name, **kwargs)

    def choice(self, name: str, choices: tuple[str, ...]) -> str | None:
        return self.errors.check(choice_field, self, name, choices)

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.errors.check(bool_field, self, name, default)
        return default if value is None else value


def json_body(*, collect: bool = False) -> JsonBody:
    """The request's JSON object, every string cleaned (lms.core.web.json_object). A string refused there (a
    control character) is a 422 at once, or with ``collect`` a fault kept in ``body.errors`` (its value None)."""
    return JsonBody(*request_json(collect=collect))


def text_field(body: dict, name: str, *, required: bool = False, max_length: int = 500,
               blank: bool = True) -> str | None:
    """A string field. ``""`` counts as absent, or is a 422 with ``blank=False`` (the schema says minLength)."""
    value = body.get(name)
    if value == "" and not blank:
        raise Invalid(fields={name: _("Ce champ ne peut pas être vide ; omettez-le plutôt.")})
    if value is None or value == "":
        if required:
            raise Invalid(fields={name: _("Ce champ est obligatoire.")})
        return None
    if not isinstance(value, str):
        raise Invalid(fields={name: _("Une chaîne de caractères est attendue.")})
    if len(value) > max_length:
        raise Invalid(fields={name: _("%(n)d caractères au plus.", n=max_length)})
    return value


def choice_field(body: dict, name: str, choices: tuple[str, ...]) -> str | None:
    """An optional value out of ``choices``; absent or ``null`` is ``None``, anything else (even ``""``) a 422."""
    value = body.get(name)
    if value is None:
        return None
    if value not in choices:
        raise Invalid(fields={name: _("Valeur inconnue ; valeurs possibles : %(values)s.", values=", ".join(choices))})
    return value


def bool_field(body: dict, name: str, default: bool = False) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise Invalid(fields={name: _("Un booléen est attendu.")})
    return value


MAX_ID = 2**31 - 1  # ids are INTEGER columns


def cursor_arg() -> int | None:
    """The opaque ``?cursor=`` of a list: here the last id seen. Anything else is a 422, never a 500."""
    raw = request.args.get("cursor")
    if raw is None or raw == "":
        return None
    value = decimal(raw)
    if value is None or value > MAX_ID:
        raise Invalid(fields={"cursor": _("Curseur invalide.")})
    return value


def limit_arg(default: int = 50) -> int:
    value = decimal(request.args.get("limit", str(default)))
    if value is None or not 1 <= value <= MAX_LIMIT:
        raise Invalid(fields={"limit": _("Un entier entre 1 et %(n)d est attendu.", n=MAX_LIMIT)})
    return value
