"""Authoring forms (courses, items, quizzes). Values are checked by the services, whose field errors
(paths such as "remote_activities[0].minutes" or "question.choices[1].text") are placed next to the fields
by ``place_errors``; numbers are read by ``as_int`` so a wrong value gets the service's message."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FieldList, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import NumberInput

from lms.authoring.models import GRADED, MULTIPLE, POST_TEST, PRE_TEST, QUIZ, SINGLE, TEXT, TRUE_FALSE, VIDEO
from lms.core.forms import Form, Subform

BLANK_ACTIVITY_ROWS = 2
BLANK_CHOICE_ROWS = 2
MIN_CHOICE_ROWS = 4

ITEM_KIND_CHOICES = [SelectChoice(TEXT, _l("Texte")), SelectChoice(QUIZ, _l("Quiz")), SelectChoice(VIDEO, _l("Vidéo"))]
ITEM_KIND_NAMES = {TEXT: _l("Texte"), QUIZ: _l("Quiz"), VIDEO: _l("Vidéo")}
ROLE_CHOICES = [SelectChoice(GRADED, _l("Évaluation notée")), SelectChoice(PRE_TEST, _l("Test de positionnement (avant)")),
                SelectChoice(POST_TEST, _l("Test final (après)"))]
QUESTION_KIND_CHOICES = [SelectChoice(SINGLE, _l("Une seule bonne réponse")),
                         SelectChoice(MULTIPLE, _l("Plusieurs bonnes réponses possibles")),
                         SelectChoice(TRUE_FALSE, _l("Vrai ou faux"))]


def as_int(value):
    """"" -> None, "42" -> 42; anything else is passed on as it is, for the service to refuse."""
    value = (value or "").strip()
    if value == "":
        return None
    return int(value) if re.fullmatch(r"-?\d{1,9}", value) else value


def lines(value) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def number_labels(entries, **labels) -> None:
    """Number the labels of a list's rows from 1, as learners count ("Texte de la réponse 2"), so that each
    field is told apart by ear: ``labels`` maps a row's field name to its label with ``%(n)d``."""
    for n, entry in enumerate(entries, start=1):
        for name, label in labels.items():
            getattr(entry.form, name).label.text = label % {"n": n}


def _number(label, **kwargs):
    return StringField(label, widget=NumberInput(min=0), render_kw={"inputmode": "numeric"}, **kwargs)


# -- courses ---------------------------------------------------------------------

class NewCourseForm(Form):
    title = StringField(_l("Titre du nouveau parcours"))


class ActivityForm(Subform):
    title = StringField(_l("Activité à distance"))
    minutes = _number(_l("Durée estimée (minutes)"))


