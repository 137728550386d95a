"""The course-as-files importer: validation first, then an idempotent update in place."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.authoring.models import DRAFT, PUBLISHED, Course, Item
from lms.authoring.services import publish_problems
from lms.authoring.services.importer import CourseFilesInvalid, import_course
from lms.core.db import commit
from lms.core.outbox import tasks_with_prefix
from lms.extensions import db
from lms.videos.models import PROCESSING, READY, Video
from tests.conftest import media_files

SAMPLE = Path(__file__).resolve().parents[2] / "courses" / "sensibilisation-sante-mentale"

COURSE = """\
slug: mini
title: Mini parcours
summary: Un parcours minuscule.
objectives:
- Repérer un signe.
duration_minutes: 6
prerequisites: null
audience_note: Tout le monde.
remote_activities:
- title: Tout
  minutes: 6
support: {contact: CLSM, response_time: 2 jours, technical: Aide, pedagogical: Questions}
assessment: Un quiz.
modules:
- 00-un
"""
MODULE = """\
key: un
title: Premier module
items:
- key: video
  kind: video
  title: Une vidéo
  estimated_minutes: 1
  video:
    title: Le film
    speakers: Diaporama de démonstration
    slides:
    - {title: Titre, points: [], seconds: 4}
    - {title: Un point, points: [Écouter sans juger], seconds: 4}
    captions: {fr: video.fr.vtt}
    transcript: transcription.md
- key: texte
  kind: text
  title: Un texte
  estimated_minutes: 3
  body: texte.md
- key: quiz
  kind: quiz
  title: Un quiz
  estimated_minutes: 2
  quiz: quiz.yaml
"""
VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nBienvenue.\n\n00:00:04.000 --> 00:00:08.000\nÉcouter sans juger.\n"
QUIZ = """\
role: graded
pass_mark: 60
max_attempts: null
questions:
- kind: true_false
  prompt: Écouter aide.
  choices:
  - {text: Vrai, correct: true}
  - {text: Faux, correct: false}
