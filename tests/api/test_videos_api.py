"""The Videos section of shared/API.md."""
from pathlib import Path
from urllib.parse import urlsplit

from lms.authoring.models import Item
from lms.core.db import commit
from lms.extensions import db
from lms.videos.models import Video
from tests.conftest import api_headers, media_files
from tests.videotools import VTT, course_using, cut_short, make_video, ready_video, top_level_atoms


def post_video(client, headers, path: Path, title="Premiers secours en santé mentale"):
    with open(path, "rb") as stream:
        return client.post("/api/v1/videos", headers=headers, content_type="multipart/form-data",
                           data={"title": title, "file": (stream, "nom-sans-importance.bin")})


def test_upload_is_accepted_then_ready_with_its_urls(app, client, trainer_headers, tmp_path):
    response = post_video(client, trainer_headers, make_video(tmp_path / "film.mp4"))
    assert response.status_code == 202 and response.json["status"] == "processing"
    video_id = response.json["id"]
    assert response.headers["Location"].endswith(f"/api/v1/videos/{video_id}")
    state = client.get(f"/api/v1/videos/{video_id}", headers=trainer_headers).json  # processed inline in tests
    assert state["status"] == "ready" and "error" not in state and 1.9 <= state["duration_s"] <= 2.1
    assert urlsplit(state["stream_url"]).path == f"/media/videos/{video_id}/stream.mp4"
    assert state["poster_url"] and state["captions"] == []
    streamed = client.get(state["stream_url"])  # signed for the caller: no token needed
    assert streamed.status_code == 200
    target = tmp_path / "out.mp4"
    target.write_bytes(streamed.data)
    atoms = top_level_atoms(target)
    assert atoms.index("moov") < atoms.index("mdat")


def test_the_request_limit_does_not_apply_to_uploads_but_max_upload_mb_does(app, client, trainer_headers, tmp_path):
    source = make_video(tmp_path / "film.mp4")
    saved = app.config["MAX_CONTENT_LENGTH"], app.config["MAX_UPLOAD_MB"]
    app.config["MAX_CONTENT_LENGTH"] = 1024  # far below the file: only MAX_UPLOAD_MB counts here
    try:
        assert post_video(client, trainer_headers, source).status_code == 202
        app.config["MAX_UPLOAD_MB"] = (source.stat().st_size - 1) / (1024 * 1024)
        before = media_files(app)
        response = post_video(client, trainer_headers, source)
        assert response.status_code == 413 and response.json["error"]["code"] == "too_large"
        assert media_files(app) == before
        app.config["MAX_UPLOAD_MB"] = 0.0005  # 524 bytes: refused by the parser from Content-Length
        assert post_video(client, trainer_headers, source).status_code == 413
        assert media_files(app) == before
    finally:
        app.config["MAX_CONTENT_LENGTH"], app.config["MAX_UPLOAD_MB"] = saved


def test_not_a_video_is_415_whatever_its_name(app, client, trainer_headers, tmp_path):
    fake = tmp_path / "film.mp4"
    fake.write_text("Bonjour, je suis un texte.\n" * 50)
    before = media_files(app)
    response = post_video(client, trainer_headers, fake)
    assert response.status_code == 415 and response.json["error"]["code"] == "not_a_video"
    assert media_files(app) == before


def test_missing_file_or_json_body(client, trainer_headers):
    assert client.post("/api/v1/videos", headers=trainer_headers, json={"title": "x"}).status_code == 415
    response = client.post("/api/v1/videos", headers=trainer_headers, data={"title": "x"}, content_type="multipart/form-data")
    assert response.status_code == 422 and "file" in response.json["error"]["fields"]


def test_a_truncated_upload_is_reported_failed_in_french(client, trainer_headers, tmp_path):
    whole = make_video(tmp_path / "film.mp4")
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[:4000])
    video_id = post_video(client, trainer_headers, cut).json["id"]
    state = client.get(f"/api/v1/videos/{video_id}", headers=trainer_headers).json
    assert state["status"] == "failed" and "incomplet" in state["error"] and state["stream_url"] is None


