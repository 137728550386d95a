"""French plural forms: French is the source language, so it has no catalogue of translations, and gettext's
fallback takes 0 as plural (« 0 comptes créés »). French says « 0 compte créé »: a catalogue holding only the
plural messages, each as itself, with French's rule (n > 1), puts that right.

``make french-plurals`` writes it after new ``ngettext`` strings; tests/test_translations.py checks it is whole.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
FRENCH = ROOT / "lms/translations/fr/LC_MESSAGES/messages.po"


def plural_messages(workdir: Path) -> list[tuple[str, str]]:
    """Every (singular, plural) pair of the code and templates, sorted."""
    pot = workdir / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "."],
                   cwd=ROOT, check=True)
    return sorted({tuple(m.id[:2]) for m in read_po(pot.open("rb")) if isinstance(m.id, tuple)})


def french_catalogue(pairs: list[tuple[str, str]]) -> Catalog:
    catalog = Catalog(locale="fr", project="lms", fuzzy=False)
    for singular, plural in pairs:  # CLDR's French: one (0 and 1), many (millions), other
        catalog.add((singular, plural), (singular,) + (plural,) * (catalog.num_plurals - 1))
    return catalog


def stored_pairs() -> set[tuple[str, str]]:
    return {tuple(m.id[:2]) for m in read_po(FRENCH.open("rb"))
            if isinstance(m.id, tuple) and m.string and m.string[0] == m.id[0] and set(m.string[1:]) == {m.id[1]}}


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        catalogue = french_catalogue(plural_messages(Path(tmp)))
    FRENCH.parent.mkdir(parents=True, exist_ok=True)
    with FRENCH.open("wb") as out:
        write_po(out, catalogue, omit_header=False, width=120, no_location=True)
    print(f"{FRENCH.relative_to(ROOT)}: {len(catalogue)} plural messages")
