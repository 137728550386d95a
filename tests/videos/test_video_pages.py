"""The trainers' video library pages: list, streamed upload (413/415 as French pages), captions, transcript."""
import html as html_lib
import io
import re
from pathlib import Path

import pytest

from lms.core import storage
from lms.core.db import commit
from lms.extensions import db
from lms.videos import services as videos
from lms.videos.models import FAILED, PROCESSING, READY, Video
from lms.videos.services import processing
from tests.conftest import api_headers, csrf_token, login_as, media_files, post_form
from tests.videotools import VTT, course_using, cut_short, make_video, ready_video

LIBRARY = "/edition/videos"



def page_of(video) -> str:
    return f"{LIBRARY}/{video.id}"


def text(response) -> str:
    """The HTML with entities decoded (data from the database is escaped, template text is not)."""
    return html_lib.unescape(response.get_data(as_text=True))


def upload(client, path: Path | None = None, *, data: bytes | None = None, name: str = "film.mp4", title="Mon film",
           **kwargs):
    body = data if data is not None else path.read_bytes()
    return post_form(client, LIBRARY, {"title": title, "file": (io.BytesIO(body), name)}, **kwargs)


@pytest.fixture
def trainer(client, make):
    user = make.trainer()
    login_as(client, user)
    return user


# -- the list ------------------------------------------------------------------------------------

def test_the_library_lists_every_video_with_its_state_duration_and_captions(client, make, trainer):
    ready = ready_video(trainer)
    db.session.add_all([Video(title="Film en cours", owner_id=trainer.id, status=PROCESSING),
                        Video(title="Film raté", owner_id=trainer.id, status=FAILED, error=processing.NO_VIDEO_STREAM)])
    commit()
    response = client.get(LIBRARY)
    assert response.status_code == 200
    html = text(response)
    assert "<h1>Vidéothèque</h1>" in html
    row = html[html.index(f'href="{page_of(ready)}"'):]
    row = row[:row.index("</tr>")]
    assert "Prête" in row and "2\u00a0s" in row and '<span lang="fr">Français</span> (fr)' in row
    assert "Vous modifiez les vidéos que vous avez envoyées" not in html  # all of them are theirs
    assert "En cours de traitement" in html and "Film en cours" in html
    assert "Échec du traitement" in html and processing.NO_VIDEO_STREAM in html
    assert 'enctype="multipart/form-data"' in html and 'name="file"' in html and "<progress" in html
    assert 'src="/static/js/upload.js"' in html and 'href="/static/css/videos.css"' in html
    assert "2048 Mo au maximum" in html


# -- upload --------------------------------------------------------------------------------------