"""


@pytest.fixture(autouse=True)
def small_films(app, monkeypatch):
    monkeypatch.setitem(app.config, "SAMPLE_VIDEO_SIZE", "320x180")
    monkeypatch.setitem(app.config, "SAMPLE_VIDEO_FPS", 5)


@pytest.fixture
def mini(tmp_path) -> Path:
    folder = tmp_path / "mini"
    (folder / "00-un").mkdir(parents=True)
    (folder / "course.yaml").write_text(COURSE)
    module = folder / "00-un"
    (module / "module.yaml").write_text(MODULE)
    (module / "video.fr.vtt").write_text(VTT)
    (module / "transcription.md").write_text("*Diaporama*\n\n**Titre**\n\nBienvenue.\n")
    (module / "texte.md").write_text("## Écouter\n\nSans juger.\n")
    (module / "quiz.yaml").write_text(QUIZ)
    return folder


def item_ids(course: Course) -> dict[str, int]:
    return {f"{m.key}/{i.key}": i.id for m in course.modules for i in m.items}


def test_import_creates_then_second_import_changes_nothing(mini):
    report = import_course(mini)
    course = report.course
    assert course.status == DRAFT and course.source_path == "courses/mini" and course.prerequisites is None
    assert [i.key for i in course.modules[0].items] == ["video", "texte", "quiz"]
    video = course.modules[0].items[0].video
    # the film is not rendered by the import: the worker's processing task does it after the commit
    assert video.status == PROCESSING and report.queued == 1 and video.stream_key is None
    assert [t.status for t in tasks_with_prefix(f"process_video:{video.id}:")] == ["pending"]
    assert video.caption("fr") and video.transcript.startswith("*Diaporama*") and not video.transcript_from_captions
    assert course.modules[0].items[1].body_markdown.startswith("## Écouter")
    commit()  # the trigger runs in this process (OUTBOX_DISPATCH "inline"), as the worker runs it
    db.session.refresh(video)
    assert video.status == READY and round(video.duration_s) == 8 and video.stream_key
    assert publish_problems(course) == []
    ids, video_id = item_ids(course), video.id

    again = import_course(mini)
    assert not again.changed and again.queued == 0
    assert item_ids(again.course) == ids and again.course.modules[0].items[0].video_id == video_id


def test_edited_quiz_updates_and_removed_item_is_deleted(mini):
    course = import_course(mini).course
    ids = item_ids(course)
    quiz_path = mini / "00-un" / "quiz.yaml"
    quiz_path.write_text(QUIZ.replace("Écouter aide.", "Écouter aide vraiment.").replace("pass_mark: 60", "pass_mark: 80"))
    report = import_course(mini)
    assert report.changed and report.updated["item"] == 1
    quiz = db.session.get(Item, ids["un/quiz"]).quiz
    assert quiz.pass_mark == 80 and quiz.questions[0].prompt == "Écouter aide vraiment."

    module = mini / "00-un" / "module.yaml"
    module.write_text(MODULE.split("- key: texte")[0] + "- key: quiz" + MODULE.split("- key: quiz")[1])
    (mini / "course.yaml").write_text(COURSE.replace("6", "3"))
    report = import_course(mini)
    assert report.deleted["item"] == 1
    assert db.session.get(Item, ids["un/texte"]) is None
    assert item_ids(report.course) == {"un/video": ids["un/video"], "un/quiz": ids["un/quiz"]}


@pytest.mark.parametrize("name, content, expected", [
    ("video.fr.vtt", VTT.replace("00:00:04.000 --> 00:00:08.000", "00:00:05.000 --> 00:00:08.000"), "00-un/video.fr.vtt: ligne"),
    ("video.fr.vtt", "WEBVTT\n00:00:00.000 --> 00:00:08.000\nx\n", "00-un/video.fr.vtt: Ligne 2"),
    ("quiz.yaml", QUIZ.replace("correct: false", "correct: true"), "00-un/quiz.yaml: questions[0].choices"),
    ("quiz.yaml", QUIZ + "bonus: 1\n", "00-un/quiz.yaml: bonus: clé inconnue"),
])
def test_invalid_file_fails_naming_it_and_writes_nothing(mini, name, content, expected):
    (mini / "00-un" / name).write_text(content)
    before = db.session.scalar(select(func.count(Course.id)))
    with pytest.raises(CourseFilesInvalid) as exc:
        import_course(mini)
    assert any(expected in error for error in exc.value.errors), exc.value.errors
    assert db.session.scalar(select(func.count(Course.id))) == before


def test_cli_reports_and_fails_on_invalid_files(app, mini):
    runner = app.test_cli_runner()
    (mini / "00-un" / "quiz.yaml").write_text("role: graded\n")
    result = runner.invoke(args=["import-course", str(mini)])
    assert result.exit_code != 0 and "quiz.yaml" in result.output


@pytest.mark.slow
def test_sample_course_imports_and_is_publishable(tmp_path):
    folder = tmp_path / SAMPLE.name
    shutil.copytree(SAMPLE, folder)
    report = import_course(folder)
    course = report.course
    assert course.slug == "sensibilisation-sante-mentale" and course.status == DRAFT
    assert len(course.modules) == 8 and course.duration_minutes == sum(i.estimated_minutes for i in course.items())
    assert report.created["video"] == 6 and report.queued == 6
    commit()  # the six films rendered and processed by their triggers, in this process
    assert publish_problems(course) == []
    ids = item_ids(course)
    again = import_course(folder)
    assert not again.changed and item_ids(again.course) == ids


# -- import-course --publish ----------------------------------------------------

def test_cli_publish_publishes_then_reimport_keeps_it_published_and_changes_nothing(app, mini):
    from tests.factories import trainer

    owner = trainer(email="formatrice@example.org")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-course", str(mini), "--owner", owner.email, "--publish"])
    assert result.exit_code == 0, result.output
    assert "mini: published" in result.output
    course = db.session.scalar(select(Course).where(Course.slug == "mini"))
    assert course.status == PUBLISHED and course.owner_id == owner.id and course.published_at is not None
    assert course.modules[0].items[0].video.status == READY  # rendered and processed during the import
    published_at, ids = course.published_at, item_ids(course)

    again = runner.invoke(args=["import-course", str(mini), "--owner", owner.email, "--publish"])
    assert again.exit_code == 0, again.output
    assert ": unchanged;" in again.output and "mini: already published" in again.output
    db.session.expire_all()
    course = db.session.scalar(select(Course).where(Course.slug == "mini"))
    assert course.status == PUBLISHED and course.published_at == published_at and item_ids(course) == ids


def test_cli_publish_without_owner_uses_the_course_owner(app, mini):
    from tests.factories import trainer

    owner = trainer(email="formatrice@example.org")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["import-course", str(mini), "--owner", owner.email]).exit_code == 0
    course = db.session.scalar(select(Course).where(Course.slug == "mini"))
    assert course.status == DRAFT
    result = runner.invoke(args=["import-course", str(mini), "--publish"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(select(Course.status).where(Course.slug == "mini")) == PUBLISHED


def test_cli_publish_without_anyone_to_publish_fails_and_keeps_the_draft(app, mini):
    result = app.test_cli_runner().invoke(args=["import-course", str(mini), "--publish"])
    assert result.exit_code != 0 and "--owner" in result.output
    assert db.session.scalar(select(Course.status).where(Course.slug == "mini")) == DRAFT


def test_cli_publish_of_an_unpublishable_course_fails_with_the_reasons(app, mini):
    from tests.factories import trainer

    owner = trainer(email="formatrice@example.org")
    (mini / "00-un" / "texte.md").write_text("\n")  # valid files, but an empty text cannot be published
    result = app.test_cli_runner().invoke(args=["import-course", str(mini), "--owner", owner.email, "--publish"])
    assert result.exit_code != 0
    assert "not published" in result.output and "Le texte « Un texte » (module « Premier module ») est vide." in result.output
    db.session.expire_all()
    assert db.session.scalar(select(Course.status).where(Course.slug == "mini")) == DRAFT


def test_cli_publish_refuses_an_owner_who_may_not_edit(app, mini):
    from tests.factories import trainer

    runner = app.test_cli_runner()
    assert runner.invoke(args=["import-course", str(mini), "--owner", trainer(email="a@example.org").email]).exit_code == 0
    other = trainer(email="b@example.org")
    result = runner.invoke(args=["import-course", str(mini), "--owner", other.email, "--publish"])
    assert result.exit_code != 0
    db.session.expire_all()
    assert db.session.scalar(select(Course.status).where(Course.slug == "mini")) == DRAFT


def test_reimporting_over_a_colleagues_reused_video_brings_its_own_copy(make, mini, tmp_path):
    """The same film imported by a colleague, then reused in this course's item (which grants nothing): a new
    import with other captions does not touch the colleague's video; it uploads its own, which grants."""
    from lms.authoring import services

    colleague, trainer = make.trainer(), make.trainer()
    theirs = import_course(mini, actor=colleague).course.modules[0].items[0].video
    theirs_captions = theirs.caption("fr").storage_key
    ours = tmp_path / "ours"
    shutil.copytree(mini, ours)
    (ours / "course.yaml").write_text(COURSE.replace("slug: mini", "slug: ours"))
    item = import_course(ours, actor=trainer).course.modules[0].items[0]
    services.update_item(trainer, item, title=item.title, video_id=theirs.id)
    assert item.video_grants_edit is False
    (ours / "00-un" / "video.fr.vtt").write_text(VTT.replace("Bienvenue.", "Bonjour."))
    report = import_course(ours, actor=trainer)
    item = report.course.modules[0].items[0]
    assert item.video_id != theirs.id and item.video.owner_id == trainer.id and item.video_grants_edit
    assert report.created["video"] == 1
    db.session.expire_all()
    assert db.session.get(Video, theirs.id).caption("fr").storage_key == theirs_captions