class CourseForm(Form):
    title = StringField(_l("Titre"))
    summary = TextAreaField(_l("Résumé"), description=_l("Quelques phrases affichées dans le catalogue."))
    objectives = TextAreaField(_l("Objectifs opérationnels"), description=_l("Un objectif par ligne."))
    duration_minutes = _number(_l("Durée déclarée (minutes)"), description=_l("Durée totale annoncée aux apprenants."))
    prerequisites = TextAreaField(_l("Prérequis"), description=_l(
        "Laissez vide s'il n'y en a pas : la fiche du parcours indiquera « Aucun prérequis »."))
    remote_activities = FieldList(FormField(ActivityForm), label=_l("Activités à distance"))
    support_contact = StringField(_l("Contact de l'accompagnement"),
                                  description=_l("Adresse électronique ou téléphone."))
    support_response_time = StringField(_l("Délai de réponse"), description=_l("Par exemple : sous 48 heures ouvrées."))
    support_technical = TextAreaField(_l("Assistance technique"))
    support_pedagogical = TextAreaField(_l("Accompagnement pédagogique"))
    assessment = TextAreaField(_l("Modalités d'évaluation"))
    audience_note = TextAreaField(_l("Public visé"))

    @classmethod
    def for_course(cls, course) -> CourseForm:
        support = course.support or {}
        activities = [{"title": a.get("title", ""), "minutes": str(a.get("minutes") or "")}
                      for a in course.remote_activities or []]
        form = cls(data={
            "title": course.title, "summary": course.summary, "objectives": "\n".join(course.objectives or []),
            "duration_minutes": "" if course.duration_minutes is None else str(course.duration_minutes),
            "prerequisites": course.prerequisites or "", "assessment": course.assessment,
            "audience_note": course.audience_note,
            **{f"support_{key}": support.get(key, "") for key in ("contact", "response_time", "technical", "pedagogical")},
            "remote_activities": activities + [{}] * BLANK_ACTIVITY_ROWS,
        })
        form.number_rows()
        return form

    def number_rows(self) -> None:
        number_labels(self.remote_activities.entries, title=_l("Activité à distance %(n)d"),
                      minutes=_l("Durée estimée de l'activité %(n)d (minutes)"))

    def values(self) -> dict:
        """Keyword arguments of services.update_course; blank activity rows are left out."""
        activities = [{"title": row.title.data, "minutes": as_int(row.minutes.data)}
                      for row in (entry.form for entry in self.remote_activities.entries)
                      if (row.title.data or "").strip() or (row.minutes.data or "").strip()]
        return {
            "title": self.title.data, "summary": self.summary.data, "objectives": lines(self.objectives.data),
            "duration_minutes": as_int(self.duration_minutes.data), "prerequisites": self.prerequisites.data,
            "remote_activities": activities, "assessment": self.assessment.data,
            "audience_note": self.audience_note.data,
            "support": {key: getattr(self, f"support_{key}").data or ""
                        for key in ("contact", "response_time", "technical", "pedagogical")},
        }

    def activity_index(self) -> list[int]:
        """Row of the form for each activity sent to the service (blank rows are skipped)."""
        return [n for n, entry in enumerate(self.remote_activities.entries)
                if (entry.form.title.data or "").strip() or (entry.form.minutes.data or "").strip()]


class ModuleForm(Form):
    title = StringField(_l("Titre du module"))


class NewItemForm(Form):
    kind = SelectField(_l("Type d'élément"), choices=ITEM_KIND_CHOICES, default=TEXT)
    title = StringField(_l("Titre de l'élément"))
    video_id = SelectField(_l("Vidéo (pour un élément vidéo)"), choices=[], validate_choice=False)


class ItemForm(Form):
    title = StringField(_l("Titre"))
    required = BooleanField(_l("Élément obligatoire pour terminer le parcours"))
    estimated_minutes = _number(_l("Durée estimée (minutes, facultatif)"))
    body_markdown = TextAreaField(_l("Texte"), description=_l("Au format Markdown : **gras**, listes avec « - », "
                                                             "titres avec « ## »."))
    video_id = SelectField(_l("Vidéo"), choices=[], validate_choice=False)


def video_choices(videos) -> list[SelectChoice]:
    ready = {"ready": _l("prête"), "processing": _l("en cours de traitement"), "failed": _l("échec du traitement")}
    return [SelectChoice("", _l("— Aucune vidéo —"))] + [
        SelectChoice(str(video.id), f"{video.title} ({ready.get(video.status, video.status)})") for video in videos]


# -- quizzes -----------------------------------------------------------------------

class QuizSettingsForm(Form):
    role = SelectField(_l("Rôle du quiz"), choices=ROLE_CHOICES, validate_choice=False,
                       description=_l("Les tests avant et après mesurent les acquis sur les objectifs."))
    pass_mark = _number(_l("Note de réussite (sur 100)"))
    max_attempts = _number(_l("Nombre maximal de tentatives"), description=_l("Laissez vide : sans limite."))


class ChoiceForm(Subform):
    choice_id = HiddenField()
    text = StringField(_l("Texte de la réponse"))
    correct = BooleanField(_l("Bonne réponse"))
    feedback = StringField(_l("Retour affiché pour cette réponse (facultatif)"))

    def is_blank(self) -> bool:
        return not (self.choice_id.data or (self.text.data or "").strip() or (self.feedback.data or "").strip()
                    or self.correct.data)


