"""Templates' translations, looked up once per request instead of once per string, and the duration filter.

Flask-Babel's template callables call ``get_translations()`` for every ``_()`` of a template: a walk through
the app context, the domain, the locale selector's result and ``str(locale)`` each time, some 160 times on
a course page. The catalogue is fetched once per request and locale and kept on ``g`` (a block under
``flask_babel.force_locale`` gets its own).
"""
from __future__ import annotations

from flask import Flask, g
from flask_babel import get_locale, get_translations

from lms.core.durations import format_duration

_KEY = "_lms_translations"


def request_translations():
    locale = get_locale()
    cached_locale, translations = g.get(_KEY, (None, None))
    if translations is None or cached_locale is not locale:
        translations = get_translations()
        setattr(g, _KEY, (locale, translations))
    return translations


def install_template_translations(app: Flask) -> None:
    """Replace Flask-Babel's template callables (same signatures, same ``newstyle`` behaviour); add the filter
    ``duration`` (``{{ video.duration_s|duration }}``, ``{{ n|duration('min') }}``: lms.core.durations)."""
    app.jinja_env.filters["duration"] = format_duration
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )
