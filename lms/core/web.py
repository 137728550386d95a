"""Small helpers shared by HTML views."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, request, url_for

from lms.core.errors import DomainError


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
