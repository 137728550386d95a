"""Templates fetch the request's catalogue once (lms.core.i18n), and still follow a change of locale."""
from flask import render_template_string
from flask_babel import force_locale

TEMPLATE = "{{ _('Se connecter') }} · {{ ngettext('%(num)d personne', '%(num)d personnes', 2) }}"


def test_a_block_under_force_locale_gets_its_own_catalogue(app):
    with app.test_request_context("/"):
        first = render_template_string(TEMPLATE)
        with force_locale("en"):
            english = render_template_string(TEMPLATE)
        again = render_template_string(TEMPLATE)
    assert (first, english, again) == ("Se connecter · 2 personnes", "Sign in · 2 people", "Se connecter · 2 personnes")
