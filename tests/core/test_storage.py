"""The media store: keys, streamed writes, ranges read outside the request."""
import io

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
