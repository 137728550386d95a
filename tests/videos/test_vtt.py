"""WebVTT validation: errors name the line; valid documents round-trip."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.videos.services import vtt


def error_of(text: str) -> vtt.VttError:
    with pytest.raises(vtt.VttError) as caught:
        vtt.parse(text)
    return caught.value


def test_a_valid_file_gives_its_cues_and_their_text():
    cues = vtt.parse("WEBVTT - sous-titres\n\nNOTE relu\n\n1\n00:00.000 --> 00:01.500 align:start\n<v Anne>Bonjour</v>\n\n"
                     "01:00:00.000 --> 01:00:02.000\nLigne un\nligne deux\n")
    assert [(c.start, c.end, c.line) for c in cues] == [(0, 1.5, 6), (3600, 3602, 9)]
    assert vtt.plain_text(cues) == "Bonjour\n\nLigne un ligne deux"


@pytest.mark.parametrize("text, line, words", [
    ("Bonjour\n\n00:00.000 --> 00:01.000\nx\n", 1, "WEBVTT"),
    ("WEBVTT\n\n00:00.000 --> 00:01.000\nx\n\n00:02.000 -> 00:03.000\ny\n", 6, "horodatage"),
    ("WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nx\n", 3, "après le début"),
    ("WEBVTT\n\n00:00.000 --> 00:00.000\nx\n", 3, "après le début"),
    ("WEBVTT\n\n0:00.000 --> 00:01.000\nx\n", 3, "horodatage invalide"),
    ("WEBVTT\n\n00:61.000 --> 01:01.000\nx\n", 3, "horodatage invalide"),
    ("WEBVTT\n\n00:01.000 --> 00:02.000\nbonjour\n\nidentifiant\ntexte sans horodatage\n", 7, "horodatage attendu"),
    ("WEBVTT\n00:01.000 --> 00:02.000\nx\n", 2, "ligne vide"),
])
def test_errors_name_the_line(text, line, words):
    error = error_of(text)
    assert error.line == line and words in error.message and error.message.startswith(f"Ligne {line} :")


def test_not_utf8_is_refused_with_its_line():
    with pytest.raises(vtt.VttError) as caught:
        vtt.validate("WEBVTT\n\n00:00.000 --> 00:01.000\nsanté\n".encode("latin-1"))
    assert caught.value.line == 4 and "UTF-8" in caught.value.message


def test_a_byte_order_mark_and_crlf_are_accepted():
    assert len(vtt.validate("\ufeffWEBVTT\r\n\r\n00:00.000 --> 00:01.000\r\nx\r\n".encode())) == 1


cue_text = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30).filter(
    lambda t: t.strip() and "-->" not in t)


@given(st.lists(st.tuples(st.integers(0, 10**8), st.integers(1, 10**6), cue_text), max_size=8))
def test_written_cues_read_back(spec):
    body = "WEBVTT\n"
    for start_ms, length_ms, text in spec:
        body += f"\n{vtt.format_time(start_ms / 1000)} --> {vtt.format_time((start_ms + length_ms) / 1000)}\n{text.strip()}\n"
    cues = vtt.parse(body)
    assert [(round(c.start * 1000), round(c.end * 1000), c.text) for c in cues] == [
        (s, s + n, t.strip()) for s, n, t in spec]


@given(st.binary(max_size=300))
def test_any_bytes_give_cues_or_a_located_error(data):
    try:
        vtt.validate(b"WEBVTT\n\n" + data)
    except vtt.VttError as error:
        assert error.line >= 1 and error.message.startswith("Ligne ")
