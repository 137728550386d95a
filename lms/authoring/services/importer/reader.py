"""Reading a course folder: the file formats, the fault list and the exception that carries it."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from lms.authoring.models import QUIZ, TEXT, VIDEO

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


class Reader:
    def __init__(self, folder: Path):
        self.folder, self.errors = folder, []

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.folder.parent))
        except ValueError:
            return str(path)

    def error(self, path: Path, where: str, message: str) -> None:
        self.errors.append(f"{self.rel(path)}: {where}: {message}" if where else f"{self.rel(path)}: {message}")

    def outside(self, path: Path) -> str | None:
        """Why ``path`` may not be read, or None: once every symbolic link on the way is followed (the file,
        a folder, a chain of links), it must still be in the course folder."""
        try:
            real = path.resolve()
        except (OSError, RuntimeError):  # a loop of links
            return "lien symbolique en boucle"
        if real.is_relative_to(self.folder):
            return None
        return f"lien symbolique vers « {real} », hors du dossier du parcours"

    def text(self, path: Path) -> str | None:
        if (why := self.outside(path)) is not None:
            self.error(path, "", f"{why} : fichier refusé.")
            return None
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
        """A file named in a module file: relative, without "..", existing, inside the course folder.

        The real path is returned (links followed): what was checked is what is read, then or later."""
        if not isinstance(value, str) or not value.strip():
            self.error(path, where, "un chemin de fichier est attendu.")
            return None
        if value.startswith("/") or ".." in Path(value).parts:
            self.error(path, where, f"« {value} » : chemin relatif au dossier du module, sans « .. », attendu.")
            return None
        target = module_dir / value
        if (why := self.outside(target)) is not None:
            self.error(path, where, f"« {value} » : {why} : fichier refusé.")
            return None
        if not target.is_file():
            self.error(path, where, f"le fichier « {value} » n'existe pas.")
            return None
        return target.resolve()

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
