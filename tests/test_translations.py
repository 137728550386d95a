"""French is the source language; English must be complete, so nobody meets a half-translated page."""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from tests.conftest import post_form

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "lms/translations/en/LC_MESSAGES/messages.po"


def test_every_string_of_the_code_is_translated_into_english(tmp_path):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "."],
                   cwd=ROOT, check=True)
    in_code = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(pot.open("rb")) if m.id}
    catalogue = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in read_po(PO.open("rb")) if m.id}
    assert in_code - set(catalogue) == set(), "run pybabel extract/update and translate the new strings"
    untranslated = [key for key in in_code if not all(catalogue[key].string if isinstance(catalogue[key].string, tuple)
                                                      else [catalogue[key].string]) or catalogue[key].fuzzy]
    assert untranslated == []


def test_english_pages_are_in_english(client):
    post_form(client, "/langue?next=/accessibilite", {"locale": "en"})
    html = client.get("/accessibilite").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Accessibility: non-compliant" in html and "Sign in" in html
    assert "Connexion" not in html


def test_french_counts_zero_and_one_in_the_singular(tmp_path, app):
    """French has its own plural rule (0 and 1 are singular): its catalogue of plural messages is whole."""
    from flask_babel import force_locale, ngettext

    from tests.i18ntools import plural_messages, stored_pairs

    assert set(plural_messages(tmp_path)) - stored_pairs() == set(), "run make french-plurals"
    with app.test_request_context(), force_locale("fr"):
        assert ngettext("%(num)d attestation", "%(num)d attestations", 0) == "0 attestation"
        assert ngettext("%(num)d attestation", "%(num)d attestations", 1) == "1 attestation"
        assert ngettext("%(num)d attestation", "%(num)d attestations", 2) == "2 attestations"
