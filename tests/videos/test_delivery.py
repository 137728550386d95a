"""Media delivery: byte ranges, validators, access, captions, X-Accel-Redirect."""
import pytest

from lms.videos.views.ranges import UNSATISFIABLE, ByteRange, parse_range
from tests.conftest import api_headers, login_as
from tests.videos.conftest import CONTENT, SIZE
from tests.videotools import VTT, course_using


@pytest.fixture
def staff(app, make):
    return api_headers(app, make.coordinator())


def stream(client, video, headers, **extra):
    return client.get(f"/media/videos/{video.id}/stream.mp4", headers={**headers, **extra})


def test_whole_file_with_validators(client, video, staff):
    response = stream(client, video, staff)
    assert response.status_code == 200 and response.data == CONTENT
    assert response.headers["Accept-Ranges"] == "bytes" and response.headers["Content-Type"] == "video/mp4"
    assert response.headers["Content-Length"] == str(SIZE)
    assert response.headers["ETag"].startswith('"') and response.headers["Last-Modified"]


@pytest.mark.parametrize("header, start, end", [
    ("bytes=0-0", 0, 0), ("bytes=-500", SIZE - 500, SIZE - 1), ("bytes=100-", 100, SIZE - 1),
    ("bytes=10-19", 10, 19), ("bytes=10000-99999", 10000, SIZE - 1), ("bytes=-99999", 0, SIZE - 1),
])
def test_ranges(client, video, staff, header, start, end):
    response = stream(client, video, staff, Range=header)
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes {start}-{end}/{SIZE}"
    assert response.data == CONTENT[start:end + 1] and response.headers["Content-Length"] == str(end - start + 1)


@pytest.mark.parametrize("header", [f"bytes={SIZE}-", f"bytes={SIZE + 5}-{SIZE + 10}", "bytes=-0"])
def test_past_the_end_is_416(client, video, staff, header):
    response = stream(client, video, staff, Range=header)
    assert response.status_code == 416 and response.headers["Content-Range"] == f"bytes */{SIZE}"


@pytest.mark.parametrize("header", ["bytes=5-1", "items=0-1", "bytes=0-1,5-6", "nonsense"])
def test_ranges_that_cannot_be_read_are_ignored(client, video, staff, header):
    response = stream(client, video, staff, Range=header)
    assert response.status_code == 200 and response.data == CONTENT


def test_if_range_with_the_current_etag_gives_the_range_and_a_stale_one_the_whole_file(client, video, staff):
    etag = stream(client, video, staff).headers["ETag"]
    fresh = stream(client, video, staff, Range="bytes=0-9", **{"If-Range": etag})
    assert fresh.status_code == 206 and fresh.data == CONTENT[:10]
    stale = stream(client, video, staff, Range="bytes=0-9", **{"If-Range": '"autre-version"'})
    assert stale.status_code == 200 and stale.data == CONTENT
    dated = stream(client, video, staff, Range="bytes=0-9", **{"If-Range": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert dated.status_code == 200


def test_if_range_takes_only_a_strong_etag_or_the_very_date(client, video, staff):
    """RFC 9110 13.1.5, where werkzeug's make_conditional is laxer (ranges.py says why it is not used): a weak
    ETag or a date other than Last-Modified gives the whole file, never a range of what may be another file."""
    whole = stream(client, video, staff)
    etag, modified = whole.headers["ETag"], whole.headers["Last-Modified"]
    weak = stream(client, video, staff, Range="bytes=0-9", **{"If-Range": f"W/{etag}"})
    assert weak.status_code == 200 and weak.data == CONTENT
    later = stream(client, video, staff, Range="bytes=0-9", **{"If-Range": "Fri, 01 Jan 2100 00:00:00 GMT"})
    assert later.status_code == 200 and later.data == CONTENT
    same = stream(client, video, staff, Range="bytes=0-9", **{"If-Range": modified})
    assert same.status_code == 206 and same.data == CONTENT[:10]


def test_if_none_match_and_if_modified_since_give_304(client, video, staff):
    first = stream(client, video, staff)
    assert stream(client, video, staff, **{"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert stream(client, video, staff, **{"If-None-Match": '"autre"'}).status_code == 200
    assert stream(client, video, staff, **{"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304


def test_head_gives_the_headers_only(client, video, staff):
    response = client.head(f"/media/videos/{video.id}/stream.mp4", headers=staff)
    assert response.status_code == 200 and response.data == b"" and response.headers["Content-Length"] == str(SIZE)


def test_captions_are_webvtt_in_utf8_and_posters_jpeg(client, video, staff):
    caption = client.get(f"/media/videos/{video.id}/captions/fr.vtt", headers=staff)
    assert caption.status_code == 200 and caption.headers["Content-Type"] == "text/vtt; charset=utf-8"
    assert caption.data == VTT and caption.data.startswith(b"WEBVTT")
    assert client.get(f"/media/videos/{video.id}/captions/en.vtt", headers=staff).status_code == 404
    assert client.get(f"/media/videos/{video.id}/poster.jpg", headers=staff).headers["Content-Type"] == "image/jpeg"


def test_a_learner_sees_the_media_only_once_the_course_is_published(app, client, make, video):
    learner = make.learner()
    course = course_using(video, published=False)
    login_as(client, learner)  # the session cookie, as a <video> element sends it
    for path in ("stream.mp4", "poster.jpg", "captions/fr.vtt"):
        assert client.get(f"/media/videos/{video.id}/{path}").status_code in (403, 404)
    assert client.get(f"/api/v1/videos/{video.id}").status_code in (403, 404)
    course.publish()
    from lms.core.db import commit

    commit()
    assert client.get(f"/media/videos/{video.id}/stream.mp4", headers={"Range": "bytes=0-0"}).status_code == 206
    stream_url = client.get(f"/api/v1/videos/{video.id}").json["stream_url"]
    assert stream_url.startswith(f"/media/videos/{video.id}/stream.mp4?")  # signed for the learner (test_signed_urls)


def test_anonymous_and_unknown_videos(client, video, staff):
    assert client.get(f"/media/videos/{video.id}/stream.mp4").status_code == 401
    assert client.get("/media/videos/999999/stream.mp4", headers=staff).status_code == 404


def test_nginx_serves_the_bytes_with_x_accel_redirect(app, client, video, staff):
    app.config["MEDIA_ACCEL"] = "nginx"
    try:
        response = stream(client, video, staff, Range="bytes=0-9")
    finally:
        app.config["MEDIA_ACCEL"] = None
    assert response.status_code == 200 and response.data == b""
    assert response.headers["X-Accel-Redirect"] == "/_media/" + video.stream_key
    assert response.headers["Content-Type"] == "video/mp4"


def test_parse_range_unit():
    assert parse_range(None, 10) is None
    assert parse_range("bytes=0-0", 10) == ByteRange(0, 0)
    assert parse_range("bytes=-3", 10) == ByteRange(7, 9)
    assert parse_range("bytes=0-", 0) == UNSATISFIABLE
    assert parse_range("bytes=-1", 0) == UNSATISFIABLE