def test_an_uploaded_mp4_is_processing_then_ready(app, client, trainer, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_DISPATCH", "none")  # as with a worker that has not run yet
    response = upload(client, make_video(tmp_path / "film.mp4"), title="Témoignage")
    assert response.status_code == 302
    video = db.session.scalars(db.select(Video)).one()
    assert response.headers["Location"] == page_of(video)
    assert (video.title, video.owner_id, video.status) == ("Témoignage", trainer.id, PROCESSING)
    assert storage.exists(video.original_key)

    html = text(client.get(page_of(video)))
    assert "Vidéo envoyée." in html and "En cours de traitement" in html
    assert f'href="{page_of(video)}">Actualiser</a>' in html and "<video" not in html
    assert "Témoignage" in text(client.get(LIBRARY))

    videos.process_video(video.id)  # what the worker does
    commit()
    html = text(client.get(page_of(video)))
    assert "Prête" in html and "Actualiser" not in html
    assert f'<source src="/media/videos/{video.id}/stream.mp4" type="video/mp4">' in html
    assert f'poster="/media/videos/{video.id}/poster.jpg"' in html
    assert "<video controls" in html and "autoplay" not in html
    assert "n'a pas encore de sous-titres français" in html
    assert "2\u00a0s" in text(client.get(LIBRARY))


def test_with_the_inline_dispatcher_the_video_is_ready_when_the_page_opens(client, trainer, tmp_path):
    response = upload(client, make_video(tmp_path / "film.mp4"))
    video = db.session.scalars(db.select(Video)).one()
    db.session.refresh(video)
    assert video.status == READY, video.error
    assert "Prête" in text(client.get(response.headers["Location"]))


def test_the_script_upload_gets_201_and_the_page_to_open(client, trainer, tmp_path):
    response = upload(client, make_video(tmp_path / "film.mp4"), headers={"X-Requested-With": "XMLHttpRequest"})
    assert response.status_code == 201
    video = db.session.scalars(db.select(Video)).one()
    assert response.headers["Location"] == page_of(video)
    assert "Vidéo envoyée." in text(client.get(page_of(video)))  # the message waited for that page


def test_the_upload_is_bound_by_max_upload_mb_not_max_content_length(app, client, trainer, tmp_path, monkeypatch):
    source = make_video(tmp_path / "film.mp4")
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", source.stat().st_size // 4)
    assert upload(client, source).status_code == 302
    assert db.session.scalars(db.select(Video)).one().original_size == source.stat().st_size


def test_a_text_file_named_mp4_gets_a_415_page_in_french_and_nothing_is_kept(app, client, trainer):
    before = media_files(app)
    response = upload(client, data="Ceci n'est pas une vidéo.\n".encode() * 200, name="film.mp4")
    assert response.status_code == 415
    html = text(response)
    assert "Ce fichier n'est pas une vidéo reconnue" in html
    assert 'id="file-error"' in html and 'aria-invalid="true"' in html and "error-summary" in html
    assert media_files(app) == before and db.session.query(Video).count() == 0


@pytest.mark.parametrize("extra", [16, 2 * 1024 * 1024], ids=["past the limit", "past the request body limit"])
def test_over_the_size_limit_gets_a_413_page_in_french_and_nothing_is_kept(app, client, trainer, tmp_path,
                                                                           monkeypatch, extra):
    """Just past MAX_UPLOAD_MB the store stops copying; past it by more than the framing allowance the
    request body itself is refused. The same French page either way."""
    limit = 64 * 1024
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", limit / (1024 * 1024))
    data = b"\x00\x00\x00\x18ftypisom" + bytes(limit + extra)
    before = media_files(app)
    response = upload(client, data=data)
    assert response.status_code == 413
    html = text(response)
    assert "La vidéo dépasse la taille maximale autorisée (1 Mo)." in html and 'id="file-error"' in html
    assert media_files(app) == before and db.session.query(Video).count() == 0


def test_a_missing_file_or_title_is_shown_next_to_the_fields(client, trainer):
    response = post_form(client, LIBRARY, {"title": ""})
    assert response.status_code == 422
    html = text(response)
    assert "Indiquez le titre de la vidéo." in html and "Choisissez un fichier vidéo." in html


# -- the video's page: captions, transcript, courses ----------------------------------------------

def test_a_valid_webvtt_file_becomes_the_french_track_and_the_transcript(client, trainer):
    video = ready_video(trainer)
    response = post_form(client, f"{page_of(video)}/sous-titres",
                         {"vtt-lang": "fr", "vtt-file": (io.BytesIO(VTT.replace(b"Bonjour", b"Salut")), "fr.vtt")})
    assert response.status_code == 302 and response.headers["Location"] == page_of(video)
    html = text(client.get(page_of(video)))
    assert "Sous-titres « fr » enregistrés." in html
    assert re.search(rf'<track kind="captions" srclang="fr" label="Français"\s+src="/media/videos/{video.id}/captions/fr.vtt" default>', html)
    assert f'href="/media/videos/{video.id}/captions/fr.vtt"' in html
    textarea = re.search(r'<textarea[^>]*name="transcript"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert textarea.strip() == "Salut et bienvenue.\n\nLa santé mentale."

    response = post_form(client, f"{page_of(video)}/sous-titres", {"vtt-lang": "en", "vtt-file": (io.BytesIO(VTT), "en.vtt")})
    assert response.status_code == 302
    html = text(client.get(page_of(video)))
    assert re.search(r'<track kind="captions" srclang="en" label="English"\s+src="[^"]+/captions/en.vtt">', html)
    assert '<span lang="en">English</span> (en)' in html


@pytest.mark.parametrize("data, message", [
    (b"WEBVTT\n\n00:00.000 --> 00:01.000\nUn\n\n00:02.000 -> 00:03.000\nDeux\n",
     "Ligne 6 : horodatage invalide « 00:02.000 -> 00:03.000 »"),
    (b"WEBVTT\n\n00:00.000 --> 00:01.000\nSant\xe9 mentale\n", "Ligne 4 : le fichier doit être encodé en UTF-8."),
    (b"Bonjour\n", "Ligne 1 : le fichier doit commencer par « WEBVTT »."),
], ids=["timing", "not utf-8", "no header"])
def test_an_invalid_webvtt_file_is_refused_with_its_line(client, trainer, data, message):
    video = ready_video(trainer)
    before = video.caption("fr").storage_key
    response = post_form(client, f"{page_of(video)}/sous-titres", {"vtt-lang": "fr", "vtt-file": (io.BytesIO(data), "fr.vtt")})
    assert response.status_code == 422
    html = text(response)
    error = re.search(r'<p class="error" id="vtt-file-error">(.*?)</p>', html, re.S).group(1)
    assert message in error
    db.session.expire_all()
    assert db.session.get(Video, video.id).caption("fr").storage_key == before


def test_a_bad_language_code_or_no_file_is_shown_next_to_the_field(client, trainer):
    video = ready_video(trainer)
    response = post_form(client, f"{page_of(video)}/sous-titres", {"vtt-lang": "français", "vtt-file": (io.BytesIO(VTT), "fr.vtt")})
    assert response.status_code == 422
    assert re.search(r'id="vtt-lang-error">[^<]*Code de langue attendu', text(response))
    response = post_form(client, f"{page_of(video)}/sous-titres", {"vtt-lang": "fr"})
    assert response.status_code == 422 and "Choisissez un fichier WebVTT." in text(response)


def test_the_transcript_is_edited_then_given_back_to_the_captions(client, trainer):
    video = ready_video(trainer)
    response = post_form(client, f"{page_of(video)}/transcription", {"transcript": "Texte **relu**, santé."})
    assert response.status_code == 302
    db.session.expire_all()
    video = db.session.get(Video, video.id)
    assert (video.transcript, video.transcript_from_captions) == ("Texte **relu**, santé.", False)
    html = text(client.get(page_of(video)))
    assert "Transcription enregistrée." in html and "Texte **relu**, santé.</textarea>" in html

    assert post_form(client, f"{page_of(video)}/transcription", {"transcript": "  "}).status_code == 302
    db.session.expire_all()
    video = db.session.get(Video, video.id)
    assert (video.transcript, video.transcript_from_captions) == ("Bonjour et bienvenue.\n\nLa santé mentale.", True)
    assert "La transcription reprend le texte des sous-titres français." in text(client.get(page_of(video)))


def test_the_page_lists_the_courses_using_the_video(client, trainer):
    video = ready_video(trainer)
    assert "Aucun parcours n'utilise cette vidéo." in text(client.get(page_of(video)))
    course_using(video, published=True, slug="parcours-avec-film")
    html = text(client.get(page_of(video)))
    assert "Parcours (publié)" in html


def test_a_failed_video_shows_why(client, trainer):
    video = Video(title="Film", owner_id=trainer.id, status=FAILED, error=processing.TRUNCATED)
    db.session.add(video)
    commit()
    html = text(client.get(page_of(video)))
    assert "Échec du traitement" in html and "Le fichier semble incomplet ou endommagé" in html and "<video" not in html


@pytest.mark.parametrize("cut", [None, dict(keep=0.6), dict(keep=1, drop=40)], ids=["whole", "60 %", "last 40 bytes missing"])
def test_a_faststart_mp4_cut_short_is_failed_with_its_reason_on_the_page_and_in_the_api(app, client, trainer, tmp_path, cut):
    """Through the upload route and the processing the outbox runs after the commit (the worker's function)."""
    whole = make_video(tmp_path / "film.mp4", faststart=True)
    response = upload(client, cut_short(whole, tmp_path / "cut.mp4", **cut) if cut else whole)
    assert response.status_code == 302
    video = db.session.scalars(db.select(Video)).one()
    db.session.refresh(video)
    html = text(client.get(page_of(video)))
    state = client.get(f"/api/v1/videos/{video.id}", headers=api_headers(app, trainer)).json
    if cut is None:
        assert video.status == READY and "Prête" in html and "<dt>Durée</dt><dd>2\u00a0s</dd>" in html
        assert state["status"] == "ready" and 1.9 <= state["duration_s"] <= 2.1 and "error" not in state
        return
    assert video.status == FAILED and video.error.startswith("Le fichier est incomplet (il manque ")
    assert "Échec du traitement" in html and f'<dd class="video-error">{video.error}</dd>' in html and "<video" not in html
    assert state["status"] == "failed" and state["error"] == video.error and state["stream_url"] is None
    assert "Envoyez à nouveau le fichier d'origine." in state["error"]


def test_an_unknown_video_is_404(client, trainer):
    assert client.get(f"{LIBRARY}/999999").status_code == 404


# -- who may -------------------------------------------------------------------------------------

def test_learners_get_403_on_every_page_and_nothing_changes(app, client, make, tmp_path):
    video = ready_video(make.trainer())
    login_as(client, make.learner())
    token = csrf_token(client, "/compte")
    before = media_files(app)
    assert client.get(LIBRARY).status_code == 403
    assert client.get(page_of(video)).status_code == 403
    response = client.post(LIBRARY, data={"csrf_token": token, "title": "F",
                                          "file": (io.BytesIO(make_video(tmp_path / "f.mp4").read_bytes()), "f.mp4")})
    assert response.status_code == 403 and "Vous n'avez pas accès" in text(response)
    assert client.post(f"{page_of(video)}/sous-titres", data={"csrf_token": token, "vtt-file": (io.BytesIO(VTT), "fr.vtt")}).status_code == 403
    assert client.post(f"{page_of(video)}/transcription", data={"csrf_token": token, "transcript": "X"}).status_code == 403
    assert media_files(app) == before and db.session.query(Video).count() == 1


@pytest.mark.parametrize("reuses", [False, True], ids=["library", "reused-in-own-draft"])
def test_another_trainer_cannot_change_a_video_used_in_a_published_course(app, client, make, reuses):
    """Captions and transcript are what learners of the course see: only the video's owner, a trainer of a course
    that uses it and coordinators change them. Another trainer sees the video in the library (to use it in their
    own courses) but gets 403 on its page and its forms, and nothing is stored. Putting the film in their own draft
    course through the authoring pages is allowed (the library is shared) and changes none of that: the item does
    not grant them the video (permissions.can_edit_video)."""
    from lms.authoring import services
    from lms.authoring.models import Item

    video = ready_video(make.trainer())
    course_using(video, published=True)
    stranger = make.trainer()
    login_as(client, stranger)
    if reuses:
        course = services.create_course(stranger, "Mon parcours")
        module = services.add_module(stranger, course, "Comprendre")
        commit()
        prefix = f"item-{module.id}"
        response = post_form(client, f"/edition/modules/{module.id}/elements", {
            f"{prefix}-kind": "video", f"{prefix}-title": "Témoignage", f"{prefix}-video_id": str(video.id)},
            token_from=f"/edition/parcours/{course.id}")
        assert response.status_code == 302
        assert db.session.query(Item.video_id).filter_by(module_id=module.id).scalar() == video.id
    html = text(client.get(LIBRARY))
    assert video.title in html and f'href="{page_of(video)}"' not in html
    assert ("Vous modifiez les vidéos que vous avez envoyées et celles qu'on vous a confiées avec vos parcours ; "
            "les autres, vous pouvez les utiliser dans vos parcours sans les modifier.") in html
    before = (media_files(app), video.caption("fr").storage_key, video.transcript)
    assert client.get(page_of(video)).status_code == 403
    token = csrf_token(client, LIBRARY)
    response = client.post(f"{page_of(video)}/sous-titres", data={
        "csrf_token": token, "vtt-lang": "fr", "vtt-file": (io.BytesIO(VTT.replace(b"Bonjour", b"Faux")), "fr.vtt")})
    assert response.status_code == 403 and "Vous n'avez pas accès" in text(response)
    assert client.post(f"{page_of(video)}/transcription",
                       data={"csrf_token": token, "transcript": "Remplacée"}).status_code == 403
    db.session.expire_all()
    video = db.session.get(Video, video.id)
    assert (media_files(app), video.caption("fr").storage_key, video.transcript) == before


def test_the_trainer_of_a_course_using_a_video_may_change_it(client, make):
    video = ready_video(make.trainer())
    course = course_using(video, published=True)
    course_trainer = make.trainer()
    course.owner_id = course_trainer.id
    commit()
    login_as(client, course_trainer)
    assert f'href="{page_of(video)}"' in text(client.get(LIBRARY))
    assert client.get(page_of(video)).status_code == 200
    assert post_form(client, f"{page_of(video)}/transcription", {"transcript": "Relue par le formateur."}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Video, video.id).transcript == "Relue par le formateur."


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(LIBRARY)
    assert response.status_code == 302 and response.headers["Location"].startswith("/connexion")


def test_a_coordinator_manages_a_trainers_video(client, make):
    video = ready_video(make.trainer())
    login_as(client, make.coordinator())
    assert client.get(LIBRARY).status_code == 200
    assert post_form(client, f"{page_of(video)}/transcription", {"transcript": "Relu."}).status_code == 302


def test_csrf_is_enforced_on_every_form(app, client, trainer, tmp_path):
    video = ready_video(trainer)
    before = media_files(app)
    film = make_video(tmp_path / "f.mp4").read_bytes()
    for token in (None, "not-the-token"):
        data = {"csrf_token": token} if token else {}
        response = client.post(LIBRARY, data={**data, "title": "F", "file": (io.BytesIO(film), "f.mp4")})
        assert response.status_code == 400 and "Le formulaire a expiré" in text(response)
        response = client.post(f"{page_of(video)}/sous-titres", data={**data, "vtt-file": (io.BytesIO(VTT), "fr.vtt")})
        assert response.status_code == 400
        response = client.post(f"{page_of(video)}/transcription", data={**data, "transcript": "X"})
        assert response.status_code == 400
    assert media_files(app) == before and db.session.query(Video).count() == 1
    db.session.expire_all()
    assert db.session.get(Video, video.id).transcript_from_captions
