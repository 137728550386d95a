"""Small helpers shared by the web layer (HTML views, the API, media routes)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, request, url_for

from lms.core.errors import DomainError


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


def safe_next(default_endpoint: str = "pages.home") -> str:
    """A local redirect target from ?next=, never another site."""
    target = request.args.get("next") or request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc and "\\" not in target:
        return target
    return url_for(default_endpoint)
