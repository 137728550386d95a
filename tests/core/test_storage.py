"""The media store: keys, streamed writes, uploads renamed into place, ranges read outside the request."""
import hashlib
import io
import os
import time
from pathlib import Path

import pytest

from lms.core import storage


def test_range_body_is_readable_after_the_app_context_ends(app):
    """Flask consumes a streamed body after the request context is gone (a 500 seen under `make run`)."""
    with app.app_context():
        stored = storage.save_bytes(b"0123456789" * 10, "test", ".bin")
        body = storage.iter_range(stored.key, 5, 24, chunk=7)
    assert b"".join(body) == (b"0123456789" * 10)[5:25]


def test_keys_are_random_and_never_user_paths(app):
    with app.app_context():
        first, second = storage.new_key("videos", ".mp4"), storage.new_key("videos", ".mp4")
        assert first != second and first.startswith("videos/")
        for bad in ("../etc/passwd", "videos/../../x", "/abs/path", "videos/ab/notahexkey.mp4"):
            with pytest.raises(ValueError):
                storage.path(bad)


def test_stream_over_the_limit_leaves_nothing(app, tmp_path):
    with app.app_context():
        before = {p for p in storage.root().rglob("*") if p.is_file()}
        with pytest.raises(storage.TooLarge):
            storage.save_stream(io.BytesIO(b"x" * 5000), "test", max_bytes=4096)
        assert {p for p in storage.root().rglob("*") if p.is_file()} == before


def upload_files(app) -> list[Path]:
    folder = Path(app.config["MEDIA_ROOT"]) / storage.UPLOADS
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def test_an_upload_is_hashed_on_the_way_then_renamed_not_copied(app, monkeypatch):
    data = os.urandom(300_000)
    with app.app_context():
        upload = storage.open_upload(max_bytes=len(data))
        for start in range(0, len(data), 65536):
            upload.write(data[start:start + 65536])
        assert (upload.size, upload.sha256, upload.head(8)) == (len(data), hashlib.sha256(data).hexdigest(), data[:8])
        upload.seek(0)
        assert upload.read(10) == data[:10]  # readable, as Werkzeug's file parts are
        inode = os.stat(upload.name).st_ino
        monkeypatch.setattr(storage.shutil, "copyfile", lambda *a: pytest.fail("copied"))
        stored = storage.commit_upload(upload, "test", ".bin")
        assert (stored.size, stored.sha256, stored.head[:8]) == (len(data), hashlib.sha256(data).hexdigest(), data[:8])
        assert storage.path(stored.key).stat().st_ino == inode and storage.read_bytes(stored.key) == data
        upload.close()  # closing after the commit keeps the file
        upload.discard()
        assert storage.exists(stored.key) and upload_files(app) == []
        with pytest.raises(ValueError):
            storage.commit_upload(upload, "test")


def test_an_upload_past_its_limit_or_given_up_leaves_nothing(app):
    with app.app_context():
        upload = storage.open_upload(max_bytes=100)
        upload.write(b"x" * 100)
        assert upload_files(app) == [Path(upload.name)]
        with pytest.raises(storage.TooLarge):
            upload.write(b"x")
        assert upload_files(app) == []
        with pytest.raises(ValueError):
            upload.write(b"x")
        for end in (storage.Upload.close, storage.Upload.discard):
            other = storage.open_upload()
            other.write(b"data")
            end(other)
            assert upload_files(app) == []


def test_uploads_abandoned_by_a_killed_worker_are_removed_later(app):
    with app.app_context():
        old, fresh = storage.open_upload(), storage.open_upload()
        past = time.time() - 7200
        os.utime(old.name, (past, past))
        assert storage.remove_stale_uploads(3600) == 1
        assert upload_files(app) == [Path(fresh.name)]
        fresh.discard()
        old.discard()  # already gone: no error
