"""The media store: the only code that touches media files.

Local files under ``MEDIA_ROOT`` now; an object store later behind the same
functions. Keys are random (``<prefix>/<2 hex>/<32 hex><suffix>``) and never
derived from a user's file name, so no user input reaches a file path.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

CHUNK = 1024 * 1024
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


def save_stream(stream: BinaryIO, prefix: str, suffix: str = "", *, max_bytes: int | None = None,
                head_bytes: int = 4096) -> Stored:
    """Copy a stream to a new key chunk by chunk (never the whole file in memory).

    Written to a temporary file in the same folder, then renamed: a reader never
    sees half a file. Over ``max_bytes`` the partial file is removed and TooLarge raised.
    """
    key = new_key(prefix, suffix)
    target = path(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise TooLarge(size)
                if len(head) < head_bytes:
                    head += chunk[: head_bytes - len(head)]
                digest.update(chunk)
                out.write(chunk)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return Stored(key=key, size=size, sha256=digest.hexdigest(), head=head)


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
