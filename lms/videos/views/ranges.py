"""Serve a file of the media store over HTTP with byte ranges and caching validators (RFC 9110).

``Range: bytes=a-b`` / ``a-`` / ``-n`` gives 206 with ``Content-Range``; a range past the
end gives 416 with ``Content-Range: bytes */size``; ``If-Range`` with a stale validator
gives the whole file; ``If-None-Match`` / ``If-Modified-Since`` give 304 (werkzeug's
``is_resource_modified``). Several ranges in one request are answered with the whole file
(allowed by the RFC, and what players never ask for). With ``MEDIA_ACCEL = "nginx"`` the
answer carries ``X-Accel-Redirect`` and no body: nginx sends the bytes (and handles Range itself).

The body is the open file, positioned at the range's start, in the server's
``wsgi.file_wrapper`` when it has one (gunicorn then sends ``Content-Length`` bytes
from that offset with ``sendfile``, no copy through Python), else a bounded iterator.
Either way the file is opened in the view: reading the body after the request's
context has ended needs nothing from it.

Why not werkzeug's ``send_file(conditional=True)`` / ``Response.make_conditional``: it wraps the body to
skip to the range's start, which reads and drops every byte before it through gunicorn's file wrapper and
loses sendfile (a seek in a long film reads the film); it answers 416, not the whole file, to a Range
header it cannot read or with several ranges, and to a suffix longer than the file (``bytes=-99999``,
which RFC 9110 serves whole); and its If-Range accepts a weak ETag or any date not older than the file
where the RFC wants a strong ETag or that very date. Hence parse_range and _if_range_allows below.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

from flask import Response, current_app, request
from werkzeug.http import http_date, is_resource_modified, parse_date
from werkzeug.wsgi import wrap_file

from lms.core import storage

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
UNSATISFIABLE = "unsatisfiable"


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def parse_range(header: str | None, size: int) -> ByteRange | str | None:
    """One byte range of a file of ``size`` bytes; None to send it whole; UNSATISFIABLE for 416."""
    if not header:
        return None
    match = _RANGE.match(header.strip().replace(" ", ""))
    if match is None:
        return None  # several ranges, another unit or garbage: ignored, the whole file is sent
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix: the last n bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            return UNSATISFIABLE
        return ByteRange(max(0, size - suffix), size - 1)
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None  # invalid syntax: ignored
    if start >= size:
        return UNSATISFIABLE
    return ByteRange(start, min(end, size - 1))


def _if_range_allows(last_modified: datetime, etag: str) -> bool:
    value = request.headers.get("If-Range")
    if not value:
        return True
    value = value.strip()
    if value.startswith(('"', "W/")):
        return not value.startswith("W/") and value == f'"{etag}"'  # strong comparison only
    date = parse_date(value)
    return date is not None and int(last_modified.timestamp()) == int(date.timestamp())


class FileRange:
    """``length`` bytes of an open file from its current position, in chunks; closes the file."""

    def __init__(self, handle: BinaryIO, length: int, chunk: int = storage.CHUNK):
        self.handle, self.length, self.chunk = handle, length, chunk

    def __iter__(self) -> Iterator[bytes]:
        left = self.length
        while left > 0:
            data = self.handle.read(min(self.chunk, left))
            if not data:
                break
            left -= len(data)
            yield data
        self.close()

    def close(self) -> None:
        self.handle.close()


def file_body(key: str, start: int, length: int):
    """The response body for ``length`` bytes of ``key`` from ``start``: the server's file wrapper
    (sendfile) when it offers one, since it sends Content-Length bytes from the file's current
    offset (PEP 3333); a bounded iterator otherwise."""
    handle = storage.open_read(key)
    try:
        handle.seek(start)
        if "wsgi.file_wrapper" in request.environ:
            return wrap_file(request.environ, handle, storage.CHUNK)
        return FileRange(handle, length)
    except BaseException:
        handle.close()
        raise


def send_media(key: str, mimetype: str, *, cache_control: str = "private, max-age=3600") -> Response:
    """The file behind ``key`` for the current request (GET or HEAD)."""
    stat = storage.path(key).stat()
    size = stat.st_size
    last_modified = datetime.fromtimestamp(int(stat.st_mtime), tz=UTC)
    etag = f"{key.rsplit('/', 1)[-1].split('.')[0][:16]}-{size:x}-{int(stat.st_mtime):x}"
    headers = {"Accept-Ranges": "bytes", "ETag": f'"{etag}"', "Last-Modified": http_date(last_modified),
               "Cache-Control": cache_control}

    if not is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
        return Response(status=304, headers=headers)

    if current_app.config.get("MEDIA_ACCEL") == "nginx":
        headers["X-Accel-Redirect"] = current_app.config["MEDIA_ACCEL_PREFIX"].rstrip("/") + "/" + key
        response = Response(status=200, headers=headers, mimetype=mimetype)
        response.headers.pop("Content-Length", None)
        return response

    wanted = parse_range(request.headers.get("Range"), size) if _if_range_allows(last_modified, etag) else None
    if wanted == UNSATISFIABLE:
        return Response(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    if isinstance(wanted, ByteRange):
        body = file_body(key, wanted.start, wanted.length) if request.method != "HEAD" else []
        response = Response(body, status=206, mimetype=mimetype, direct_passthrough=True,
                            headers={**headers, "Content-Range": f"bytes {wanted.start}-{wanted.end}/{size}"})
        response.content_length = wanted.length
        return response
    body = file_body(key, 0, size) if request.method != "HEAD" and size else []
    response = Response(body, status=200, mimetype=mimetype, direct_passthrough=True, headers=headers)
    response.content_length = size
    return response
