"""Big uploads received straight into the media store while the request is parsed.

By default Werkzeug's form parser spools every file part to a temporary file in the
system temp folder (often RAM), and the view then copies it into the media store. On
the routes that wrap their work in ``into_media_store`` the parser writes each file
part into a ``storage.Upload`` instead: the sha256 and the size limit are computed as
the bytes arrive, and ``storage.commit_upload`` ends with a rename. Other routes keep
Werkzeug's default.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from lms.core import storage

FRAMING = 1024 * 1024  # allowance for the multipart framing and the other fields


class RequestUpload(storage.Upload):
    """A file part of the request: past the limit, the same 413 as Werkzeug's own body limit."""

    def write(self, data: bytes) -> int:
        try:
            return super().write(data)
        except storage.TooLarge:
            raise RequestEntityTooLarge() from None


@contextmanager
def into_media_store(max_bytes: int) -> Iterator[None]:
    """Within the block, the request's file parts are ``storage.Upload`` objects (``FileStorage.stream``),
    each at most ``max_bytes``; the whole body at most ``max_bytes`` + FRAMING, refused from its
    Content-Length before anything is read. On leaving the block (response, error, client gone)
    every upload not committed is removed.

    Call it before anything reads the form (``request.form``, ``request.files``, the CSRF check)."""
    req = request._get_current_object()  # the instance itself: the hook below is set on it
    if "form" in req.__dict__ or "files" in req.__dict__:
        raise RuntimeError("the form was parsed before into_media_store")
    received: list[storage.Upload] = []

    def stream_factory(total_content_length: int | None, content_type: str | None, filename: str | None = None,
                       content_length: int | None = None) -> storage.Upload:
        upload = RequestUpload(max_bytes=max_bytes)
        received.append(upload)
        return upload

    # This route alone is bound by max_bytes, not MAX_CONTENT_LENGTH.
    req.max_content_length = max_bytes + FRAMING
    # Request._get_file_stream is Werkzeug's hook for the parser's stream factory (meant to be
    # overridden); set on this request only, so other routes keep the default.
    req._get_file_stream = stream_factory  # type: ignore[method-assign]
    try:
        yield
    finally:
        for upload in received:
            upload.discard()
        if "form" not in req.__dict__:  # parsing failed (413, client gone): never parse the rest later
            req.__dict__["form"] = req.__dict__["files"] = req.parameter_storage_class()
