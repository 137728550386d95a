"""The coordinators' revocation form."""
from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from lms.certificates.services import REASON_MAX
from lms.core.forms import Form


class RevokeForm(Form):
    reason = TextAreaField(
        _l("Motif de la révocation"),
        validators=[DataRequired(_l("Indiquez le motif de la révocation.")), Length(max=REASON_MAX)],
        description=_l("Le motif est affiché publiquement sur la page de vérification : n'y mettez aucune "
                       "donnée personnelle ni information de santé."),
        render_kw={"rows": 3, "maxlength": REASON_MAX},
    )
