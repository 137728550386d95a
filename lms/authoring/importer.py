"""Courses as files (courses/README.md): validate a whole course folder, then create or update it in place.

Validation reads every file first and collects every fault (file, field or line); with any fault
nothing is written. The update matches modules by key within the course, items by key within their
module, questions and choices by position, so kept items keep their ids (learners' progress) and a
second import of unchanged files changes nothing.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import select

from lms.auth.models import User
from lms.authoring import slides as slide_films
from lms.authoring import vtt
from lms.authoring.models import (
    DRAFT,
    FAILED,
    POST_TEST,
    PRE_TEST,
    PROCESSING,
    QUIZ,
    TEXT,
    TRUE_FALSE,
    VIDEO,
    Choice,
    Course,
    Item,
    Module,
    Question,
    Quiz,
    Video,
)
from lms.authoring.permissions import require_create_course, require_edit_course
from lms.authoring.quizzes import validate_quiz
from lms.authoring.videos import process_video, save_caption, write_transcript
from lms.core import storage
from lms.core.errors import Invalid
from lms.extensions import db

KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MODULE_FOLDER = re.compile(r"^\d{2}-.+$")
RAW_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^>]*)?/?>")
COURSE_KEYS = {"slug", "title", "summary", "objectives", "duration_minutes", "prerequisites", "audience_note",
               "remote_activities", "support", "assessment", "modules"}
SUPPORT_KEYS = {"contact", "response_time", "technical", "pedagogical"}
MODULE_KEYS, MODULE_REQUIRED = {"key", "title", "summary", "items"}, {"key", "title", "items"}
ITEM_KEYS = {"key", "kind", "title", "required", "estimated_minutes", "content_note", "body", "quiz", "video"}
VIDEO_KEYS, VIDEO_REQUIRED = {"title", "speakers", "slides", "file", "captions", "transcript"}, {
    "title", "speakers", "captions", "transcript"}
QUIZ_KEYS, QUESTION_KEYS, CHOICE_KEYS = ({"role", "pass_mark", "max_attempts", "questions"},
                                         {"kind", "prompt", "explanation", "choices"}, {"text", "correct", "feedback"})
KIND_FIELD = {TEXT: "body", QUIZ: "quiz", VIDEO: "video"}


class CourseFilesInvalid(Exception):
    """The folder breaks the format; ``errors`` lists every fault as "file: field: message"."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportReport:
    course: Course | None = None
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    rendered: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()) or sum(self.deleted.values()))

    def count(self, kind: str, *, created: bool, changed: bool) -> None:
        (self.created if created else self.updated if changed else self.unchanged)[kind] += 1

    def summary(self) -> str:
        parts = []
        for kind in ("course", "module", "item", "video"):
            counts = [f"{name} {getattr(self, name)[kind]}" for name in ("created", "updated", "unchanged", "deleted")
                      if getattr(self, name)[kind]]
            if counts:
                parts.append(f"{kind}s: " + ", ".join(counts))
        return "; ".join(parts) + (f"; films rendered: {self.rendered}" if self.rendered else "")


# -- reading and validation ------------------------------------------------------