class QuestionForm(Form):
    kind = SelectField(_l("Type de question"), choices=QUESTION_KIND_CHOICES, validate_choice=False)
    prompt = TextAreaField(_l("Énoncé"))
    explanation = TextAreaField(_l("Explication (facultatif)"),
                                description=_l("Montrée après la réponse : l'idée reçue et la réalité."))
    choices = FieldList(FormField(ChoiceForm))

    @classmethod
    def for_question(cls, question=None, rows: list[dict] | None = None, **data) -> QuestionForm:
        if rows is None:
            rows = [{"choice_id": str(c.id), "text": c.text, "correct": c.correct, "feedback": c.feedback}
                    for c in (question.choices if question else [])]
            rows += [{}] * max(BLANK_CHOICE_ROWS, MIN_CHOICE_ROWS - len(rows))
        if question is not None and not data:
            data = {"kind": question.kind, "prompt": question.prompt, "explanation": question.explanation}
        form = cls(formdata=None, data={**data, "choices": rows})
        form.number_rows()
        return form

    def number_rows(self) -> None:
        number_labels(self.choices.entries, text=_l("Texte de la réponse %(n)d"),
                      correct=_l("La réponse %(n)d est une bonne réponse"),
                      feedback=_l("Retour affiché pour la réponse %(n)d (facultatif)"))

    def rows(self) -> list[dict]:
        return [{"choice_id": e.form.choice_id.data or "", "text": e.form.text.data or "",
                 "correct": bool(e.form.correct.data), "feedback": e.form.feedback.data or ""}
                for e in self.choices.entries]

    def values(self) -> tuple[dict, list[int]]:
        """The question for the service (blank rows left out) and, for each choice sent, its row in the form."""
        index = [n for n, entry in enumerate(self.choices.entries) if not entry.form.is_blank()]
        choices = []
        for n in index:
            row = self.choices.entries[n].form
            choices.append({"id": as_int(row.choice_id.data), "text": row.text.data, "correct": bool(row.correct.data),
                            "feedback": row.feedback.data})
        return {"kind": self.kind.data, "prompt": self.prompt.data, "explanation": self.explanation.data,
                "choices": choices}, index


# -- service errors next to their fields --------------------------------------------

_STEP = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def _children(node) -> dict:
    return getattr(node, "_fields", None) or getattr(getattr(node, "form", None), "_fields", None) or {}


def field_at(form, path: str):
    """The field a service error path names ("support.contact" is the field support_contact), or None."""
    node, parts, i = form, path.split("."), 0
    while i < len(parts):
        match = _STEP.fullmatch(parts[i])
        if match is None:
            return None
        name, index = match.groups()
        children = _children(node)
        child = children.get(name)
        if child is None and index is None and i + 1 < len(parts) and f"{name}_{parts[i + 1]}" in children:
            child, i = children[f"{name}_{parts[i + 1]}"], i + 1
        if child is None:
            return None
        if index is not None:
            entries = getattr(child, "entries", None)
            if entries is None or int(index) >= len(entries):
                return None
            child = entries[int(index)]
        node, i = child, i + 1
    return None if node is form or hasattr(node, "entries") else node


def place_errors(form, fields: dict, *, prefix: str = "", rows: dict[str, list[int]] | None = None) -> dict:
    """Put each error next to its field; returns {path: message} of those that name no single field
    (e.g. "question.choices", shown by the fieldset). ``rows`` maps a list's items back to form rows
    when blank rows were left out: {"choices": [0, 2, 3]}."""
    left = {}
    for path, message in fields.items():
        local = path.removeprefix(prefix)
        for name, index in (rows or {}).items():
            local = re.sub(rf"^{name}\[(\d+)\]",
                           lambda m, index=index, name=name: f"{name}[{index[int(m.group(1))]}]"
                           if int(m.group(1)) < len(index) else m.group(0), local)
        field = field_at(form, local)
        if field is None:
            left[local] = message
        else:
            field.errors = [*field.errors, message]
    return left
