"""nginx-checked media links (LMS_MEDIA_ACCEL=nginx + LMS_MEDIA_SECURE_LINK_SECRET): the URL format,
the MD5 as nginx's secure_link module computes it, and README's location block run by a real nginx."""
import base64
import hashlib
import re
import time
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from lms.videos.services import signing
from tests.conftest import FreshGlobalsClient, api_headers, login_as
from tests.videos.conftest import CONTENT, SIZE
from tests.videos.nginx_runner import nginx_missing, secure_link_location
from tests.videotools import VTT

SECRET = "f3a9c1d07be24e5a8c6d1f0e2b4a7c9d"
LINK = re.compile(r"^/_media_signed/(?P<viewer>\d+)/(?P<key>[a-z]+/[0-9a-f]{2}/[0-9a-f]{32}\.(mp4|jpg|vtt))"
                  r"\?md5=(?P<md5>[A-Za-z0-9_-]{22})&expires=(?P<expires>\d+)$")


def nginx_md5(expires: str, uri: str, secret: str) -> str:
    """nginx docs: secure_link_md5 "$secure_link_expires$uri <secret>", compared with the base64url md5 argument
    (``openssl md5 -binary | openssl base64 | tr +/ -_ | tr -d =``)."""
    return base64.b64encode(hashlib.md5(f"{expires}{uri} {secret}".encode()).digest()).decode() \
        .replace("+", "-").replace("/", "_").rstrip("=")


@pytest.fixture
def secure_links(app):
    app.config.update(MEDIA_ACCEL="nginx", MEDIA_SECURE_LINK_SECRET=SECRET)
    yield
    app.config.update(MEDIA_ACCEL=None, MEDIA_SECURE_LINK_SECRET=None)


def api_state(app, video, viewer) -> dict:
    client = FreshGlobalsClient(app, app.response_class, use_cookies=False)
    response = client.get(f"/api/v1/videos/{video.id}", headers=api_headers(app, viewer))
    assert response.status_code == 200
    return response.json


def urls_of(state: dict) -> list[str]:
    return [state["stream_url"], state["poster_url"], state["captions"][0]["url"]]


def test_the_api_gives_nginx_secure_links_with_the_md5_nginx_computes(app, secure_links, video, published, learner, make):
    state = api_state(app, video, learner)
    caption_key = video.captions[0].storage_key
    for url, key in zip(urls_of(state), (video.stream_key, video.poster_key, caption_key), strict=True):
        match = LINK.match(url)
        assert match, url
        assert match["viewer"] == str(learner.id) and match["key"] == key
        assert match["md5"] == nginx_md5(match["expires"], urlsplit(url).path, SECRET)
        assert int(match["expires"]) >= time.time() + app.config["MEDIA_URL_TTL_SECONDS"] - 5
    other = make.learner()  # each viewer has their own links
    assert set(urls_of(api_state(app, video, other))).isdisjoint(urls_of(state))


def test_the_item_page_gives_secure_links(app, client, secure_links, video, published, learner):
    login_as(client, learner)
    item = published.modules[0].items[0]
    html = client.get(f"/formations/{published.id}/elements/{item.id}").get_data(as_text=True)
    assert f'src="/_media_signed/{learner.id}/{video.stream_key}?md5=' in html
    assert "/media/videos/" not in html


def test_the_expiry_is_rounded_up_like_the_hmac_urls(app, secure_links, video):
    start = 1_800_000_001  # not on an hour
    with app.test_request_context():
        first = parse_qs(urlsplit(signing.secure_link(video.stream_key, 7, now=start)).query)
        later = parse_qs(urlsplit(signing.secure_link(video.stream_key, 7, now=start + 1)).query)
        expected = signing.expiry(start)
    ttl = app.config["MEDIA_URL_TTL_SECONDS"]
    assert expected % 3600 == 0 and start + ttl <= expected <= start + ttl + 3600
    assert first == later and first["expires"] == [str(expected)]


@pytest.mark.parametrize("config", [{"MEDIA_ACCEL": None, "MEDIA_SECURE_LINK_SECRET": None},
                                    {"MEDIA_ACCEL": None, "MEDIA_SECURE_LINK_SECRET": SECRET},
                                    {"MEDIA_ACCEL": "nginx", "MEDIA_SECURE_LINK_SECRET": None},
                                    {"MEDIA_ACCEL": "nginx", "MEDIA_SECURE_LINK_SECRET": ""}])