class _Reader:
    def __init__(self, folder: Path):
        self.folder, self.errors = folder, []

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.folder.parent))
        except ValueError:
            return str(path)

    def error(self, path: Path, where: str, message: str) -> None:
        self.errors.append(f"{self.rel(path)}: {where}: {message}" if where else f"{self.rel(path)}: {message}")

    def text(self, path: Path) -> str | None:
        if not path.is_file():
            self.error(path, "", "fichier introuvable.")
            return None
        data = path.read_bytes()
        if data.startswith(b"\xef\xbb\xbf"):
            self.error(path, "", "marque d'ordre des octets (BOM) interdite.")
        if b"\r" in data:
            line = data[: data.index(b"\r")].count(b"\n") + 1
            self.error(path, f"ligne {line}", "fins de ligne LF attendues (pas CRLF).")
        try:
            return data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            self.error(path, f"ligne {line}", "le fichier doit être encodé en UTF-8.")
            return None

    def yaml(self, path: Path):
        text = self.text(path)
        if text is None:
            return None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            self.error(path, f"ligne {mark.line + 1}" if mark else "", f"YAML invalide ({getattr(exc, 'problem', exc)}).")
            return None
        if not isinstance(data, dict):
            self.error(path, "", "un objet YAML (clé: valeur) est attendu.")
            return None
        return data

    def ref(self, module_dir: Path, path: Path, where: str, value) -> Path | None:
        """A file named in a module file: relative, without "..", existing."""
        if not isinstance(value, str) or not value.strip():
            self.error(path, where, "un chemin de fichier est attendu.")
            return None
        if value.startswith("/") or ".." in Path(value).parts:
            self.error(path, where, f"« {value} » : chemin relatif au dossier du module, sans « .. », attendu.")
            return None
        target = module_dir / value
        if not target.is_file():
            self.error(path, where, f"le fichier « {value} » n'existe pas.")
            return None
        return target

    def shape(self, path: Path, where: str, data: dict, allowed: set, required: set) -> None:
        for key in sorted(set(data) - allowed, key=str):
            self.error(path, f"{where}{key}", "clé inconnue.")
        for key in sorted(required - set(data)):
            self.error(path, f"{where}{key}", "clé obligatoire manquante.")

    def string(self, path: Path, where: str, value, *, max_length: int | None = None, optional=False) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(path, where, "un texte non vide est attendu.")
            return None
        if max_length and len(value.strip()) > max_length:
            self.error(path, where, f"{max_length} caractères au plus.")
        return value.strip()

    def positive(self, path: Path, where: str, value) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            self.error(path, where, "un entier strictement positif est attendu.")
            return 0
        return value

    def key(self, path: Path, where: str, value) -> str | None:
        if not isinstance(value, str) or not KEY.match(value) or len(value) > 80:
            self.error(path, where, "clé attendue : minuscules, chiffres et tirets (^[a-z0-9]+(-[a-z0-9]+)*$), 80 caractères au plus.")
            return None
        return value

    def markdown(self, path: Path) -> str | None:
        text = self.text(path)
        if text is None:
            return None
        for number, line in enumerate(text.split("\n"), start=1):
            if RAW_HTML.search(line):
                self.error(path, f"ligne {number}", "HTML brut interdit dans le Markdown.")
                break
        return text.strip()


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _check_captions(reader: _Reader, path: Path, data: bytes, slides: list[dict] | None) -> None:
    try:
        cues = vtt.validate(data)
    except vtt.VttError as exc:
        reader.error(path, "", exc.message)
        return
    if not cues:
        reader.error(path, "", "aucun sous-titre.")
        return
    for cue in cues:
        lines = cue.text.split("\n")
        if not 1 <= len(lines) <= 2 or any(len(line) > 45 for line in lines):
            reader.error(path, f"ligne {cue.line}", "un sous-titre a une ou deux lignes de 45 caractères au plus.")
    if not slides:
        return
    bounds, t = [], 0
    for slide in slides:
        bounds.append((t, t + slide["seconds"] * 1000))
        t += slide["seconds"] * 1000
    previous_end = 0
    for cue in cues:
        start, end = _ms(cue.start), _ms(cue.end)
        if start != previous_end:
            reader.error(path, f"ligne {cue.line}", f"le sous-titre doit commencer à {vtt.format_time(previous_end / 1000)} "
                                                    "(ni trou ni chevauchement).")
            return
        slide = next((b for b in bounds if b[0] <= start < b[1]), None)
        if slide is None or end > slide[1]:
            reader.error(path, f"ligne {cue.line}", "le sous-titre doit rester dans une seule diapositive "
                                                    f"(changement à {vtt.format_time((slide or bounds[-1])[1] / 1000)}).")
            return
        previous_end = end
    if previous_end != t:
        reader.error(path, f"ligne {cues[-1].line}", f"le dernier sous-titre doit finir à {vtt.format_time(t / 1000)} "
                                                     "(durée du film).")


