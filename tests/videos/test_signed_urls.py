"""Signed media URLs: issued after the permission check, then served with no session, token or SQL."""
import time
from contextlib import contextmanager
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.wsgi import FileWrapper

from lms.core import storage
from lms.videos.services import signing
from lms.videos.views.ranges import FileRange, send_media
from tests.conftest import FreshGlobalsClient, api_headers, login_as
from tests.videos.conftest import CONTENT, SIZE
from tests.videotools import VTT, course_using, ready_video


@pytest.fixture
def state(app, video, published, learner):
    """GET /api/v1/videos/{id} as the learner: the URLs signed for them."""
    client = FreshGlobalsClient(app, app.response_class, use_cookies=False)
    response = client.get(f"/api/v1/videos/{video.id}", headers=api_headers(app, learner))
    assert response.status_code == 200
    return response.json


@pytest.fixture
def anonymous(app):
    """No cookie, no token: only the URL's signature."""
    return FreshGlobalsClient(app, app.response_class, use_cookies=False)


@contextmanager
def statements():
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def with_query(url: str, **changes) -> str:
    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    query.update(changes)
    return f"{parts.path}?{urlencode(query)}"


def test_the_api_signs_every_url_for_the_viewer(state, video, learner):
    for url in (state["stream_url"], state["poster_url"], state["captions"][0]["url"]):
        query = parse_qs(urlsplit(url).query)
        assert set(query) == {"k", "e", "u", "s"} and query["u"] == [str(learner.id)]
        assert int(query["e"][0]) >= time.time() + 6 * 3600 - 5
    assert urlsplit(state["stream_url"]).path == f"/media/videos/{video.id}/stream.mp4"
    assert parse_qs(urlsplit(state["stream_url"]).query)["k"] == [video.stream_key]


def test_a_signed_url_works_without_cookie_token_or_sql(anonymous, state):
    with statements() as seen:
        response = anonymous.get(state["stream_url"], headers={"Range": "bytes=10-19"})
        poster = anonymous.get(state["poster_url"])
        caption = anonymous.get(state["captions"][0]["url"])
    assert seen == []
    assert response.status_code == 206 and response.data == CONTENT[10:20]
    assert response.headers["Content-Range"] == f"bytes 10-19/{SIZE}" and response.headers["Content-Length"] == "10"
    assert response.headers["Cache-Control"].startswith("private")
    assert poster.status_code == 200 and poster.headers["Content-Type"] == "image/jpeg"
    assert caption.status_code == 200 and caption.data == VTT and caption.headers["Content-Type"] == "text/vtt; charset=utf-8"


def test_a_signed_url_neither_reads_nor_sets_the_session_cookie(client, state, learner):
    login_as(client, learner)  # the browser sends its session cookie with the <video> requests
    response = client.get(state["stream_url"], headers={"Range": "bytes=0-0"})
    assert response.status_code == 206
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in response.headers.get("Vary", "").lower()


