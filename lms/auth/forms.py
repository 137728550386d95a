"""Account forms. Labels and hints in French through Flask-Babel's lazy gettext."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from lms.core.forms import Form

AUDIENCE_CHOICES = [
    SelectChoice("", _l("Je préfère ne pas répondre")),
    SelectChoice("professional", _l("Professionnel·le de santé, du social ou du médico-social")),
    SelectChoice("elected_official", _l("Élu·e")),
    SelectChoice("mdph_agent", _l("Agent de la MDPH")),
    SelectChoice("user_or_carer", _l("Personne concernée ou proche")),
    SelectChoice("other", _l("Autre")),
]
ROLE_CHOICES = [SelectChoice("learner", _l("Apprenant·e")), SelectChoice("trainer", _l("Formateur·rice")),
                SelectChoice("coordinator", _l("Coordination"))]
LOCALE_CHOICES = [SelectChoice("fr", "Français"), SelectChoice("en", "English")]
CONSENT_HINT = _l(
    "Cette réponse révèle une information de santé. Elle est facultative ; elle ne sert qu'à des "
    "statistiques anonymes et vous pouvez la retirer à tout moment depuis votre compte."
)


class LoginForm(Form):
    email = EmailField(_l("Adresse électronique"), validators=[DataRequired(_l("Indiquez votre adresse électronique."))],
                       render_kw={"autocomplete": "email"})
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(_l("Indiquez votre mot de passe."))],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Rester connecté·e sur cet appareil"))


class _AudienceMixin:
    audience = SelectField(_l("Vous êtes (facultatif)"), choices=AUDIENCE_CHOICES, default="", validate_choice=True)
    audience_consent = BooleanField(
        _l("J'accepte que cette information, qui révèle une donnée de santé, soit enregistrée"),
        description=CONSENT_HINT,
    )


class RegisterForm(_AudienceMixin, Form):
    full_name = StringField(_l("Nom complet"), validators=[DataRequired(_l("Indiquez votre nom.")), Length(max=200)],
                            render_kw={"autocomplete": "name"})
    email = EmailField(_l("Adresse électronique"), validators=[DataRequired(_l("Indiquez votre adresse électronique.")),
                                                              Email(_l("Adresse électronique invalide."))],
                       render_kw={"autocomplete": "email"})
    organisation = StringField(_l("Structure (facultatif)"), validators=[Optional(), Length(max=200)],
                               description=_l("Par exemple : CCAS de Metz, MDPH de la Moselle."),
                               render_kw={"autocomplete": "organization"})
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(_l("Choisissez un mot de passe.")), Length(min=10, max=256, message=_l("Entre 10 et 256 caractères."))],
                             description=_l("10 caractères au moins."), render_kw={"autocomplete": "new-password"})
    password_confirm = PasswordField(_l("Confirmez le mot de passe"),
                                     validators=[EqualTo("password", _l("Les deux mots de passe diffèrent."))],
                                     render_kw={"autocomplete": "new-password"})


class ForgotPasswordForm(Form):
    email = EmailField(_l("Adresse électronique"), validators=[DataRequired(_l("Indiquez votre adresse électronique."))],
                       render_kw={"autocomplete": "email"})


class SetPasswordForm(Form):
    password = PasswordField(_l("Nouveau mot de passe"), validators=[DataRequired(_l("Choisissez un mot de passe.")), Length(min=10, max=256, message=_l("Entre 10 et 256 caractères."))],
                             description=_l("10 caractères au moins."), render_kw={"autocomplete": "new-password"})
    password_confirm = PasswordField(_l("Confirmez le mot de passe"),
                                     validators=[EqualTo("password", _l("Les deux mots de passe diffèrent."))],
                                     render_kw={"autocomplete": "new-password"})


class AccountForm(_AudienceMixin, Form):
    full_name = StringField(_l("Nom complet"), validators=[DataRequired(_l("Indiquez votre nom.")), Length(max=200)],
                            render_kw={"autocomplete": "name"})
    organisation = StringField(_l("Structure (facultatif)"), validators=[Optional(), Length(max=200)],
                               render_kw={"autocomplete": "organization"})
    email_reminders = BooleanField(_l("Recevoir les rappels et les questionnaires de satisfaction par courriel"),
                                   description=_l("Les messages de service (invitations, changements, attestations) sont toujours envoyés."))
    locale = SelectField(_l("Langue de l'interface"), choices=LOCALE_CHOICES)


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Mot de passe actuel"), validators=[DataRequired(_l("Indiquez votre mot de passe actuel."))],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("Nouveau mot de passe"), validators=[DataRequired(_l("Choisissez un mot de passe.")), Length(min=10, max=256, message=_l("Entre 10 et 256 caractères."))],
                                 description=_l("10 caractères au moins."), render_kw={"autocomplete": "new-password"})


class EraseAccountForm(Form):
    confirm = BooleanField(_l("Je comprends que mes données personnelles seront effacées définitivement"),
                           validators=[DataRequired(_l("Cochez la case pour confirmer."))])
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(_l("Indiquez votre mot de passe."))],
                             render_kw={"autocomplete": "current-password"})


class UserCreateForm(Form):
    full_name = StringField(_l("Nom complet"), validators=[DataRequired(_l("Indiquez le nom.")), Length(max=200)])
    email = EmailField(_l("Adresse électronique"), validators=[DataRequired(_l("Indiquez l'adresse électronique.")),
                                                              Email(_l("Adresse électronique invalide."))])
    role = SelectField(_l("Rôle"), choices=ROLE_CHOICES, default="learner")
    audience = SelectField(_l("Public (facultatif)"), default="",
                           choices=[c for c in AUDIENCE_CHOICES if c.value != "user_or_carer"])
    organisation = StringField(_l("Structure (facultatif)"), validators=[Optional(), Length(max=200)])


class RoleForm(Form):
    role = SelectField(_l("Rôle"), choices=ROLE_CHOICES)


class ImportUsersForm(Form):
    file = FileField(_l("Fichier CSV"), validators=[FileRequired(_l("Choisissez un fichier CSV."))],
                     description=_l("Première ligne : email,full_name,audience,organisation. Séparateur virgule ou point-virgule, encodage UTF-8."),
                     render_kw={"accept": ".csv,text/csv"})
    # The audiences a file may give, with their French labels (the page lists both; only the person declares user_or_carer)
    audiences = [choice for choice in AUDIENCE_CHOICES if choice.value and choice.value != "user_or_carer"]

