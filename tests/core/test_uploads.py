"""Video uploads received straight into the media store (lms.core.uploads): one write, nothing left behind.

The request bodies are built in memory (the test client would otherwise spool big bodies to the
system temp folder itself); the system temp folder is a fresh, watched folder during each test.
"""
import hashlib
import io
import os
import tempfile
from pathlib import Path

import pytest
import werkzeug.wrappers.request

from lms.core import storage, uploads
from lms.extensions import db
from lms.videos.models import Video
from tests.conftest import csrf_token, login_as, media_files
from tests.videotools import VTT, ready_video

BOUNDARY = "----lms-test-upload-9f1c"
MB = 1024 * 1024
MP4_HEAD = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"


def multipart(fields: dict[str, str], content: bytes, name: str = "film.mp4") -> bytes:
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
             for key, value in fields.items()]
    parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                 "Content-Type: video/mp4\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def post(client, url: str, body: bytes, **kwargs):
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}", **kwargs)


@pytest.fixture
def watched(app, tmp_path, monkeypatch):
    """The system temp folder replaced by an empty one; Werkzeug's default file spooling and any copy
    between files fail the test; ``.opened`` counts the uploads the route created."""
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    monkeypatch.setitem(app.config, "OUTBOX_DISPATCH", "none")  # processing (ffmpeg) would use the system temp
    spooled = []
    monkeypatch.setattr(werkzeug.wrappers.request, "default_stream_factory",
                        lambda **kwargs: spooled.append(kwargs) or pytest.fail("spooled by Werkzeug"))
    monkeypatch.setattr(storage.shutil, "copyfile", lambda *a: pytest.fail("copied"))

    class Watch:
        opened = 0
        before = media_files(app)

        def new_files(self) -> set[Path]:
            return media_files(app) - self.before

        def assert_nothing_left(self) -> None:
            assert self.new_files() == set()
            assert list(system_tmp.iterdir()) == [] and spooled == []

    original = uploads.RequestUpload.__init__

    def counting(self, *args, **kwargs):
        Watch.opened += 1
        original(self, *args, **kwargs)

    monkeypatch.setattr(uploads.RequestUpload, "__init__", counting)
    return Watch()


@pytest.fixture
def web_trainer(client, make):
    user = make.trainer()
    login_as(client, user)
    return user


def test_an_api_upload_is_written_once_into_the_media_store(app, client, trainer_headers, watched):
    content = MP4_HEAD + os.urandom(3 * MB)
    response = post(client, "/api/v1/videos", multipart({"title": "Trois Mo"}, content), headers=trainer_headers)
    assert response.status_code == 202, response.json
    video = db.session.get(Video, response.json["id"])
    (stored,) = watched.new_files()  # exactly one file, and no temporary one
    assert stored == storage.path(video.original_key) and stored.read_bytes() == content
    assert video.original_sha256 == hashlib.sha256(content).hexdigest() == hashlib.sha256(stored.read_bytes()).hexdigest()
    assert video.original_size == len(content) and watched.opened == 1
    assert list(Path(tempfile.gettempdir()).iterdir()) == []


def test_an_html_upload_is_written_once_into_the_media_store(app, client, web_trainer, watched):
    content = MP4_HEAD + os.urandom(2 * MB)
    body = multipart({"csrf_token": csrf_token(client, "/edition/videos"), "title": "Deux Mo"}, content)
    response = post(client, "/edition/videos", body)
    assert response.status_code == 302
    video = db.session.scalars(db.select(Video)).one()
    assert watched.new_files() == {storage.path(video.original_key)}
    assert video.original_sha256 == hashlib.sha256(content).hexdigest() and video.original_size == len(content)
    assert list(Path(tempfile.gettempdir()).iterdir()) == []


def test_past_max_upload_mb_while_streaming_is_413_and_nothing_is_left(app, client, trainer_headers, web_trainer,
                                                                        watched, monkeypatch):
    """The body is within the framing allowance, the file part is not: refused as it arrives."""
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 1)
    content = MP4_HEAD + bytes(MB)
    response = post(client, "/api/v1/videos", multipart({"title": "Trop"}, content), headers=trainer_headers)
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"
    body = multipart({"csrf_token": csrf_token(client, "/edition/videos"), "title": "Trop"}, content)
    response = post(client, "/edition/videos", body)
    assert response.status_code == 413 and "La vidéo dépasse la taille maximale autorisée (1 Mo)." in response.text
    assert watched.opened == 2
    watched.assert_nothing_left()
    assert db.session.query(Video).count() == 0


def test_past_the_body_limit_is_413_from_content_length_before_anything_is_read(app, client, trainer_headers,
                                                                                watched, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 1)
    response = post(client, "/api/v1/videos", multipart({"title": "Trop"}, MP4_HEAD + bytes(3 * MB)),
                    headers=trainer_headers)
    assert response.status_code == 413 and watched.opened == 0
    watched.assert_nothing_left()


def test_not_a_video_is_415_and_nothing_is_left(app, client, trainer_headers, web_trainer, watched):
    content = b"Bonjour, je suis un texte.\n" * 20000
    response = post(client, "/api/v1/videos", multipart({"title": "Texte"}, content), headers=trainer_headers)
    assert response.status_code == 415 and response.json["error"]["code"] == "not_a_video"
    body = multipart({"csrf_token": csrf_token(client, "/edition/videos"), "title": "Texte"}, content)
    assert post(client, "/edition/videos", body).status_code == 415
    assert watched.opened == 2
    watched.assert_nothing_left()


def test_a_client_gone_mid_upload_leaves_nothing(app, client, trainer_headers, watched):
    body = multipart({"title": "Coupé"}, MP4_HEAD + os.urandom(2 * MB))
    response = client.post("/api/v1/videos", input_stream=io.BytesIO(body[: MB]), content_length=len(body),
                           content_type=f"multipart/form-data; boundary={BOUNDARY}", headers=trainer_headers)
    # 400 where the server reports the short body, 422 (no file) where the parser just sees it end
    assert response.status_code in (400, 422) and watched.opened == 1
    watched.assert_nothing_left()


def test_no_csrf_token_or_an_error_in_the_view_leaves_nothing(app, client, trainer_headers, web_trainer, watched,
                                                             monkeypatch):
    response = post(client, "/edition/videos", multipart({"title": "Sans jeton"}, MP4_HEAD + bytes(MB)))
    assert response.status_code == 400 and db.session.query(Video).count() == 0
    monkeypatch.setattr("lms.videos.services.library.sniff_container", lambda head: 1 / 0)
    response = post(client, "/api/v1/videos", multipart({"title": "Erreur"}, MP4_HEAD + bytes(MB)),
                    headers=trainer_headers)
    assert response.status_code == 500
    assert watched.opened == 2
    watched.assert_nothing_left()


def test_other_forms_keep_werkzeugs_default(app, client, web_trainer, monkeypatch):
    video = ready_video(web_trainer)
    spooled = []
    default = werkzeug.wrappers.request.default_stream_factory
    monkeypatch.setattr(werkzeug.wrappers.request, "default_stream_factory",
                        lambda **kwargs: spooled.append(kwargs) or default(**kwargs))
    body = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f'{csrf_token(client, f"/edition/videos/{video.id}")}\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="vtt-lang"\r\n\r\nfr\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="vtt-file"; filename="fr.vtt"\r\n\r\n').encode()
    body += VTT + f"\r\n--{BOUNDARY}--\r\n".encode()
    assert post(client, f"/edition/videos/{video.id}/sous-titres", body).status_code == 302
    assert len(spooled) == 1
