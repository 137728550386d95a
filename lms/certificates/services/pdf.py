"""The certificate as a PDF (fpdf2, A4 portrait, French), with its QR code (segno) to the verification page.

The shipped DejaVu Sans (lms/core/fonts) prints French accents on any machine. Loading
the whole font costs about 0.3 s per document (fontTools parses ~6,000 glyphs), so each
process makes once a subset covering Latin scripts and typography (written under
``<cache_dir>``) and documents use it; a document with a character outside the subset (a
name in another script) falls back to the whole font, slower but complete.

The PDF is not tagged: its HTML equivalent is the page ``/attestations/<code>``
(shared/STANDARDS.md: "PDFs offered to users are tagged or have an HTML equivalent").
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import segno
from fpdf import FPDF

from lms.certificates.services.document import TITLE, Document

FONTS = Path(__file__).resolve().parents[2] / "core" / "fonts"
FULL_FONTS = {"": FONTS / "DejaVuSans.ttf", "B": FONTS / "DejaVuSans-Bold.ttf"}
# Basic Latin, Latin-1 and Latin Extended-A (French, and the names of most European languages),
# general punctuation (’ « » – — … • ‰), euro and trade mark signs. The fewer glyphs, the faster.
SUBSET_RANGES = ((0x20, 0x7E), (0xA0, 0x17F), (0x2000, 0x206F), (0x20AC, 0x20AC), (0x2122, 0x2122))
SUBSET_CODEPOINTS = frozenset(cp for start, end in SUBSET_RANGES for cp in range(start, end + 1))
_lock = threading.Lock()

INK = (33, 37, 41)
MUTED = (80, 86, 92)
ACCENT = (0, 84, 147)
FAMILY = "DejaVu"


@lru_cache(maxsize=8)
def _subset_fonts(cache_dir: str) -> dict[str, Path]:
    """Subsets of the DejaVu fonts, made once per process (and reused from ``cache_dir`` across processes)."""
    from fontTools import subset

    folder = Path(cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    with _lock:
        for style, source in FULL_FONTS.items():
            digest = hashlib.sha256(f"{source.stat().st_size}:{source.stat().st_mtime_ns}:{SUBSET_RANGES}".encode())
            target = folder / f"{source.stem}-latin-{digest.hexdigest()[:12]}.ttf"
            if not target.exists():
                options = subset.Options()
                options.hinting = False
                options.layout_features = []
                options.name_IDs = ["*"]
                options.notdef_outline = True
                options.drop_tables += ["FFTM"]  # FontForge's timestamps, which fontTools cannot subset
                font = subset.load_font(str(source), options)
                subsetter = subset.Subsetter(options)
                subsetter.populate(unicodes=sorted(SUBSET_CODEPOINTS))
                subsetter.subset(font)
                fd, tmp = tempfile.mkstemp(dir=folder, suffix=".ttf")
                os.close(fd)
                subset.save_font(font, tmp, options)
                os.replace(tmp, target)  # another process may do the same: the last rename wins, same bytes
            paths[style] = target
    return paths


def fonts_for(text: str, cache_dir: str | None) -> dict[str, Path]:
    if cache_dir and all(ord(ch) in SUBSET_CODEPOINTS for ch in text if ch not in "\n\t"):
        return _subset_fonts(cache_dir)
    return FULL_FONTS


# Font sizes shrink by these steps until the certificate fits on its one A4 page (long names, titles or
# objectives); past the last step, the objectives beyond what fits are counted instead of printed (the
# HTML version lists them all).
SCALES = (1.0, 0.92, 0.84, 0.76, 0.68, 0.6)
ITEM_CHARS = 300  # at the last step, an objective longer than this is cut with an ellipsis


def render_pdf(document: Document, *, cache_dir: str | None = None) -> bytes:
    """The certificate's PDF bytes, always one A4 page. ``cache_dir``: where the font subsets live (None: the whole font)."""
    fonts = fonts_for(document.all_text, cache_dir)
    for scale in SCALES:
        pdf = _layout(document, fonts, scale)
        if pdf is not None:
            return bytes(pdf.output())
    objectives = next((row.items for row in document.rows if row.items), ())
    cut = tuple(entry if len(entry) <= ITEM_CHARS else entry[:ITEM_CHARS - 1].rstrip() + "…" for entry in objectives)
    low, high, best = 0, len(cut), None  # the most objectives that fit (0 always does), by halving
    while low <= high:
        keep = (low + high) // 2
        pdf = _layout(_with_objectives(document, cut, keep), fonts, SCALES[-1])
        if pdf is not None:
            best, low = pdf, keep + 1
        else:
            high = keep - 1
    return bytes(best.output())