def test_without_both_settings_the_urls_are_unchanged(app, video, published, learner, config):
    app.config.update(config)
    try:
        state = api_state(app, video, learner)
    finally:
        app.config.update(MEDIA_ACCEL=None, MEDIA_SECURE_LINK_SECRET=None)
    assert state["stream_url"].startswith(f"/media/videos/{video.id}/stream.mp4?k=")
    assert all("&s=" in url and "_media_signed" not in url for url in urls_of(state))


def test_a_secret_nginx_cannot_hold_is_refused(app, video):
    app.config.update(MEDIA_ACCEL="nginx", MEDIA_SECURE_LINK_SECRET='short"$x')
    try:
        with app.test_request_context(), pytest.raises(RuntimeError, match="LMS_MEDIA_SECURE_LINK_SECRET"):
            signing.secure_link(video.stream_key, 1)
    finally:
        app.config.update(MEDIA_ACCEL=None, MEDIA_SECURE_LINK_SECRET=None)


# -- README's location block, run by a real nginx -------------------------------------------------

def fetch(url: str, **headers) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def nginx(app):
    if (why := nginx_missing()) is not None:
        pytest.skip(why)
    from bench.nginx import running_nginx

    with running_nginx(secure_link_location(app.config["MEDIA_ROOT"], SECRET), workers=1) as (base, _):
        yield base


def test_nginx_serves_the_links_and_refuses_tampered_or_expired_ones(app, nginx, secure_links, video, published, learner):
    state = api_state(app, video, learner)
    stream, poster, caption = urls_of(state)

    status, headers, body = fetch(nginx + stream, Range="bytes=10-19")
    assert status == 206 and body == CONTENT[10:20]
    assert headers["Content-Range"] == f"bytes 10-19/{SIZE}" and headers["Content-Length"] == "10"
    assert headers["Content-Type"] == "video/mp4" and headers["Cache-Control"].startswith("private")
    status, headers, body = fetch(nginx + stream, Range="bytes=-5")
    assert status == 206 and body == CONTENT[-5:]
    status, headers, body = fetch(nginx + stream)
    assert status == 200 and body == CONTENT and headers["Accept-Ranges"] == "bytes"

    status, headers, body = fetch(nginx + caption)
    assert status == 200 and body == VTT and headers["Content-Type"] == "text/vtt; charset=utf-8"
    assert headers["Cache-Control"].startswith("private")
    status, headers, _ = fetch(nginx + poster)
    assert status == 200 and headers["Content-Type"] == "image/jpeg"

    match = LINK.match(stream)
    md5 = match["md5"]
    tampered = [
        stream.replace(md5, ("A" if md5[0] != "A" else "B") + md5[1:]),  # another md5
        stream.replace(f"md5={md5}&", ""),  # none
        stream.replace(f"/_media_signed/{learner.id}/", f"/_media_signed/{learner.id + 1}/"),  # another viewer
        stream.replace(video.stream_key, video.poster_key).replace(".jpg", ".mp4"),  # another file
        stream.replace(f"expires={match['expires']}", f"expires={int(match['expires']) + 3600}"),  # a longer life
    ]
    for url in tampered:
        assert fetch(nginx + url, Range="bytes=0-0")[0] == 403, url

    with app.test_request_context():
        expired = signing.secure_link(video.stream_key, learner.id, now=time.time() - 8 * 3600)
    assert int(parse_qs(urlsplit(expired).query)["expires"][0]) < time.time()
    assert fetch(nginx + expired, Range="bytes=0-0")[0] == 410


def test_nginx_answers_404_for_a_link_to_a_file_no_longer_stored(app, nginx, secure_links, video, published, learner):
    from lms.core import storage

    poster = api_state(app, video, learner)["poster_url"]
    storage.delete(video.poster_key)
    assert fetch(nginx + poster)[0] == 404


def test_nginx_only_serves_media_keys(app, nginx):
    """Anything else under the prefix is outside README's location (here: nginx's 404; in production the app's)."""
    expires = int(time.time()) + 3600
    for uri in ("/_media_signed/1/../../etc/passwd", "/_media_signed/1/certificates/ab/" + "a" * 32 + ".pdf"):
        query = urlencode({"md5": nginx_md5(str(expires), uri, SECRET), "expires": expires})
        assert fetch(f"{nginx}{uri}?{query}")[0] in (400, 404)