def _check_slides(reader: _Reader, path: Path, where: str, value) -> list[dict] | None:
    if not isinstance(value, list) or not 2 <= len(value) <= 8:
        reader.error(path, where, "une liste de 2 à 8 diapositives est attendue.")
        return None
    result, ok = [], True
    for s, slide in enumerate(value):
        at = f"{where}[{s}]"
        if not isinstance(slide, dict):
            reader.error(path, at, "un objet {title, points, seconds} est attendu.")
            ok = False
            continue
        before = len(reader.errors)
        reader.shape(path, f"{at}.", slide, {"title", "points", "seconds"}, {"title", "points", "seconds"})
        title = reader.string(path, f"{at}.title", slide.get("title"), max_length=200)
        points = slide.get("points")
        if not isinstance(points, list) or not all(isinstance(p, str) and p.strip() for p in points):
            reader.error(path, f"{at}.points", "une liste de textes est attendue.")
        elif s == 0 and points:
            reader.error(path, f"{at}.points", "la première diapositive (titre) n'a pas de points : [].")
        elif s > 0 and not 1 <= len(points) <= 4:
            reader.error(path, f"{at}.points", "de 1 à 4 points.")
        elif any(len(p) > 60 for p in points):
            reader.error(path, f"{at}.points", "60 caractères au plus par point.")
        seconds = slide.get("seconds")
        if not isinstance(seconds, int) or isinstance(seconds, bool) or not 4 <= seconds <= 15:
            reader.error(path, f"{at}.seconds", "un entier de 4 à 15 est attendu.")
        if len(reader.errors) != before:
            ok = False
            continue
        result.append({"title": title, "points": [p.strip() for p in points], "seconds": seconds})
    return result if ok else None


def _check_quiz_file(reader: _Reader, path: Path) -> dict | None:
    data = reader.yaml(path)
    if data is None:
        return None
    before = len(reader.errors)
    reader.shape(path, "", data, QUIZ_KEYS, {"role", "pass_mark", "questions"})
    questions = data.get("questions")
    if isinstance(questions, list):
        if not questions:
            reader.error(path, "questions", "au moins une question.")
        for q, question in enumerate(questions):
            if isinstance(question, dict):
                reader.shape(path, f"questions[{q}].", question, QUESTION_KEYS, {"kind", "prompt", "choices"})
                for c, choice in enumerate(question.get("choices") or []):
                    if isinstance(choice, dict):
                        reader.shape(path, f"questions[{q}].choices[{c}].", choice, CHOICE_KEYS, {"text", "correct"})
                choices = question.get("choices")
                if question.get("kind") == TRUE_FALSE and isinstance(choices, list) and [
                        c.get("text") if isinstance(c, dict) else None for c in choices] != ["Vrai", "Faux"]:
                    reader.error(path, f"questions[{q}].choices", "une question vrai/faux a deux réponses : « Vrai » puis « Faux ».")
    try:
        spec = validate_quiz(data, path="")
    except Invalid as exc:
        for name, message in (exc.fields or {}).items():
            reader.error(path, name.lstrip("."), str(message))
        return None
    if spec["role"] == PRE_TEST and spec["pass_mark"] != 0:
        reader.error(path, "pass_mark", "un test de positionnement (pre_test) a pass_mark: 0.")
    return spec if len(reader.errors) == before else None


