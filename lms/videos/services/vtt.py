"""WebVTT: a strict enough check for captions uploaded by trainers, and the text of the cues.

Errors name the line (1-based) so a trainer can fix the file in a text editor.
Messages are French data, like the rest of what a trainer reads about a video.
Hand-written because webvtt-py (0.6, maintained) names no line in its errors ("Invalid format", "Invalid cue
block [...]") and by default drops a malformed cue silently, where a trainer needs the line to fix.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_TIME = re.compile(r"^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$")
_LOOKS_LIKE_TIME = re.compile(r"^\s*\d+:\d+[:.]\d+.*(->|—|–|\s-\s)")
_TAG = re.compile(r"<[^>]*>")
_SKIPPED_BLOCKS = ("NOTE", "STYLE", "REGION")


class VttError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(f"Ligne {line} : {message}")
        self.line = line
        self.message = f"Ligne {line} : {message}"


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    line: int  # the line of the timings


def parse_time(value: str) -> float | None:
    """``hh:mm:ss.ttt`` or ``mm:ss.ttt`` in seconds; None when malformed."""
    match = _TIME.match(value)
    if not match:
        return None
    hours, minutes, seconds, millis = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def format_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise VttError(line, "le fichier doit être encodé en UTF-8.") from None
    return text.removeprefix("\ufeff")


def parse(text: str) -> list[Cue]:
    """The cues of a WebVTT document; VttError at the first problem."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header = lines[0] if lines else ""
    if not (header == "WEBVTT" or header.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise VttError(1, "le fichier doit commencer par « WEBVTT ».")
    if "\x00" in text:
        raise VttError(text[: text.index("\x00")].count("\n") + 1, "caractère nul interdit.")
    cues: list[Cue] = []
    index = 1
    while index < len(lines) and lines[index].strip():  # the header block (metadata lines)
        if "-->" in lines[index]:
            raise VttError(index + 1, "une ligne vide est attendue après l'en-tête « WEBVTT ».")
        index += 1
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        start_index = index
        block = []
        while index < len(lines) and lines[index].strip():
            block.append(lines[index])
            index += 1
        if block[0].startswith(_SKIPPED_BLOCKS) and "-->" not in block[0]:
            continue
        if "-->" not in block[0] and _LOOKS_LIKE_TIME.match(block[0]):
            raise VttError(start_index + 1, f"horodatage invalide « {block[0].strip()} » "
                                            "(attendu hh:mm:ss.ttt --> hh:mm:ss.ttt).")
        timing_at = 0 if "-->" in block[0] else 1
        if timing_at >= len(block) or "-->" not in block[timing_at]:
            raise VttError(start_index + 1 + min(timing_at, len(block) - 1),
                           "horodatage attendu (hh:mm:ss.ttt --> hh:mm:ss.ttt).")
        cues.append(_cue(block[timing_at], start_index + 1 + timing_at, block[timing_at + 1:]))
    return cues


def _cue(timing: str, line: int, text_lines: list[str]) -> Cue:
    left, _arrow, right = timing.partition("-->")
    start_text, end_parts = left.strip(), right.split()
    end_text = end_parts[0] if end_parts else ""
    start, end = parse_time(start_text), parse_time(end_text)
    if start is None or end is None or " " in start_text:
        raise VttError(line, f"horodatage invalide « {timing.strip()} » (attendu hh:mm:ss.ttt --> hh:mm:ss.ttt).")
    if end <= start:
        raise VttError(line, f"la fin ({end_text}) doit être après le début ({start_text}).")
    for offset, text_line in enumerate(text_lines, start=1):
        if "-->" in text_line:
            raise VttError(line + offset, "« --> » est interdit dans le texte d'un sous-titre.")
    return Cue(start=start, end=end, text="\n".join(text_lines), line=line)


def validate(data: bytes) -> list[Cue]:
    return parse(decode(data))


def plain_text(cues: list[Cue]) -> str:
    """The words of the cues, tags removed, one paragraph per cue (a transcript draft)."""
    paragraphs = []
    for cue in cues:
        words = " ".join(_TAG.sub("", cue.text).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").split())
        if words and (not paragraphs or paragraphs[-1] != words):
            paragraphs.append(words)
    return "\n\n".join(paragraphs)