# -- only the files of the course folder are read: links out of it are refused -------------------


def outside_copy(mini: Path, tmp_path: Path) -> Path:
    """Valid files beside the course folder (not in it): refused for where they are, not for what they hold."""
    outside = tmp_path / "ailleurs"
    shutil.copytree(mini, outside)
    (outside / "00-un" / "film.mp4").write_bytes(b"\x00\x00\x00\x18ftypisom" + bytes(200))
    return outside


def replace_with_link(path: Path, target: Path | str) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
    path.symlink_to(target)


def linked_out(name: str):
    """The change that makes <name> a link to its copy outside the folder."""
    return lambda mini, out: replace_with_link(mini / name, out / name)


def body_through(mini: Path, middle: str, target: Path | str) -> None:
    """texte.md -> <middle> (in the folder) -> target."""
    (mini / "00-un" / middle).symlink_to(target)
    replace_with_link(mini / "00-un" / "texte.md", middle)


def as_film(mini: Path) -> None:
    module = mini / "00-un" / "module.yaml"
    slides = "    slides:\n    - {title: Titre, points: [], seconds: 4}\n    - {title: Un point, points: [Écouter sans juger], seconds: 4}\n"
    module.write_text(module.read_text().replace(slides, "    file: film.mp4\n"))


LINKS_OUT = {
    # case: (how the folder is changed, the fault expected)
    "body": (linked_out("00-un/texte.md"),
             "mini/00-un/module.yaml: items[1].body: « texte.md » : lien symbolique vers « {out}/00-un/texte.md »"),
    "body to /etc/passwd": (lambda mini, out: replace_with_link(mini / "00-un/texte.md", "/etc/passwd"),
                            "mini/00-un/module.yaml: items[1].body: « texte.md » : lien symbolique vers « /etc/passwd »"),
    "quiz": (linked_out("00-un/quiz.yaml"),
             "mini/00-un/module.yaml: items[2].quiz: « quiz.yaml » : lien symbolique vers"),
    "captions": (linked_out("00-un/video.fr.vtt"),
                 "mini/00-un/module.yaml: items[0].video.captions.fr: « video.fr.vtt » : lien symbolique vers"),
    "transcript": (linked_out("00-un/transcription.md"),
                   "mini/00-un/module.yaml: items[0].video.transcript: « transcription.md » : lien symbolique vers"),
    "film": (lambda mini, out: (as_film(mini), replace_with_link(mini / "00-un/film.mp4", out / "00-un/film.mp4")),
             "mini/00-un/module.yaml: items[0].video.file: « film.mp4 » : lien symbolique vers « {out}/00-un/film.mp4 »"),
    "a linked folder on the way": (
        lambda mini, out: ((mini / "00-un/docs").symlink_to(out / "00-un"), (mini / "00-un/module.yaml").write_text(
            MODULE.replace("body: texte.md", "body: docs/texte.md"))),
        "mini/00-un/module.yaml: items[1].body: « docs/texte.md » : lien symbolique vers « {out}/00-un/texte.md »"),
    "a chain of links": (lambda mini, out: body_through(mini, "relais.md", out / "00-un/texte.md"),
                         "mini/00-un/module.yaml: items[1].body: « texte.md » : lien symbolique vers « {out}/00-un/texte.md »"),
    "a loop of links": (lambda mini, out: body_through(mini, "boucle.md", "texte.md"),
                        "mini/00-un/module.yaml: items[1].body: « texte.md » : lien symbolique en boucle"),
    "module.yaml": (linked_out("00-un/module.yaml"),
                    "mini/00-un/module.yaml: lien symbolique vers « {out}/00-un/module.yaml »"),
    "course.yaml": (linked_out("course.yaml"),
                    "mini/course.yaml: lien symbolique vers « {out}/course.yaml »"),
    "module folder": (linked_out("00-un"),
                      "mini/course.yaml: modules: « 00-un » : lien symbolique vers « {out}/00-un », hors du dossier"),
}


