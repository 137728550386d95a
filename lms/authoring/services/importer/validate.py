"""Validate everything first: the whole folder is read and checked before anything is written."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from lms.authoring.models import POST_TEST, PRE_TEST

from .checks import check_item
from .reader import COURSE_KEYS, MODULE_FOLDER, MODULE_KEYS, MODULE_REQUIRED, SUPPORT_KEYS, CourseFilesInvalid, Reader


def read_course(folder: Path) -> dict:
    """The whole folder, checked; CourseFilesInvalid listing every fault."""
    folder = Path(folder).resolve()
    reader = Reader(folder)
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
        elif (why := reader.outside(folder / name)) is not None:
            reader.error(p, "modules", f"« {name} » : {why} : dossier refusé.")
        elif not (folder / name).is_dir():
            reader.error(p, "modules", f"le dossier « {name} » n'existe pas.")
        elif (module := _read_module(reader, folder / name)) is not None:
            modules.append(module)
    course["modules"] = modules
    _check_course_rules(reader, p, course, modules, listed)
    if reader.errors:
        raise CourseFilesInvalid(reader.errors)
    return course


def _read_module(reader: Reader, module_dir: Path) -> dict | None:
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
        if (item := check_item(reader, module_dir, path, i, raw)) is not None:
            module["items"].append(item)
    return module if len(module["items"]) == len(items) else None


def _check_course_rules(reader: Reader, p: Path, course: dict, modules: list[dict], listed: list) -> None:
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
