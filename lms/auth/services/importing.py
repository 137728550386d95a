"""CSV import of learners (email,full_name,audience,organisation)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask_babel import gettext as _

from lms.auth.models import (
    LEARNER,
    SENSITIVE_AUDIENCES,
    User,
)
from lms.auth.permissions import require_manage_users
from lms.auth.services.accounts import (
    audit,
    check_audience,
    check_full_name,
    create_user,
    normalize_email,
    organisation_named,
    user_by_email,
)
from lms.core.errors import Conflict, FieldErrors, Invalid
from lms.core.inputs import TextRefused, clean_text

MAX_IMPORT_ROWS = 5000



@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "errors": self.errors}


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), or Windows-1252 as French spreadsheets often save."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict")


def import_users_csv(actor: User, text: str) -> ImportResult:
    """Create or update learners from ``email,full_name,audience,organisation``.

    Line numbers count the header as line 1. Bad rows are reported and skipped;
    good rows are kept; importing the same file twice creates nobody.
    """
    require_manage_users(actor)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise Invalid(_("Le fichier est vide."), code="empty_csv")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        raise Invalid(_("Fichier CSV illisible : %(e)s", e=str(exc)), code="malformed_csv") from exc
    missing = [name for name in ("email", "full_name") if name not in header]
    if missing:
        raise Invalid(_("En-tête attendu : email,full_name,audience,organisation (manque : %(m)s).", m=", ".join(missing)),
                      code="bad_header")
    result = ImportResult()
    seen: set[str] = set()
    line = 1
    try:
        for line, row in enumerate(reader, start=2):
            if line - 1 > MAX_IMPORT_ROWS:
                result.errors.append({"line": line, "message": _("Au-delà de %(n)d lignes : importez en plusieurs fichiers.", n=MAX_IMPORT_ROWS)})
                break
            if not any(cell.strip() for cell in row):
                continue
            values = dict(zip(header, (cell.strip() for cell in row), strict=False))
            try:
                _import_row(actor, values, seen, result)
            except (Invalid, Conflict) as exc:
                result.errors.append({"line": line, "message": _row_message(exc)})
    except csv.Error as exc:
        result.errors.append({"line": line + 1, "message": _("Ligne illisible : %(e)s", e=str(exc))})
    audit(actor, None, "users_imported", f"created={result.created} updated={result.updated} errors={len(result.errors)}")
    return result


def _row_message(exc: Invalid | Conflict) -> str:
    return "; ".join(f"{name} : {why}" for name, why in exc.fields.items()) if exc.fields else exc.message


def _import_row(actor: User, values: dict, seen: set[str], result: ImportResult) -> None:
    """One row; Invalid naming every faulty column of it."""
    errors = FieldErrors()
    for name, cell in values.items():  # the same text rules as every form and JSON body
        try:
            values[name] = clean_text(cell, multiline=False)
        except TextRefused as exc:
            errors.add(name, exc.message)
            values[name] = None
    email = errors.check(normalize_email, values.get("email"))
    if email in seen:
        errors.add("email", _("adresse en double dans le fichier"))
    elif email:
        seen.add(email)
    full_name = errors.check(check_full_name, values.get("full_name"))
    audience = (values.get("audience") or "").strip() or None
    if audience in SENSITIVE_AUDIENCES:
        errors.add("audience", _("ce public révèle une information de santé : seule la personne peut le déclarer"))
    else:
        audience = errors.check(check_audience, audience, consent=False)
    errors.raise_if_any()
    organisation = values.get("organisation") or None
    user = user_by_email(email)
    if user is None:
        create_user(actor, email=email, full_name=full_name, role=LEARNER, audience=audience, organisation=organisation)
        result.created += 1
        return
    org = organisation_named(organisation) if organisation else user.organisation
    changed = (user.full_name, user.audience, user.organisation_id) != (full_name, audience or user.audience, org.id if org else None)
    if changed:
        user.full_name, user.organisation = full_name, org
        user.audience = audience or user.audience
        result.updated += 1
    else:
        result.unchanged += 1
