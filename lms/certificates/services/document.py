"""What a certificate says, read from its frozen snapshot: one description for the PDF and its HTML equivalent.

The document is French whatever the interface language (it is evidence under French training
law); the PDF (pdf.py) and the page ``templates/certificates/show.html`` print the same fields.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from babel.dates import format_date

from lms.core.clock import PARIS, as_utc
from lms.core.durations import format_duration, format_time_spent

TITLE = "Attestation de fin de formation"
NATURE = "Action de sensibilisation"
DELETED_HOLDER = "Compte supprimé"
EXPIRED_HOLDER = "Identité retirée au terme de la durée de conservation"


@dataclass(frozen=True)
class Row:
    label: str
    value: str = ""
    items: tuple[str, ...] = ()  # a list (objectives) instead of a single value


@dataclass(frozen=True)
class Document:
    code: str                   # grouped for humans
    verify_url: str
    issuer: str
    holder_name: str
    organisation: str | None
    course_title: str
    rows: tuple[Row, ...]
    issued_on: str
    signatory: str
    signatory_title: str
    revoked: bool = False
    texts: tuple[str, ...] = field(default=())  # every string printed, to choose the font subset

    @property
    def all_text(self) -> str:
        return "".join(self.texts)


def parse_time(value: str | None) -> datetime | None:
    return as_utc(datetime.fromisoformat(value)) if value else None


def french_date(value: datetime | date | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = as_utc(value).astimezone(PARIS).date()
    return format_date(value, format="d MMMM y", locale="fr_FR")


def french_duration_minutes(minutes: int | None) -> str:
    return format_duration(minutes, "min", missing="non précisée")


def french_time_spent(seconds: int | None) -> str:
    return format_time_spent(seconds or 0, "moins d'une minute")


def build(snapshot: dict, *, code: str, verify_url: str, revoked: bool = False) -> Document:
    """The fields of the certificate, in print order. Only the snapshot is read: nothing changes after issue."""
    started, completed = parse_time(snapshot.get("started_at")), parse_time(snapshot.get("completed_at"))
    if started and completed and started.astimezone(PARIS).date() != completed.astimezone(PARIS).date():
        dates = f"du {french_date(started)} au {french_date(completed)}"
    else:
        dates = f"le {french_date(completed or started)}"
    rows = [
        Row("Nature de l'action", snapshot.get("nature") or NATURE),
        Row("Modalité", snapshot.get("modality") or "Formation à distance (e-learning)"),
        Row("Objectifs opérationnels", items=tuple(snapshot.get("objectives") or ()) or ("Non précisés",)),
        Row("Durée déclarée", french_duration_minutes(snapshot.get("duration_minutes"))),
        Row("Temps effectivement passé", french_time_spent(snapshot.get("time_spent_s"))),
        Row("Dates de la formation", dates),
    ]
    if snapshot.get("has_post_test"):
        score = snapshot.get("post_test_score")
        rows.append(Row("Évaluation finale (post-test)",
                        f"{score} / 100" if score is not None else "évaluation non passée"))
    document = Document(
        code=code, verify_url=verify_url, issuer=snapshot.get("issuer_name", ""),
        holder_name=snapshot.get("holder_name", ""), organisation=snapshot.get("organisation"),
        course_title=snapshot.get("course_title", ""), rows=tuple(rows),
        issued_on=french_date(parse_time(snapshot.get("issued_at"))),
        signatory=snapshot.get("signatory", ""), signatory_title=snapshot.get("signatory_title", ""),
        revoked=revoked,
    )
    texts = [document.issuer, document.holder_name, document.organisation or "", document.course_title,
             document.signatory, document.signatory_title, document.code, document.verify_url, document.issued_on]
    for row in rows:
        texts += [row.label, row.value, *row.items]
    return Document(**{**document.__dict__, "texts": tuple(texts)})
