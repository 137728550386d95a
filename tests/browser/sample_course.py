"""The sample course (courses/sensibilisation-sante-mentale) imported into the live database under a slug
and title of one's own, and published.

The live database is shared by every browser test of the session: each test module that needs the
sample course imports its own copy, so no test sees another's progress or clashes on the slug. The
demo films are rendered small (320x180, 5 frames per second); the renderer caches them by their
spec, so the copies share one rendering.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from lms.authoring import services as authoring
from lms.authoring.services.importer import import_course
from lms.core.db import commit
from tests import factories

SAMPLE = Path(__file__).resolve().parents[2] / "courses" / "sensibilisation-sante-mentale"
SMALL_FILMS = {"SAMPLE_VIDEO_SIZE": "320x180", "SAMPLE_VIDEO_FPS": 5}


def prepare_films(course) -> None:
    """Run the processing triggers of the course's new films here, as the worker would after the import (the
    live server's outbox dispatches nothing by itself)."""
    from lms.core.outbox import tasks_with_prefix
    from lms.core.triggers import run_task_now

    for item in course.items():
        if item.video_id is not None:
            for trigger in tasks_with_prefix(f"process_video:{item.video_id}:"):
                run_task_now(trigger.id)


def import_sample_course(app, parent: Path, *, slug: str, title: str, coordinator_email: str) -> int:
    """Copy the sample course into ``parent``, rename it, import and publish it; returns the course id."""
    app.config.update(SMALL_FILMS)
    folder = parent / slug
    shutil.copytree(SAMPLE, folder)
    spec = folder / "course.yaml"
    text = spec.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^slug: .*$", f"slug: {slug}", text, count=1)
    text = re.sub(r"(?m)^title: .*$", f"title: \"{title}\"", text, count=1)
    spec.write_text(text, encoding="utf-8")
    with app.app_context():
        coordinator = factories.coordinator(email=coordinator_email)
        course = import_course(folder).course
        commit()
        prepare_films(course)
        authoring.publish_course(coordinator, course)
        commit()
        return course.id
