"""Validation of one item of a module file: text body, quiz file, video (slides, captions, transcript)."""
from __future__ import annotations

import re
from pathlib import Path

from lms.authoring.models import PRE_TEST, QUIZ, TEXT, TRUE_FALSE
from lms.authoring.services.quizzes import validate_quiz
from lms.core.errors import Invalid
from lms.videos.services import vtt

from .reader import CHOICE_KEYS, ITEM_KEYS, KIND_FIELD, QUESTION_KEYS, QUIZ_KEYS, VIDEO_KEYS, VIDEO_REQUIRED, Reader


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _check_captions(reader: Reader, path: Path, data: bytes, slides: list[dict] | None) -> None:
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


def _check_slides(reader: Reader, path: Path, where: str, value) -> list[dict] | None:
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


def _check_quiz_file(reader: Reader, path: Path) -> dict | None:
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


def check_item(reader: Reader, module_dir: Path, path: Path, i: int, data) -> dict | None:
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


def _check_video(reader: Reader, module_dir: Path, path: Path, at: str, data) -> dict | None:
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