@pytest.mark.parametrize("case", list(LINKS_OUT))
def test_a_link_leading_out_of_the_folder_is_refused_naming_the_file_and_nothing_is_written(app, mini, tmp_path, case):
    out = outside_copy(mini, tmp_path)
    change, expected = LINKS_OUT[case]
    change(mini, out)
    counts = [db.session.scalar(select(func.count(model.id))) for model in (Course, Item, Video)]
    before = media_files(app)
    with pytest.raises(CourseFilesInvalid) as exc:
        import_course(mini)
    assert any(expected.format(out=out) in error for error in exc.value.errors), exc.value.errors
    assert [db.session.scalar(select(func.count(model.id))) for model in (Course, Item, Video)] == counts
    assert media_files(app) == before


def test_cli_refuses_a_body_linked_to_etc_passwd_and_imports_nothing(app, mini):
    replace_with_link(mini / "00-un" / "texte.md", "/etc/passwd")
    result = app.test_cli_runner().invoke(args=["import-course", str(mini)])
    assert result.exit_code != 0
    assert "« texte.md » : lien symbolique vers « /etc/passwd », hors du dossier du parcours" in result.output
    assert "nothing imported" in result.output
    assert db.session.scalar(select(Course).where(Course.slug == "mini")) is None
    assert db.session.scalar(select(func.count(Item.id)).where(Item.body_markdown.contains("root:"))) == 0


