"""The media store: the only code that touches media files.

Local files under ``MEDIA_ROOT`` now; an object store later behind the same
functions. Keys are random (``<prefix>/<2 hex>/<32 hex><suffix>``) and never
derived from a user's file name, so no user input reaches a file path.
Files are received in ``MEDIA_ROOT/.uploads`` (``Upload``: sha256 and size limit on
the way) and renamed to their key, so a reader never sees half a file.
"""
from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
HEAD_BYTES = 4096
UPLOADS = ".uploads"  # the temporary area, under the root: the same filesystem as the keys
_KEY = re.compile(r"^[a-z]+/[0-9a-f]{2}/[0-9a-f]{32}(\.[a-z0-9]{1,5})?$")
_SUFFIX = re.compile(r"^\.[a-z0-9]{1,5}$")


class TooLarge(Exception):
    """The stream passed the size limit; nothing was kept."""


@dataclass(frozen=True)
class Stored:
    key: str
    size: int
    sha256: str
    head: bytes  # the first bytes, to decide the type from the content


def root() -> Path:
    return Path(current_app.config["MEDIA_ROOT"])


def new_key(prefix: str, suffix: str = "") -> str:
    if not prefix.isalpha() or not prefix.islower() or (suffix and not _SUFFIX.match(suffix)):
        raise ValueError("bad key parts")
    token = secrets.token_hex(16)
    return f"{prefix}/{token[:2]}/{token}{suffix}"


def path(key: str) -> Path:
    """The file behind a key. Refuses anything that is not a key this module made."""
    if not _KEY.match(key or ""):
        raise ValueError(f"not a storage key: {key!r}")
    return root() / key


class Upload:
    """A file being received, in the media store's temporary area (``MEDIA_ROOT/.uploads``).

    Written in order (``write`` only appends); the sha256 and the size are computed on the
    way and past ``max_bytes`` the file is removed and TooLarge raised. ``commit_upload``
    renames it to a new key (same filesystem: no copy); ``discard`` (also ``close`` before
    a commit) removes it. Readable and seekable as well, as Werkzeug wants its file parts.
    """

    def __init__(self, max_bytes: int | None = None):
        folder = root() / UPLOADS
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, prefix="upload-")
        self.name, self.max_bytes = name, max_bytes
        self.size, self.key = 0, None
        self._digest = hashlib.sha256()
        self._file: BinaryIO = os.fdopen(fd, "w+b")
        self._gone = False

    def write(self, data: bytes) -> int:
        if self._gone or self.key:
            raise ValueError("upload already committed or discarded")
        if self._file.tell() != self.size:
            raise ValueError("an upload is written in order")  # else the digest would not be the file's
        self.size += len(data)
        if self.max_bytes is not None and self.size > self.max_bytes:
            self.discard()
            raise TooLarge(self.size)
        self._digest.update(data)
        return self._file.write(data)

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    def head(self, count: int = HEAD_BYTES) -> bytes:
        """The first bytes of the file, to decide the type from the content."""
        self._file.flush()
        return os.pread(self._file.fileno(), count, 0)

    def read(self, size: int = -1) -> bytes:
        return self._file.read(size)

    def readline(self, size: int = -1) -> bytes:
        return self._file.readline(size)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def flush(self) -> None:
        self._file.flush()

    def fileno(self) -> int:
        return self._file.fileno()

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return not (self._gone or self.key)

    def seekable(self) -> bool:
        return True

    @property
    def closed(self) -> bool:
        return self._file.closed

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._file)

    def __enter__(self) -> Upload:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Closing an upload that was not committed removes it."""
        self.discard() if not self.key else self._file.close()

    def discard(self) -> None:
        """Remove the temporary file unless it was committed. Idempotent; never raises."""
        if self.key or self._gone:
            return
        self._gone = True
        try:
            self._file.close()
        except OSError:
            pass
        Path(self.name).unlink(missing_ok=True)

    def __del__(self) -> None:  # a forgotten upload never stays behind
        try:
            self.discard()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


def open_upload(max_bytes: int | None = None) -> Upload:
    """A new, empty upload in the media store's temporary area."""
    return Upload(max_bytes=max_bytes)


