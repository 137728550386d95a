"""What comes from outside, made safe in one place: JSON documents and free text.

- ``parse_json(raw)``: UTF-8 JSON nested at most ``MAX_DEPTH`` deep and holding no lone surrogate (``"\\ud800"``
  is valid JSON but no text: UTF-8, PostgreSQL and every encoder refuse it). Anything else is a ValueError, as
  for malformed JSON, so a reader answers 400 and ``request.get_json(silent=True)`` gives None: no
  RecursionError, no UnicodeEncodeError later.
- ``clean_text(text, multiline=...)``: the text without its invisible formatting characters (the bidi
  overrides, embeddings, isolates and marks that reverse a name on a certificate; zero-width space, word
  joiner, byte order mark), or TextRefused naming the first control character (NUL, escape, ...) it holds.
  Tabs and line breaks stay in multi-line text (Markdown, transcripts, explanations).
- ``clean_json(value)``: ``clean_text`` on every string of a parsed JSON document, the refusals by field path.

Every reader of outside text goes through them: the JSON bodies (``lms.core.web.json_object``), every HTML
form (``lms.core.forms``), the CSV import and the transcripts.
"""
from __future__ import annotations

import json
import re

from flask_babel import gettext as _

MAX_DEPTH = 32  # the deepest body of the API (a quiz's choices) is 5 levels deep

# Format characters (Unicode category Cf) that only steer how text is shown: bidi embeddings and overrides
# (U+202A-U+202E), isolates (U+2066-U+2069), marks (U+200E, U+200F, U+061C), the zero-width space and word
# joiner, invisible operators, deprecated format controls, the BOM and the interlinear annotations.
# Zero-width (non-)joiners (U+200C, U+200D) stay: emoji sequences and several scripts need them.
INVISIBLE = re.compile("[\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # C0 but tab and line breaks, DEL, C1
_LINE_BREAKS = re.compile("[\t\n\r]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


class TextRefused(ValueError):
    """A text holding a character that no field accepts; ``message`` says which, in the reader's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_json(raw: bytes | str):
    """The document, or ValueError (malformed, not UTF-8, nested deeper than MAX_DEPTH, a lone surrogate)."""
    text = bytes(raw).decode("utf-8") if isinstance(raw, bytes | bytearray | memoryview) else raw
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth(text) > MAX_DEPTH:
        raise ValueError(f"JSON nested more than {MAX_DEPTH} levels deep")
    if _SURROGATE.search(text):  # a str decoded elsewhere with "surrogatepass"
        raise ValueError("lone surrogate in JSON text")
    value = json.loads(text)
    if _SURROGATE_ESCAPE.search(text) and _holds_surrogate(value):  # escaped pairs decode to one character
        raise ValueError("lone surrogate in a JSON string")
    return value


def _depth(text: str) -> int:
    """How deep the arrays and objects of ``text`` nest (brackets inside strings do not count)."""
    deepest = level = 0
    for bracket in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        level += 1 if bracket in "[{" else -1
        deepest = max(deepest, level)
    return deepest


def _holds_surrogate(value) -> bool:
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_holds_surrogate(key) or _holds_surrogate(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_surrogate(item) for item in value)
    return False


def clean_text(text: str, *, multiline: bool = True) -> str:
    """``text`` without invisible formatting characters; TextRefused when it holds a control character other
    than tab, line feed and carriage return. Not ``multiline`` (a one-line field), those become a space."""
    found = _CONTROL.search(text)
    if found is not None:
        raise TextRefused(_("Ce texte contient un caractère de contrôle non autorisé (U+%(code)04X).",
                            code=ord(found.group())))
    text = INVISIBLE.sub("", text)
    return text if multiline else _LINE_BREAKS.sub(" ", text)


def search_text(text: str) -> str:
    """A search box's text: its control and invisible formatting characters dropped rather than refused (nobody
    searches for NUL, which PostgreSQL refuses in a query), on one line."""
    return _LINE_BREAKS.sub(" ", _CONTROL.sub("", INVISIBLE.sub("", text))).strip()


def strip_invisible(text: str | None) -> str | None:
    """``text`` without its invisible formatting characters (for text that came in before this module read it)."""
    return INVISIBLE.sub("", text) if text else text


def clean_json(value, *, keep: frozenset[str] = frozenset(), path: str = "") -> tuple[object, dict[str, str]]:
    """Every string of a parsed document through ``clean_text`` (multi-line allowed; the fields that must be
    one line say so themselves). Returns the cleaned document, with None for each refused string, and the
    refusals by path (``title``, ``quiz.questions[0].prompt``). Values under a key of ``keep`` (passwords) are
    left as they are; keys are never changed."""
    faults: dict[str, str] = {}
    if isinstance(value, str):
        try:
            return clean_text(value), faults
        except TextRefused as exc:
            return None, {path: exc.message}
    if isinstance(value, dict):
        cleaned = {}
        for key, item in value.items():
            if key in keep:
                cleaned[key] = item
                continue
            cleaned[key], found = clean_json(item, keep=keep, path=f"{path}.{key}" if path else key)
            faults.update(found)
        return cleaned, faults
    if isinstance(value, list):
        cleaned = []
        for n, item in enumerate(value):
            item, found = clean_json(item, keep=keep, path=f"{path}[{n}]")
            cleaned.append(item)
            faults.update(found)
        return cleaned, faults
    return value, faults