def test_a_link_that_stays_in_the_folder_is_read(mini):
    """A choice: a course may share one file between modules through a link, as long as it stays in the folder."""
    (mini / "partage").mkdir()
    (mini / "00-un" / "texte.md").rename(mini / "partage" / "texte.md")
    (mini / "00-un" / "texte.md").symlink_to("../partage/texte.md")
    (mini / "00-un" / "sous-titres").symlink_to(mini / "00-un")  # a folder link, absolute, still inside
    (mini / "00-un" / "module.yaml").write_text(MODULE.replace("{fr: video.fr.vtt}", "{fr: sous-titres/video.fr.vtt}"))
    course = import_course(mini).course
    assert course.modules[0].items[1].body_markdown.startswith("## Écouter")
    assert course.modules[0].items[0].video.caption("fr") is not None


# -- positions: from 1, as learners count, so the editors' move buttons fit ------------------------

TWO_MODULES = """\
slug: deux
title: Deux modules
summary: Deux modules de texte.
objectives: [Lire.]
duration_minutes: 5
prerequisites: null
audience_note: Tout le monde.
remote_activities: [{title: Lire, minutes: 5}]
support: {contact: CLSM, response_time: 2 jours, technical: Aide, pedagogical: Questions}
assessment: Un quiz.
modules: [00-un, 01-deux]
"""


def text_module(key: str, title: str, *, quiz: bool = False) -> str:
    items = "".join(f"- {{key: t{n}, kind: text, title: {title} {n}, estimated_minutes: 1, body: texte.md}}\n"
                    for n in (1, 2))
    return (f"key: {key}\ntitle: {title}\nitems:\n{items}"
            + ("- {key: quiz, kind: quiz, title: Un quiz, estimated_minutes: 1, quiz: quiz.yaml}\n" if quiz else ""))


@pytest.fixture
def two_modules(tmp_path) -> Path:
    folder = tmp_path / "deux"
    (folder / "course.yaml").parent.mkdir()
    (folder / "course.yaml").write_text(TWO_MODULES)
    for name, key, title in (("00-un", "un", "Lire"), ("01-deux", "deux", "Relire")):
        (folder / name).mkdir()
        (folder / name / "module.yaml").write_text(text_module(key, title, quiz=key == "deux"))
        (folder / name / "texte.md").write_text("Un texte.\n")
    two_questions = QUIZ + QUIZ.split("questions:\n")[1].replace("Écouter aide.", "Juger aide.")
    (folder / "01-deux" / "quiz.yaml").write_text(two_questions)
    return folder


def move_buttons(page: str, prefix: str, row_id: int) -> set[str]:
    return {direction for direction in ("up", "down") if f'id="{prefix}-{row_id}-{direction}"' in page}


def test_an_imported_course_numbers_from_1_and_the_editors_move_buttons_fit(client, make, two_modules):
    """What the trainer sees after an import: "Module 1" first; the first row can only go down, the last only up."""
    from tests.conftest import login_as, post_form

    trainer = make.trainer()
    course = import_course(two_modules, actor=trainer).course
    commit()
    first, second = course.modules
    assert [m.position for m in course.modules] == [1, 2] and [i.position for i in first.items] == [1, 2]
    login_as(client, trainer)
    page = client.get(f"/edition/parcours/{course.id}").get_data(as_text=True)
    assert "Module 1 : Lire" in page and "Module 2 : Relire" in page and "Module 0" not in page
    assert move_buttons(page, "module", first.id) == {"down"} and move_buttons(page, "module", second.id) == {"up"}
    items = second.items
    assert [move_buttons(page, "item", item.id) for item in items] == [{"down"}, {"up", "down"}, {"up"}]

    quiz = items[2].quiz
    assert [q.position for q in quiz.questions] == [1, 2] and [c.position for c in quiz.questions[0].choices] == [1, 2]
    quiz_page = client.get(f"/edition/elements/{items[2].id}/quiz").get_data(as_text=True)
    assert [move_buttons(quiz_page, "question", q.id) for q in quiz.questions] == [{"down"}, {"up"}]
    assert "la question 1" in quiz_page and "la question 0" not in quiz_page
    # moving the second question up works at once, and the API says the same positions
    moved = post_form(client, f"/edition/questions/{quiz.questions[1].id}/deplacer", {"direction": "up"},
                      token_from=f"/edition/elements/{items[2].id}/quiz")
    assert moved.status_code == 302
    api = client.get(f"/api/v1/courses/{course.id}").json
    assert [(m["position"], [i["position"] for i in m["items"]]) for m in api["modules"]] == [(1, [1, 2]), (2, [1, 2, 3])]



