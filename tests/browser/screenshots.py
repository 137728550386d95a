"""Screenshots of the browser tests' pages for the README: ``LMS_SCREENSHOTS=docs/screenshots pytest tests/browser``
(or ``make screenshots``) writes ``<name>.png`` there; without the variable, ``shoot`` does nothing."""
from __future__ import annotations

import os
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


def folder() -> Path | None:
    target = os.environ.get("LMS_SCREENSHOTS")
    return (ROOT / target) if target else None


def shoot(page, name: str, *, full_page: bool = False) -> None:
    """The page as it is now, as ``<name>.png`` (the visible window unless ``full_page``)."""
    target = folder()
    if target is None:
        return
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled", caret="hide")
    with Image.open(path) as image:  # a 256-colour palette: a third of the size, the same to the eye
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)