def test_a_faststart_upload_cut_short_is_failed_not_ready_and_shorter(client, trainer_headers, tmp_path):
    whole = make_video(tmp_path / "film.mp4", faststart=True)
    response = post_video(client, trainer_headers, cut_short(whole, tmp_path / "cut.mp4", keep=0.6))
    assert response.status_code == 202
    state = client.get(f"/api/v1/videos/{response.json['id']}", headers=trainer_headers).json
    assert state["status"] == "failed" and state["duration_s"] is None and state["stream_url"] is None
    assert state["error"].startswith("Le fichier est incomplet (il manque ")
    assert state["error"].endswith("Envoyez à nouveau le fichier d'origine.")


def test_captions_and_transcript(app, client, trainer_headers, tmp_path):
    video_id = post_video(client, trainer_headers, make_video(tmp_path / "film.mp4", duration=1)).json["id"]
    url = f"/api/v1/videos/{video_id}/captions"
    created = client.post(url, headers=trainer_headers, data=VTT, content_type="text/vtt", query_string={"lang": "fr"})
    assert created.status_code == 201 and created.json == {"lang": "fr", "url": f"/media/videos/{video_id}/captions/fr.vtt"}
    bad = client.post(url, headers=trainer_headers, data=b"WEBVTT\n\n00:00:01.000 --> 00:00:00.500\nx\n",
                      content_type="text/vtt", query_string={"lang": "en"})
    assert bad.status_code == 422 and bad.json["error"]["message"].startswith("Ligne 3 :")
    assert client.post(url, headers=trainer_headers, data=VTT, content_type="text/vtt").status_code == 422  # no lang
    assert client.post(url, headers=trainer_headers, json={}, query_string={"lang": "fr"}).status_code == 415
    state = client.get(f"/api/v1/videos/{video_id}", headers=trainer_headers).json
    assert [(c["lang"], urlsplit(c["url"]).path) for c in state["captions"]] == [
        ("fr", f"/media/videos/{video_id}/captions/fr.vtt")]

    transcript = client.put(f"/api/v1/videos/{video_id}/transcript", headers=trainer_headers,
                            data="## Transcription\n\nAnne : ça va.".encode(), content_type="text/markdown")
    assert transcript.status_code == 200 and transcript.json["transcript"].startswith("## Transcription")
    assert transcript.json["from_captions"] is False
    assert client.put(f"/api/v1/videos/{video_id}/transcript", headers=trainer_headers, json={}).status_code == 415
    assert client.get("/api/v1/videos/999999", headers=trainer_headers).status_code == 404


def test_only_the_owner_a_trainer_of_a_course_using_it_or_a_coordinator_change_a_video(app, client, make):
    """Another trainer gets 403 on the captions and the transcript of a video that a published course shows,
    and nothing changes; its owner, the trainer of that course and a coordinator may."""
    owner, course_trainer, stranger = make.trainer(), make.trainer(), make.trainer()
    video = ready_video(owner)
    course = course_using(video, published=True)
    course.owner_id = course_trainer.id
    commit()
    captions, transcript = f"/api/v1/videos/{video.id}/captions", f"/api/v1/videos/{video.id}/transcript"
    before = (video.caption("fr").storage_key, video.transcript)

    def change(user, words: str):
        headers = api_headers(app, user)
        vtt = client.post(captions, headers=headers, data=VTT.replace(b"Bonjour", words.encode()),
                          content_type="text/vtt", query_string={"lang": "fr"})
        text = client.put(transcript, headers=headers, data=words.encode(), content_type="text/plain")
        return vtt.status_code, text.status_code

    assert change(stranger, "Faux") == (403, 403)
    assert change(make.learner(), "Faux") == (403, 403)
    db.session.expire_all()
    stored = db.session.get(Video, video.id)
    assert (stored.caption("fr").storage_key, stored.transcript) == before
    for user in (owner, course_trainer, make.coordinator()):
        assert change(user, f"Relu par {user.id}") == (201, 200)
        db.session.expire_all()
        assert db.session.get(Video, video.id).transcript == f"Relu par {user.id}"


