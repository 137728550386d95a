"""Domain errors, mapped once to JSON (under /api/) and to French HTML pages."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str | None = None, *, code: str | None = None, fields: dict | None = None,
                 extra: dict | None = None):
        super().__init__(message or self.code)
        self.message = message or self.default_message()
        if code:
            self.code = code
        self.fields = fields or {}
        self.extra = extra or {}  # more keys of the JSON "error" object (e.g. "reasons": [...])

    def default_message(self) -> str:
        return _("La requête est invalide.")


class BadRequest(DomainError):
    status, code = 400, "malformed"


class Unauthorized(DomainError):
    status, code = 401, "unauthorized"

    def default_message(self):
        return _("Authentification requise.")


class Forbidden(DomainError):
    status, code = 403, "forbidden"

    def default_message(self):
        return _("Vous n'avez pas accès à cette ressource.")


class NotFound(DomainError):
    status, code = 404, "not_found"

    def default_message(self):
        return _("Cette ressource n'existe pas.")


class Conflict(DomainError):
    status, code = 409, "conflict"

    def default_message(self):
        return _("Cette action est en conflit avec l'état actuel.")


class Invalid(DomainError):
    status, code = 422, "invalid"

    def default_message(self):
        return _("Certaines valeurs sont invalides.")


class FieldErrors:
    """Every invalid field of one input, gathered so that one Invalid names them all (a 422 lists every wrong
    value, not only the first). The first fault found for a field is the one kept."""

    def __init__(self, fields: dict[str, str] | None = None):
        self.fields: dict[str, str] = dict(fields or {})
        self.message: str | None = None  # the message of the first Invalid caught, said when it is the only fault

    def __bool__(self) -> bool:
        return bool(self.fields)

    def add(self, name: str, why: str) -> None:
        self.fields.setdefault(name, why)

    def check(self, check, *args, **kwargs):
        """``check(*args, **kwargs)``; when it raises Invalid, its fields join these and None stands for the value."""
        try:
            return check(*args, **kwargs)
        except Invalid as exc:
            if not self.fields:
                self.message = exc.message
            for name, why in exc.fields.items():
                self.add(name, why)
            return None

    def raise_if_any(self) -> None:
        if self.fields:
            raise Invalid(self.message if len(self.fields) == 1 else None, fields=dict(self.fields))

    @contextmanager
    def joined(self) -> Iterator[None]:
        """Run a service with the values read so far: the fields of an Invalid it raises join these (the
        faults found first win), and any fault at all is raised as one Invalid. Other errors (403, 409)
        pass as they are."""
        try:
            yield
        except Invalid as exc:
            if not self.fields:
                raise
            # A value refused here reached the service as None: what it says of that field, or of the list or
            # object holding it ("objectives" for "objectives[1]"), is only the echo of the first fault.
            echoes = {name for name in exc.fields for path in self.fields
                      if path == name or path.startswith((f"{name}.", f"{name}["))}
            raise Invalid(fields={**{name: why for name, why in exc.fields.items() if name not in echoes},
                                  **self.fields}) from None
        self.raise_if_any()


class UnsupportedMediaType(DomainError):
    status, code = 415, "unsupported_media_type"

    def default_message(self):
        return _("Type de contenu non pris en charge.")


class TooLarge(DomainError):
    status, code = 413, "too_large"

    def default_message(self):
        return _("Le contenu envoyé est trop volumineux.")


class TooManyRequests(DomainError):
    """429; ``retry_after``: seconds, sent as the Retry-After header."""
    status, code = 429, "rate_limited"

    def __init__(self, message: str | None = None, *, retry_after: int | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after

    def default_message(self):
        return http_message(429)


# Codes and French messages for HTTP errors raised by Flask/Werkzeug itself.
HTTP_CODES = {
    400: "malformed",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "internal_error",
}


def http_message(status: int) -> str:
    return {
        400: _("La requête est mal formée."),
        401: _("Authentification requise."),
        403: _("Vous n'avez pas accès à cette page."),
        404: _("Cette page n'existe pas."),
        405: _("Cette méthode n'est pas permise ici."),
        413: _("Le contenu envoyé est trop volumineux."),
        415: _("Type de contenu non pris en charge."),
        429: _("Trop de tentatives. Patientez une minute avant de réessayer."),
        500: _("Une erreur interne est survenue. L'équipe a été prévenue."),
    }.get(status, _("Une erreur est survenue."))


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json"
        and request.accept_mimetypes["application/json"] > request.accept_mimetypes["text/html"]
    )


def error_response(status: int, code: str, message: str, fields: dict | None = None, extra: dict | None = None,
                   *, as_json: bool | None = None):
    """The error page or JSON error (``as_json``: forced either way; None: as the request asks)."""
    from lms.core.db import rollback

    rollback()
    if wants_json() if as_json is None else as_json:
        body = {"error": {**(extra or {}), "code": code, "message": message, "fields": fields or {}}}
        return make_response(jsonify(body), status)
    html = render_template("errors/error.html", status=status, message=message, fields=fields or {})
    return make_response(html, status)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(exc: DomainError):
        response = error_response(exc.status, exc.code, exc.message, exc.fields, exc.extra)
        if getattr(exc, "retry_after", None):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(CSRFError)
    def handle_csrf(exc: CSRFError):
        return error_response(
            400, "csrf_failed",
            _("Le formulaire a expiré ou n'est pas valide. Rechargez la page et recommencez."),
        )

    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        status = exc.code or 500
        response = error_response(status, HTTP_CODES.get(status, "http_error"), http_message(status))
        for name in ("Allow", "Retry-After", "WWW-Authenticate"):
            if exc.get_headers() and (value := dict(exc.get_headers()).get(name)):
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", http_message(500))