def _check_item(reader: _Reader, module_dir: Path, path: Path, i: int, data) -> dict | None:
    at = f"items[{i}]"
    if not isinstance(data, dict):
        reader.error(path, at, "un objet est attendu.")
        return None
    before = len(reader.errors)
    reader.shape(path, f"{at}.", data, ITEM_KEYS, {"key", "kind", "title", "estimated_minutes"})
    kind = data.get("kind")
    item = {"key": reader.key(path, f"{at}.key", data.get("key")), "kind": kind,
            "title": reader.string(path, f"{at}.title", data.get("title"), max_length=200),
            "required": data.get("required", True),
            "estimated_minutes": reader.positive(path, f"{at}.estimated_minutes", data.get("estimated_minutes")),
            "content_note": reader.string(path, f"{at}.content_note", data.get("content_note"), optional=True),
            "body_markdown": "", "quiz": None, "video": None}
    if not isinstance(item["required"], bool):
        reader.error(path, f"{at}.required", "un booléen (true ou false) est attendu.")
    if kind not in KIND_FIELD:
        reader.error(path, f"{at}.kind", "valeurs permises : text, video, quiz.")
        return None
    for other_kind, name in KIND_FIELD.items():
        if other_kind != kind and name in data:
            reader.error(path, f"{at}.{name}", f"interdit pour un élément « {kind} ».")
    if KIND_FIELD[kind] not in data:
        reader.error(path, f"{at}.{KIND_FIELD[kind]}", "clé obligatoire manquante.")
        return None
    if kind == TEXT:
        if (body := reader.ref(module_dir, path, f"{at}.body", data["body"])) is not None:
            item["body_markdown"] = reader.markdown(body) or ""
            level1 = next((n for n, line in enumerate(item["body_markdown"].split("\n"), start=1) if line.startswith("# ")), None)
            if level1:
                reader.error(body, f"ligne {level1}", "titres de niveau 2 (« ## ») au plus : le titre de l'élément est le niveau 1.")
    elif kind == QUIZ:
        if (quiz := reader.ref(module_dir, path, f"{at}.quiz", data["quiz"])) is not None:
            item["quiz"] = _check_quiz_file(reader, quiz)
    else:
        item["video"] = _check_video(reader, module_dir, path, f"{at}.video", data["video"])
    return item if len(reader.errors) == before else None