def _with_objectives(document: Document, objectives: tuple[str, ...], keep: int) -> Document:
    items = objectives[:keep]
    if keep < len(objectives):
        more = len(objectives) - keep
        items += (f"… et {more} autre{'s' if more > 1 else ''} objectif{'s' if more > 1 else ''} "
                  "(liste complète dans la version en ligne)",)
    rows = tuple(replace(row, items=items) if row.items else row for row in document.rows)
    return replace(document, rows=rows)


def _layout(document: Document, fonts: dict[str, Path], scale: float) -> FPDF | None:
    """The certificate laid out with font sizes times ``scale``, or None when it does not fit on one page."""
    def size(points: float) -> float:
        return points * scale

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_compression(True)
    for style, path in fonts.items():
        pdf.add_font(FAMILY, style, str(path))
    pdf.set_title(f"{TITLE} — {document.holder_name} — {document.course_title}")
    pdf.set_author(document.issuer)
    pdf.set_subject(f"{TITLE} n° {document.code}")
    pdf.set_creator("lms — CLSM de Metz")
    pdf.set_lang("fr-FR")
    pdf.set_display_mode("fullpage")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(False)  # one page: what overflows is measured below and laid out again smaller
    pdf.add_page()
    width = pdf.epw

    # Issuer and title
    pdf.set_text_color(*MUTED)
    pdf.set_font(FAMILY, "", size(9.5))
    write(pdf, width, size(5), document.issuer, align="C")
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y() + 2, pdf.l_margin + width, pdf.get_y() + 2)
    pdf.ln(size(8))
    pdf.set_text_color(*ACCENT)
    pdf.set_font(FAMILY, "B", size(22))
    write(pdf, width, size(11), TITLE, align="C")
    if document.revoked:
        pdf.set_text_color(170, 20, 20)
        pdf.set_font(FAMILY, "B", size(12))
        write(pdf, width, size(7), "ATTESTATION RÉVOQUÉE", align="C")
    pdf.ln(size(6))

    # Who and what
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "", size(11))
    write(pdf, width, size(6), f"{document.issuer} atteste que", align="C")
    pdf.ln(size(2))
    pdf.set_font(FAMILY, "B", size(18))
    write(pdf, width, size(9), document.holder_name, align="C")
    if document.organisation:
        pdf.set_font(FAMILY, "", size(11))
        pdf.set_text_color(*MUTED)
        write(pdf, width, size(6), document.organisation, align="C")
        pdf.set_text_color(*INK)
    pdf.ln(size(2))
    pdf.set_font(FAMILY, "", size(11))
    write(pdf, width, size(6), "a suivi jusqu'à son terme la formation", align="C")
    pdf.ln(size(1))
    pdf.set_font(FAMILY, "B", size(14))
    write(pdf, width, size(7.5), document.course_title, align="C")
    pdf.ln(size(7))

    # The facts, label and value
    label_w = 66
    for row in document.rows:
        top = pdf.get_y()
        pdf.set_font(FAMILY, "B", size(10))
        pdf.set_text_color(*MUTED)
        write(pdf, label_w, size(5.5), row.label)
        label_bottom = pdf.get_y()
        pdf.set_xy(pdf.l_margin + label_w + 2, top)
        pdf.set_font(FAMILY, "", size(10))
        pdf.set_text_color(*INK)
        value_w = width - label_w - 2
        if row.items:
            for entry in row.items:
                pdf.set_x(pdf.l_margin + label_w + 2)
                write(pdf, value_w, size(5.5), f"• {entry}")
        else:
            pdf.set_x(pdf.l_margin + label_w + 2)
            write(pdf, value_w, size(5.5), row.value)
        pdf.set_y(max(pdf.get_y(), label_bottom) + size(2.5))

    # Issue date and signature
    pdf.ln(size(3))
    pdf.set_font(FAMILY, "", size(10.5))
    write(pdf, width, size(6), f"Attestation délivrée le {document.issued_on}.")
    pdf.ln(size(3))
    pdf.set_font(FAMILY, "", size(10))
    pdf.set_text_color(*MUTED)
    write(pdf, width, size(5.5), "Pour l'organisme de formation, signé électroniquement :")
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "B", size(11))
    write(pdf, width, size(6), document.signatory)
    pdf.set_font(FAMILY, "", size(10))
    write(pdf, width, size(5.5), document.signatory_title)

    # Verification: QR code, number and address, kept together at the foot of the page
    qr_size = 30
    block_h = qr_size + 4
    bottom = pdf.h - pdf.b_margin
    if pdf.get_y() + 6 + block_h > bottom:
        return None
    top = bottom - block_h
    pdf.set_draw_color(200, 205, 210)
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin, top, pdf.l_margin + width, top)
    draw_qr(pdf, document.verify_url, pdf.l_margin, top + 3, qr_size)
    text_x = pdf.l_margin + qr_size + 6
    text_w = width - qr_size - 6
    pdf.set_xy(text_x, top + 5)
    pdf.set_font(FAMILY, "", 9.5)
    pdf.set_text_color(*MUTED)
    write(pdf, text_w, 5, "Numéro unique de l'attestation :")
    pdf.set_x(text_x)
    pdf.set_font(FAMILY, "B", 12)
    pdf.set_text_color(*INK)
    pdf.cell(text_w, 7, document.code, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(text_x)
    pdf.set_font(FAMILY, "", 9.5)
    pdf.set_text_color(*MUTED)
    write(pdf, text_w, 5, "Vérifiez son authenticité en ligne (ou avec le code QR) :")
    pdf.set_x(text_x)
    pdf.set_text_color(*ACCENT)
    write(pdf, text_w, 5, document.verify_url, link=document.verify_url)
    return pdf if pdf.page == 1 and pdf.get_y() <= pdf.h else None


def write(pdf: FPDF, width: float, height: float, text: str, align: str = "L", **kwargs) -> None:
    """One line with ``cell`` when it fits (fpdf2's line breaking costs far more), else ``multi_cell``."""
    if pdf.get_string_width(text) <= width - 2 * pdf.c_margin:
        pdf.cell(width, height, text, align=align, new_x="LMARGIN", new_y="NEXT", **kwargs)
    else:
        pdf.multi_cell(width, height, text, align=align, new_x="LMARGIN", new_y="NEXT", **kwargs)


def draw_qr(pdf: FPDF, data: str, x: float, y: float, size: float) -> None:
    """The QR code drawn as vector rectangles (one per run of dark modules), with its quiet zone."""
    qr = segno.make(data, error="m")
    matrix = qr.matrix
    count = len(matrix) + 8  # 4 modules of quiet zone on each side
    module = size / count
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, size, size, style="F")
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(matrix):
        col = 0
        while col < len(row):
            if row[col]:
                start = col
                while col < len(row) and row[col]:
                    col += 1
                pdf.rect(x + (start + 4) * module, y + (row_index + 4) * module,
                         (col - start) * module, module, style="F")
            else:
                col += 1