def test_reusing_a_colleagues_video_in_ones_own_course_does_not_let_one_change_it(app, client, make):
    """The library is shared: another trainer may put a colleague's film in their own draft course (201, the item
    plays it), but that does not make them "a trainer of a course that uses it": captions and transcript stay 403
    and unchanged, for the learners of the colleague's published course."""
    owner, reuser = make.trainer(), make.trainer()
    video = ready_video(owner)
    course_using(video, published=True)
    headers = api_headers(app, reuser)
    course_id = client.post("/api/v1/courses", json={"title": "Mon parcours"}, headers=headers).json["id"]
    module_id = client.post(f"/api/v1/courses/{course_id}/modules", json={"title": "M"}, headers=headers).json["id"]
    added = client.post(f"/api/v1/modules/{module_id}/items", headers=headers,
                        json={"kind": "video", "title": "Le film d'une collègue", "video_id": video.id})
    assert added.status_code == 201
    outline = client.get(f"/api/v1/courses/{course_id}", headers=headers).json
    assert [i.get("video_id") for m in outline["modules"] for i in m["items"]] == [video.id]
    before = (video.caption("fr").storage_key, video.transcript)
    vtt = client.post(f"/api/v1/videos/{video.id}/captions", headers=headers, query_string={"lang": "fr"},
                      data=VTT.replace(b"Bonjour", b"Faux"), content_type="text/vtt")
    text = client.put(f"/api/v1/videos/{video.id}/transcript", headers=headers, data=b"Faux", content_type="text/plain")
    assert (vtt.status_code, text.status_code) == (403, 403)
    db.session.expire_all()
    stored = db.session.get(Video, video.id)
    assert (stored.caption("fr").storage_key, stored.transcript) == before


def test_a_video_attached_by_a_coordinator_or_its_owner_goes_with_the_course(app, client, make):
    """A coordinator who builds a trainer's course with someone's film hands that trainer the video; the trainer
    may then reuse it in another course of theirs, which grants as well (they could change it)."""
    owner, course_trainer = make.trainer(), make.trainer()
    video = ready_video(owner)
    trainer_headers, coordinator = api_headers(app, course_trainer), api_headers(app, make.coordinator())
    course_id = client.post("/api/v1/courses", json={"title": "Son parcours"}, headers=trainer_headers).json["id"]
    module_id = client.post(f"/api/v1/courses/{course_id}/modules", json={"title": "M"},
                            headers=trainer_headers).json["id"]
    transcript = f"/api/v1/videos/{video.id}/transcript"
    assert client.put(transcript, headers=trainer_headers, data=b"Avant", content_type="text/plain").status_code == 403
    added = client.post(f"/api/v1/modules/{module_id}/items", headers=coordinator,
                        json={"kind": "video", "title": "Film", "video_id": video.id})
    assert added.status_code == 201
    response = client.put(transcript, headers=trainer_headers, data=b"Relue par son formateur", content_type="text/plain")
    assert response.status_code == 200
    assert client.post(f"/api/v1/videos/{video.id}/captions", headers=trainer_headers, query_string={"lang": "fr"},
                       data=VTT, content_type="text/vtt").status_code == 201
    db.session.expire_all()
    assert db.session.get(Video, video.id).transcript == "Relue par son formateur"
    second = client.post("/api/v1/courses", json={"title": "Son autre parcours"}, headers=trainer_headers).json["id"]
    module_id = client.post(f"/api/v1/courses/{second}/modules", json={"title": "M"}, headers=trainer_headers).json["id"]
    reused = client.post(f"/api/v1/modules/{module_id}/items", headers=trainer_headers,
                         json={"kind": "video", "title": "Film", "video_id": video.id})
    assert reused.status_code == 201 and db.session.get(Item, reused.json["id"]).video_grants_edit is True
