"""Signed media URLs: the permission is checked when the URL is issued, not at each byte range.

``media_urls(video, viewer)`` (lms.videos.services.urls) has already checked that ``viewer`` may see the
video. It adds ``?k=<storage key>&e=<expiry>&u=<viewer id>&s=<signature>`` to each URL, where the
signature is an HMAC-SHA256 (key derived from ``SECRET_KEY``) over the video id, the kind of file
(``stream``, ``poster``, ``captions:<lang>``), the storage key, the expiry and the viewer's id.
The MAC is itsdangerous's Signer (HMAC key derivation with a salt, then HMAC-SHA256, base64url); the
expiry and the URL's layout are ours, since its TimestampSigner stamps the signing second into the token,
which would give each page load new URLs that no browser cache could reuse.
A request carrying a valid signature is served from the storage key alone: no session, no
user, no SQL. A request carrying ``s`` with a wrong, altered or expired signature is 403 (it
never falls back to the cookie). Without ``s`` the routes check the session or bearer token.

The expiry is rounded up to the next step (at most an hour), so the URLs of a page stay the
same for a while and browsers can reuse what they cached; a URL is valid for between
``MEDIA_URL_TTL_SECONDS`` and that plus one step. A URL already issued stays valid until it
expires even if the course is unpublished meanwhile (as a downloaded file would); a new
storage key (another upload, new captions) changes the URL.

nginx-checked links (``LMS_MEDIA_ACCEL=nginx`` and ``LMS_MEDIA_SECURE_LINK_SECRET`` set): the URL
is ``/_media_signed/<viewer id>/<storage key>?md5=<m>&expires=<e>``, where ``m`` is the base64url
MD5 (unpadded) of ``"<e><path> <secret>"``, the formula of nginx's secure_link module
(``secure_link_md5 "$secure_link_expires$uri <secret>"``). nginx checks it and sends the file
itself; the app never sees those requests. The viewer id is a path segment that nginx ignores
but that the MD5 covers, so each viewer has their own URLs (as with the HMAC ones) and an access
log line names whose link it was. Same expiry (and rounding) as the HMAC URLs.
"""
from __future__ import annotations

import base64
import hashlib
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

from flask import current_app
from itsdangerous import Signer

from lms.core.errors import Forbidden
from lms.core.web import decimal

PARAMS = ("k", "e", "u", "s")
SECURE_LINK_PREFIX = "/_media_signed/"
# The keys README's location serves (its regex), and the secret, written as is inside a quoted
# nginx string: no quotes, "$", backslashes or spaces (e.g. `openssl rand -hex 32`).
_SECURE_LINK_KEY = re.compile(r"^[a-z]+/[0-9a-f]{2}/[0-9a-f]{32}\.(mp4|jpg|vtt)$")
_SECURE_LINK_SECRET = re.compile(r"^[A-Za-z0-9_.+=/-]{16,}$")


@dataclass(frozen=True)
class SignedMedia:
    key: str
    viewer_id: int


@lru_cache(maxsize=4)
def _signer(secret: str | bytes) -> Signer:
    """Signer's own "hmac" key derivation, done once here rather than at each URL (it doubles the cost of a check)."""
    derive = Signer(secret, salt="lms.media.signed-url.v1", key_derivation="hmac", digest_method=hashlib.sha256)
    return Signer(derive.derive_key(), key_derivation="none", digest_method=hashlib.sha256)


def _message(video_id: int, kind: str, key: str, expires: int, viewer_id: int) -> bytes:
    return f"{video_id}\n{kind}\n{key}\n{expires}\n{viewer_id}".encode()


def _signature(video_id: int, kind: str, key: str, expires: int, viewer_id: int) -> str:
    signer = _signer(current_app.config["SECRET_KEY"])
    return signer.get_signature(_message(video_id, kind, key, expires, viewer_id)).decode()


def expiry(now: float | None = None) -> int:
    ttl = int(current_app.config["MEDIA_URL_TTL_SECONDS"])
    step = max(1, min(3600, ttl // 6))
    deadline = int(now if now is not None else time.time()) + ttl
    return -(-deadline // step) * step


def sign(video_id: int, kind: str, key: str, viewer_id: int, *, now: float | None = None) -> dict[str, str]:
    """The query parameters of a signed URL (for url_for)."""
    expires = expiry(now)
    return {"k": key, "e": str(expires), "u": str(viewer_id),
            "s": _signature(video_id, kind, key, expires, viewer_id)}


def verified(video_id: int, kind: str, args: Mapping[str, str]) -> SignedMedia | None:
    """None when the request's ``args`` carry no signature; the signed file when it is valid; else Forbidden."""
    signature = args.get("s")
    if signature is None:
        return None
    key, expires, viewer = args.get("k", ""), decimal(args.get("e"), 12), decimal(args.get("u"), 12)
    if expires is None or viewer is None or not key:
        raise Forbidden()
    signer = _signer(current_app.config["SECRET_KEY"])
    if not signer.verify_signature(_message(video_id, kind, key, expires, viewer), signature) or expires < time.time():
        raise Forbidden()
    return SignedMedia(key=key, viewer_id=viewer)


def secure_links() -> bool:
    """Whether media URLs are nginx-checked secure links (LMS_MEDIA_ACCEL=nginx and a secret)."""
    config = current_app.config
    return config.get("MEDIA_ACCEL") == "nginx" and bool(config.get("MEDIA_SECURE_LINK_SECRET"))


def secure_link_md5(expires: int | str, uri: str, secret: str) -> str:
    """nginx's ``secure_link_md5 "$secure_link_expires$uri <secret>"``, base64url without padding."""
    digest = hashlib.md5(f"{expires}{uri} {secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def secure_link(key: str, viewer_id: int, *, now: float | None = None) -> str | None:
    """The nginx-checked URL of the file behind ``key`` for ``viewer_id`` (see the module's docstring);
    None for a key whose suffix README's location does not serve (mp4, jpg, vtt), left to the app."""
    secret = current_app.config["MEDIA_SECURE_LINK_SECRET"]
    if not _SECURE_LINK_SECRET.match(secret):
        raise RuntimeError("LMS_MEDIA_SECURE_LINK_SECRET: at least 16 characters among A-Z a-z 0-9 _ . + = / - "
                           "(it is written inside a quoted nginx string)")
    if not _SECURE_LINK_KEY.match(key):
        return None
    expires = expiry(now)
    uri = f"{SECURE_LINK_PREFIX}{int(viewer_id)}/{key}"
    return f"{uri}?{urlencode({'md5': secure_link_md5(expires, uri, secret), 'expires': expires})}"