def test_range_if_range_304_416_and_head_on_the_signed_path(anonymous, state):
    url = state["stream_url"]
    whole = anonymous.get(url)
    assert whole.status_code == 200 and whole.data == CONTENT and whole.headers["Accept-Ranges"] == "bytes"
    etag = whole.headers["ETag"]
    assert anonymous.get(url, headers={"Range": "bytes=-5"}).data == CONTENT[-5:]
    fresh = anonymous.get(url, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert fresh.status_code == 206 and fresh.data == CONTENT[:10]
    stale = anonymous.get(url, headers={"Range": "bytes=0-9", "If-Range": '"autre"'})
    assert stale.status_code == 200 and stale.data == CONTENT
    past = anonymous.get(url, headers={"Range": f"bytes={SIZE}-"})
    assert past.status_code == 416 and past.headers["Content-Range"] == f"bytes */{SIZE}"
    assert anonymous.get(url, headers={"If-None-Match": etag}).status_code == 304
    head = anonymous.head(url)
    assert head.status_code == 200 and head.data == b"" and head.headers["Content-Length"] == str(SIZE)


def test_forged_altered_and_expired_signatures_are_403(app, anonymous, state, video, make):
    stream, poster = state["stream_url"], state["poster_url"]
    signature = parse_qs(urlsplit(stream).query)["s"][0]
    other = ready_video(make.trainer(), content=b"autre" * 10)
    refused = [
        with_query(stream, s=("A" if signature[0] != "A" else "B") + signature[1:]),  # forged
        with_query(stream, s=""),
        with_query(stream, k=video.poster_key),  # another file of the same video
        with_query(stream, k=other.stream_key),  # another video's file
        with_query(stream, u="999999"),  # another viewer
        with_query(stream, e=str(int(time.time()) + 10 * 24 * 3600)),  # a longer life
        with_query(stream, e="soon"),
        with_query(stream, e="1²"),  # str.isdigit() says yes, int() says no
        with_query(stream, u="²"),
        stream.replace(f"/videos/{video.id}/", f"/videos/{other.id}/"),  # another video's route
        with_query(poster.replace("poster.jpg", "stream.mp4")),  # the poster's signature on the stream
        with_query(state["captions"][0]["url"].replace("fr.vtt", "en.vtt")),  # another language
    ]
    with app.test_request_context():
        expired = signing.sign(video.id, "stream", video.stream_key, 1, now=time.time() - 8 * 3600)
    refused.append(f"/media/videos/{video.id}/stream.mp4?{urlencode(expired)}")
    for url in refused:
        assert anonymous.get(url, headers={"Range": "bytes=0-0"}).status_code == 403, url


def test_a_signed_url_for_a_file_no_longer_stored_is_404(anonymous, state, video):
    storage.delete(video.poster_key)  # e.g. a new poster was made since
    assert anonymous.get(state["poster_url"]).status_code == 404


def test_a_learner_is_never_given_urls_for_a_draft(app, video, learner, make):
    course_using(video, published=False)
    client = FreshGlobalsClient(app, app.response_class, use_cookies=False)
    response = client.get(f"/api/v1/videos/{video.id}", headers=api_headers(app, learner))
    assert response.status_code in (403, 404)
    assert "stream_url" not in response.get_data(as_text=True) and "/media/" not in response.get_data(as_text=True)


def test_the_item_page_gives_signed_urls(client, video, published, learner):
    login_as(client, learner)
    item = published.modules[0].items[0]
    html = client.get(f"/formations/{published.id}/elements/{item.id}").get_data(as_text=True)
    assert f'src="/media/videos/{video.id}/stream.mp4?k=' in html
    assert f'/media/videos/{video.id}/captions/fr.vtt?k=' in html and f'/media/videos/{video.id}/poster.jpg?k=' in html


def test_unsigned_urls_still_check_the_session_or_token(anonymous, state):
    assert anonymous.get(urlsplit(state["stream_url"]).path).status_code == 401


def test_the_server_file_wrapper_gets_the_file_at_the_range_start(app, video):
    """gunicorn's wsgi.file_wrapper then sends Content-Length bytes from the file's offset (sendfile)."""
    with app.test_request_context(headers={"Range": "bytes=100-199"}, environ_overrides={"wsgi.file_wrapper": FileWrapper}):
        response = send_media(video.stream_key, "video/mp4")
    body = response.response
    try:
        assert response.status_code == 206 and response.direct_passthrough and response.content_length == 100
        assert isinstance(body, FileWrapper) and body.file.tell() == 100
        assert body.file.read(100) == CONTENT[100:200]
    finally:
        body.close()
    with app.test_request_context(headers={"Range": "bytes=100-199"}):
        response = send_media(video.stream_key, "video/mp4")
    assert isinstance(response.response, FileRange)
    assert b"".join(response.response) == CONTENT[100:200] and response.response.handle.closed


def test_the_expiry_is_rounded_up_so_urls_stay_the_same_for_a_while(app):
    with app.test_request_context():
        ttl = app.config["MEDIA_URL_TTL_SECONDS"]
        start = 1_800_000_001  # not on a step
        assert start + ttl <= signing.expiry(start) <= start + ttl + 3600
        assert signing.expiry(start) == signing.expiry(start + 1)