def receive(stream: BinaryIO, *, max_bytes: int | None = None) -> Upload:
    """Copy a stream into a new upload chunk by chunk (never the whole file in memory).

    Over ``max_bytes`` nothing is kept and TooLarge raised."""
    upload = open_upload(max_bytes)
    try:
        while chunk := stream.read(CHUNK):
            upload.write(chunk)
    except BaseException:
        upload.discard()
        raise
    return upload


def commit_upload(upload: Upload, prefix: str, suffix: str = "", *, head_bytes: int = HEAD_BYTES) -> Stored:
    """Give the upload a new key: an atomic rename on the same filesystem (a reader never sees half
    a file). On failure the upload is removed."""
    if upload.key or upload.closed:
        raise ValueError("upload already committed or discarded")
    try:
        key, target = new_path(prefix, suffix)
        head = upload.head(head_bytes)
        upload._file.close()
        try:
            os.replace(upload.name, target)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            log.warning("%s is not on the filesystem of %s: uploads are copied", UPLOADS, target.parent)
            shutil.copyfile(upload.name, target)
            Path(upload.name).unlink()
    except BaseException:
        upload.discard()
        raise
    upload.key = key
    return Stored(key=key, size=upload.size, sha256=upload.sha256, head=head)


def remove_stale_uploads(older_than_s: float) -> int:
    """Remove temporary uploads not written to for ``older_than_s`` seconds (a worker killed mid-upload)."""
    folder, removed = root() / UPLOADS, 0
    if not folder.is_dir():
        return 0
    limit = time.time() - older_than_s
    for entry in folder.iterdir():
        try:
            if entry.is_file() and entry.stat().st_mtime < limit:
                entry.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def save_stream(stream: BinaryIO, prefix: str, suffix: str = "", *, max_bytes: int | None = None,
                head_bytes: int = HEAD_BYTES) -> Stored:
    """Copy a stream to a new key chunk by chunk (never the whole file in memory).

    Received in the temporary area, then renamed: a reader never sees half a file.
    Over ``max_bytes`` the partial file is removed and TooLarge raised.
    """
    return commit_upload(receive(stream, max_bytes=max_bytes), prefix, suffix, head_bytes=head_bytes)


def save_bytes(data: bytes, prefix: str, suffix: str = "") -> Stored:
    import io

    return save_stream(io.BytesIO(data), prefix, suffix)


def save_file(source: Path, prefix: str, suffix: str = "") -> Stored:
    with open(source, "rb") as stream:
        return save_stream(stream, prefix, suffix)


def new_path(prefix: str, suffix: str = "") -> tuple[str, Path]:
    """A fresh key and its path (folder created), for tools such as ffmpeg that write files themselves."""
    key = new_key(prefix, suffix)
    target = path(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    return key, target


def exists(key: str | None) -> bool:
    return bool(key) and path(key).is_file()


def size(key: str) -> int:
    return path(key).stat().st_size


def open_read(key: str) -> BinaryIO:
    return open(path(key), "rb")


def read_bytes(key: str) -> bytes:
    return path(key).read_bytes()


def iter_range(key: str, start: int, end: int, chunk: int = CHUNK) -> Iterator[bytes]:
    """Bytes ``start`` to ``end`` inclusive, in chunks.

    The file is opened now, in the app context: a response body is consumed after
    the request's context has ended, so the generator itself must not need it."""
    return _read_range(open_read(key), start, end, chunk)


def _read_range(handle: BinaryIO, start: int, end: int, chunk: int) -> Iterator[bytes]:
    with handle:
        handle.seek(start)
        left = end - start + 1
        while left > 0:
            data = handle.read(min(chunk, left))
            if not data:
                return
            left -= len(data)
            yield data


def delete(key: str | None) -> None:
    if key:
        path(key).unlink(missing_ok=True)


def copy(key: str, prefix: str, suffix: str = "") -> str:
    new, target = new_path(prefix, suffix)
    shutil.copyfile(path(key), target)
    return new