def _check_video(reader: _Reader, module_dir: Path, path: Path, at: str, data) -> dict | None:
    if not isinstance(data, dict):
        reader.error(path, at, "un objet est attendu.")
        return None
    reader.shape(path, f"{at}.", data, VIDEO_KEYS, VIDEO_REQUIRED)
    video = {"title": reader.string(path, f"{at}.title", data.get("title"), max_length=200),
             "speakers": reader.string(path, f"{at}.speakers", data.get("speakers")),
             "file": None, "slides": None, "captions": {}, "transcript": None}
    if "file" in data:
        video["file"] = reader.ref(module_dir, path, f"{at}.file", data["file"])
    elif "slides" in data:
        video["slides"] = _check_slides(reader, path, f"{at}.slides", data["slides"])
    else:
        reader.error(path, f"{at}.slides", "des diapositives (slides) ou un film (file) sont attendus.")
    captions = data.get("captions")
    if not isinstance(captions, dict) or "fr" not in captions:
        reader.error(path, f"{at}.captions", "un objet {fr: <fichier>.vtt} est attendu (fr obligatoire).")
    else:
        for lang, name in captions.items():
            if not isinstance(lang, str) or not re.match(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$", lang):
                reader.error(path, f"{at}.captions.{lang}", "code de langue attendu (fr, en…).")
            elif (vtt_path := reader.ref(module_dir, path, f"{at}.captions.{lang}", name)) is not None:
                data_bytes = vtt_path.read_bytes()
                _check_captions(reader, vtt_path, data_bytes, None if video["file"] else video["slides"])
                video["captions"][lang] = data_bytes
    if "transcript" in data and (transcript := reader.ref(module_dir, path, f"{at}.transcript", data["transcript"])):
        video["transcript"] = reader.markdown(transcript)
        if not video["transcript"]:
            reader.error(transcript, "", "la transcription est vide.")
    return video


def read_course(folder: Path) -> dict:
    """The whole folder, checked; CourseFilesInvalid listing every fault."""
    folder = Path(folder).resolve()
    reader = _Reader(folder)
    course_path = folder / "course.yaml"
    data = reader.yaml(course_path)
    if data is None:
        raise CourseFilesInvalid(reader.errors)
    reader.shape(course_path, "", data, COURSE_KEYS, COURSE_KEYS)
    p = course_path
    course = {
        "slug": reader.key(p, "slug", data.get("slug")),
        "title": reader.string(p, "title", data.get("title"), max_length=200),
        "summary": reader.string(p, "summary", data.get("summary")),
        "duration_minutes": reader.positive(p, "duration_minutes", data.get("duration_minutes")),
        "prerequisites": reader.string(p, "prerequisites", data.get("prerequisites"), optional=True),
        "audience_note": reader.string(p, "audience_note", data.get("audience_note")),
        "assessment": reader.string(p, "assessment", data.get("assessment")),
        "source_path": f"courses/{folder.name}",
    }
    if course["slug"] and course["slug"] != folder.name:
        reader.error(p, "slug", f"doit être égal au nom du dossier (« {folder.name} »).")
    objectives = data.get("objectives")
    if not isinstance(objectives, list) or not objectives or not all(isinstance(o, str) and o.strip() for o in objectives):
        reader.error(p, "objectives", "une liste d'au moins un objectif (texte) est attendue.")
        objectives = []
    course["objectives"] = [o.strip() for o in objectives]
    activities = data.get("remote_activities")
    course["remote_activities"] = []
    if not isinstance(activities, list) or not activities:
        reader.error(p, "remote_activities", "une liste d'au moins une activité {title, minutes} est attendue.")
    else:
        for a, activity in enumerate(activities):
            if not isinstance(activity, dict):
                reader.error(p, f"remote_activities[{a}]", "un objet {title, minutes} est attendu.")
                continue
            reader.shape(p, f"remote_activities[{a}].", activity, {"title", "minutes"}, {"title", "minutes"})
            course["remote_activities"].append({
                "title": reader.string(p, f"remote_activities[{a}].title", activity.get("title")),
                "minutes": reader.positive(p, f"remote_activities[{a}].minutes", activity.get("minutes"))})
        total = sum(a["minutes"] for a in course["remote_activities"])
        if course["duration_minutes"] and total != course["duration_minutes"]:
            reader.error(p, "remote_activities", f"les minutes totalisent {total}, "
                                                 f"duration_minutes vaut {course['duration_minutes']}.")
    support = data.get("support")
    if not isinstance(support, dict):
        reader.error(p, "support", "un objet {contact, response_time, technical, pedagogical} est attendu.")
        course["support"] = {}
    else:
        reader.shape(p, "support.", support, SUPPORT_KEYS, SUPPORT_KEYS)
        course["support"] = {k: reader.string(p, f"support.{k}", support.get(k)) for k in sorted(SUPPORT_KEYS)}
    listed = data.get("modules")
    modules: list[dict] = []
    if not isinstance(listed, list) or not listed or not all(isinstance(m, str) for m in listed):
        reader.error(p, "modules", "une liste de dossiers de modules est attendue.")
        listed = []
    present = sorted(d.name for d in folder.iterdir() if d.is_dir() and MODULE_FOLDER.match(d.name))
    for name in present:
        if name not in listed:
            reader.error(p, "modules", f"le dossier « {name} » existe mais n'est pas listé.")
    for name in listed:
        if not MODULE_FOLDER.match(name) or "/" in name or ".." in name:
            reader.error(p, "modules", f"« {name} » : un dossier NN-<nom> est attendu.")
        elif not (folder / name).is_dir():
            reader.error(p, "modules", f"le dossier « {name} » n'existe pas.")
        elif (module := _read_module(reader, folder / name)) is not None:
            modules.append(module)
    course["modules"] = modules
    _check_course_rules(reader, p, course, modules, listed)
    if reader.errors:
        raise CourseFilesInvalid(reader.errors)
    return course


def _read_module(reader: _Reader, module_dir: Path) -> dict | None:
    path = module_dir / "module.yaml"
    data = reader.yaml(path)
    if data is None:
        return None
    reader.shape(path, "", data, MODULE_KEYS, MODULE_REQUIRED)
    module = {"key": reader.key(path, "key", data.get("key")),
              "title": reader.string(path, "title", data.get("title"), max_length=200),
              "summary": (data.get("summary") or "").strip() if isinstance(data.get("summary", ""), str | None) else "",
              "items": [], "path": path}
    if not isinstance(data.get("summary", ""), str | None):
        reader.error(path, "summary", "un texte est attendu.")
    items = data.get("items")
    if not isinstance(items, list) or not items:
        reader.error(path, "items", "une liste d'au moins un élément est attendue.")
        return None
    keys = Counter(item.get("key") for item in items if isinstance(item, dict))
    for key, n in keys.items():
        if n > 1:
            reader.error(path, "items", f"la clé « {key} » est utilisée {n} fois dans ce module.")
    for i, raw in enumerate(items):
        if (item := _check_item(reader, module_dir, path, i, raw)) is not None:
            module["items"].append(item)
    return module if len(module["items"]) == len(items) else None


def _check_course_rules(reader: _Reader, p: Path, course: dict, modules: list[dict], listed: list) -> None:
    if len(modules) != len(listed):
        return  # faults already reported in the module files
    for key, n in Counter(m["key"] for m in modules).items():
        if n > 1:
            reader.error(p, "modules", f"la clé de module « {key} » est utilisée {n} fois.")
    total = sum(item["estimated_minutes"] for m in modules for item in m["items"])
    if course["duration_minutes"] and total != course["duration_minutes"]:
        reader.error(p, "duration_minutes", f"vaut {course['duration_minutes']} mais les estimated_minutes "
                                            f"des éléments totalisent {total}.")
    roles = Counter(item["quiz"]["role"] for m in modules for item in m["items"] if item["quiz"])
    for role in (PRE_TEST, POST_TEST):
        if roles[role] > 1:
            reader.error(p, "modules", f"un parcours a au plus un quiz « {role} » ({roles[role]} trouvés).")
    for m in modules:
        minutes = sum(item["estimated_minutes"] for item in m["items"])
        if minutes > 20:
            reader.error(m["path"], "items", f"un module ne dépasse pas 20 minutes ({minutes} minutes).")


# -- writing ---------------------------------------------------------------------

def _set(row, **values) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _sync_quiz(item: Item, spec: dict) -> bool:
    quiz = item.quiz
    changed = quiz is None
    if quiz is None:
        quiz = item.quiz = Quiz()
    changed |= _set(quiz, role=spec["role"], pass_mark=spec["pass_mark"], max_attempts=spec["max_attempts"])
    questions = list(quiz.questions)
    for q, qspec in enumerate(spec["questions"]):
        if q < len(questions):
            question = questions[q]
        else:
            question = Question(position=q)
            quiz.questions.append(question)
            changed = True
        changed |= _set(question, position=q, kind=qspec["kind"], prompt=qspec["prompt"], explanation=qspec["explanation"])
        choices = list(question.choices)
        for c, cspec in enumerate(qspec["choices"]):
            if c < len(choices):
                choice = choices[c]
            else:
                choice = Choice(position=c)
                question.choices.append(choice)
                changed = True
            changed |= _set(choice, position=c, text=cspec["text"], correct=cspec["correct"], feedback=cspec["feedback"])
        if len(choices) > len(qspec["choices"]):
            del question.choices[len(qspec["choices"]):]
            changed = True
    if len(questions) > len(spec["questions"]):
        del quiz.questions[len(spec["questions"]):]
        changed = True
    return changed


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _sync_video(item: Item, spec: dict, owner_id: int | None, report: ImportReport) -> bool:
    if spec["file"] is not None:
        film = spec["file"]
    else:
        film, rendered = slide_films.rendered_path(spec["slides"])
        report.rendered += rendered
    sha = _sha256(film)
    video, changed = item.video, False
    if video is None or video.original_sha256 != sha or video.status == FAILED:
        with open(film, "rb") as stream:
            stored = storage.save_stream(stream, "originals", film.suffix.lower() if len(film.suffix) <= 6 else "")
        video = Video(title=spec["title"], owner_id=owner_id, status=PROCESSING, original_key=stored.key,
                      original_sha256=stored.sha256, original_size=stored.size, speakers=spec["speakers"])
        db.session.add(video)
        db.session.flush()
        process_video(video.id)
        if video.status != "ready":
            raise CourseFilesInvalid([f"{film}: la vidéo n'a pas pu être traitée ({video.error})."])
        item.video = video
        report.created["video"] += 1
        changed = True
    video_changed = _set(video, title=spec["title"], speakers=spec["speakers"])
    for lang, data in spec["captions"].items():
        caption = video.caption(lang)
        text = vtt.decode(data).replace("\r\n", "\n").encode("utf-8")
        if caption is None or not storage.exists(caption.storage_key) or storage.read_bytes(caption.storage_key) != text:
            save_caption(video, lang, data)
            video_changed = True
    for caption in list(video.captions):
        if caption.lang not in spec["captions"]:
            video.captions.remove(caption)
            storage.delete(caption.storage_key)
            video_changed = True
    if video.transcript != spec["transcript"] or video.transcript_from_captions:
        write_transcript(video, spec["transcript"])
        video_changed = True
    if not changed:
        report.count("video", created=False, changed=video_changed)
    return changed or video_changed


def import_course(folder: Path, *, actor: User | None = None) -> ImportReport:
    """Validate the whole folder, then create the course (as a draft) or update it in place.

    Adds and flushes; the caller commits (or rolls back on error)."""
    spec = read_course(Path(folder))
    report = ImportReport()
    course = db.session.scalar(select(Course).where(Course.slug == spec["slug"]))
    created = course is None
    if actor is not None:
        if created:
            require_create_course(actor)
        else:
            require_edit_course(actor, course)
    if created:
        course = Course(slug=spec["slug"], status=DRAFT, owner_id=actor.id if actor else None)
        db.session.add(course)
    report.course = course
    course_changed = _set(course, **{k: spec[k] for k in (
        "title", "summary", "objectives", "duration_minutes", "prerequisites", "remote_activities", "support",
        "assessment", "audience_note", "source_path")})
    owner_id = course.owner_id or (actor.id if actor else None)
    existing = {m.key: m for m in course.modules}
    modules, videos = [], []
    for position, mspec in enumerate(spec["modules"]):
        module = existing.pop(mspec["key"], None)
        module_created = module is None
        if module_created:
            module = Module(key=mspec["key"])
        module_changed = _set(module, title=mspec["title"], summary=mspec["summary"], position=position)
        old_items = {i.key: i for i in module.items}
        items = []
        for item_position, ispec in enumerate(mspec["items"]):
            item = old_items.pop(ispec["key"], None)
            item_created = item is None
            if item_created:
                item = Item(key=ispec["key"])
            item_changed = _set(item, kind=ispec["kind"], title=ispec["title"], position=item_position,
                                required=ispec["required"], estimated_minutes=ispec["estimated_minutes"],
                                content_note=ispec["content_note"], body_markdown=ispec["body_markdown"])
            if ispec["kind"] == QUIZ:
                item_changed |= _sync_quiz(item, ispec["quiz"])
            elif item.quiz is not None:
                item.quiz, item_changed = None, True
            items.append(item)
            if ispec["kind"] != VIDEO and item.video_id is not None:
                item.video, item_changed = None, True
            report.count("item", created=item_created, changed=item_changed)
            if ispec["video"] is not None:
                videos.append((item, ispec["video"]))
        if old_items:
            report.deleted["item"] += len(old_items)
            module_changed = True
        module.items = items
        modules.append(module)
        report.count("module", created=module_created, changed=module_changed)
    if existing:
        report.deleted["module"] += len(existing)
        report.deleted["item"] += sum(len(m.items) for m in existing.values())
    course.modules = modules
    db.session.flush()
    for item, video_spec in videos:
        _sync_video(item, video_spec, owner_id, report)
    db.session.flush()
    report.count("course", created=created, changed=course_changed)
    return report
