"""Markdown to safe HTML, for text written by trainers (item bodies, transcripts).

Markdown first (Python-Markdown, which passes raw HTML through), then nh3 keeps only a
short list of harmless tags and attributes: a ``<script>``, an ``onclick`` or a
``javascript:`` link never comes out. No domain rules here; any domain may use it.
"""
from __future__ import annotations

import markdown as _markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "abbr", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"}, "th": {"scope"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
EXTENSIONS = ["sane_lists", "tables"]


def render_markdown(text: str | None, *, shift_headings: int = 0) -> Markup:
    """Safe HTML of ``text``; ``shift_headings`` lowers every heading by that many levels (h2 -> h3 for 1).

    An ``<h1>`` never comes out (the page's own title is the only one): it becomes an ``<h2>``."""
    if not text or not text.strip():
        return Markup("")
    html = _markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
    if shift_headings:
        for level in range(6, 0, -1):
            target = min(level + shift_headings, 6)
            html = html.replace(f"<h{level}>", f"<h{target}>").replace(f"</h{level}>", f"</h{target}>")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                      link_rel="noopener noreferrer")
    return Markup(clean)  # noqa: S704 - sanitized by nh3 just above