def test_the_migration_renumbers_lists_imported_from_0(tmp_path):
    from flask_migrate import upgrade
    from sqlalchemy import text

    from config import TestConfig
    from lms import create_app

    other = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.sqlite'}", INSTANCE_PATH=str(tmp_path))
    with other.app_context():
        upgrade(revision="0010_video_grants_edit")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO courses (id, slug, title, summary, objectives, remote_activities, support, "
                              "assessment, audience_note, status, content_key, created_at, updated_at) VALUES "
                              "(1, 'c', 'C', '', '[]', '[]', '{}', '', '', 'draft', 'k', '2026-01-01', '2026-01-01')"))
            for module_id, position in ((10, 1), (11, 0), (12, 2)):
                conn.execute(text("INSERT INTO modules (id, course_id, key, title, position, summary) "
                                  f"VALUES ({module_id}, 1, 'm{module_id}', 'M', {position}, '')"))
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT id, position FROM modules ORDER BY id")).all() == [(10, 2), (11, 1), (12, 3)]
        db.engine.dispose()


# -- the films are prepared in the background: the course is served at once ----------------------

def test_import_publish_serves_the_course_at_once_and_the_films_come_from_the_background(app, client, make, mini,
                                                                                          monkeypatch, tmp_path):
    """As `make run` does: import --publish returns before any film is rendered; learners find the course, which
    says its film is being prepared; the processing task (run here by `jobs run-due`, in process) then makes it
    ready and the notice goes."""
    from lms.authoring.services.importer import film_states
    from lms.devserver import FilmProgress
    from tests.conftest import login_as

    monkeypatch.setitem(app.config, "OUTBOX_DISPATCH", "none")  # no worker yet: triggers wait in the outbox
    monkeypatch.setitem(app.config, "INSTANCE_PATH", str(tmp_path / "instance"))  # no film rendered before
    owner = make.trainer()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-course", str(mini), "--owner", owner.email, "--publish"])
    assert result.exit_code == 0, result.output
    assert "1 film(s) handed to the worker" in result.output and "mini: published" in result.output
    course = db.session.scalar(select(Course).where(Course.slug == "mini"))
    video = course.modules[0].items[0].video
    assert course.status == PUBLISHED and video.status == PROCESSING
    assert not any(Path(app.config["INSTANCE_PATH"], "rendered-videos").glob(f"{video.original_sha256}*"))
    progress = FilmProgress()  # what `make run` prints meanwhile
    assert progress.line(film_states("mini")) == "  Préparation des films d'exemple : 0/1"
    assert progress.line(film_states("mini")) is None  # once per change

    login_as(client, make.learner())
    page = client.get(f"/formations/{course.id}").get_data(as_text=True)
    assert "1 film de ce parcours est en cours de préparation" in page and "film en préparation" in page

    due = runner.invoke(args=["jobs", "run-due"])
    assert due.exit_code == 0, due.output
    db.session.expire_all()
    assert db.session.get(Video, video.id).status == READY
    assert progress.line(film_states("mini")) == "  Films d'exemple prêts : 1/1" and progress.done
    assert FilmProgress().line(film_states("mini")) is None  # the next `make run`: ready already, nothing said
    page = client.get(f"/formations/{course.id}").get_data(as_text=True)
    assert "en cours de préparation" not in page and "film en préparation" not in page
