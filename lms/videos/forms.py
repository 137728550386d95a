"""Forms of the trainers' video library. Labels and hints in French through Flask-Babel's lazy gettext.

The files are checked by the services (lms.videos.services): the bytes of a video, the lines of a
WebVTT file. These forms only ask for what must be there.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from lms.core.forms import Form


class VideoUploadForm(Form):
    title = StringField(_l("Titre de la vidéo"),
                        validators=[DataRequired(_l("Indiquez le titre de la vidéo.")), Length(max=200)],
                        description=_l("Le titre que verront les apprenant·es, par exemple : « Témoignage : le rétablissement »."))
    file = FileField(_l("Fichier vidéo"), validators=[FileRequired(_l("Choisissez un fichier vidéo."))],
                     render_kw={"accept": "video/*,.mp4,.mov,.m4v,.webm,.mkv,.avi,.mpg,.mpeg,.ts"})


class CaptionForm(Form):
    lang = StringField(_l("Langue des sous-titres"), default="fr",
                       validators=[DataRequired(_l("Indiquez la langue des sous-titres.")), Length(max=10)],
                       description=_l("Code de langue : « fr » pour le français, « en » pour l'anglais…"),
                       render_kw={"autocomplete": "off", "spellcheck": "false"})
    file = FileField(_l("Fichier de sous-titres WebVTT (.vtt)"),
                     validators=[FileRequired(_l("Choisissez un fichier WebVTT."))],
                     description=_l("Fichier texte encodé en UTF-8, commençant par « WEBVTT ». "
                                    "Un nouveau fichier remplace les sous-titres de la même langue."),
                     render_kw={"accept": ".vtt,text/vtt"})


class TranscriptForm(Form):
    transcript = TextAreaField(_l("Texte de la transcription"),
                               description=_l("Texte affiché à côté du lecteur (Markdown possible). Laissez vide pour "
                                              "reprendre le texte des sous-titres français."),
                               render_kw={"rows": 12})
