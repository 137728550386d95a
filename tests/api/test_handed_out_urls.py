"""Every URL that the API hands out works with the credential that obtained it (issue 12, point 13).

The answers of the API are walked for URLs (every string under a key naming a URL, and the Location
header); each one is then followed with nothing but the bearer token of the caller who received it:
200 and the content type of what it names. A certificate's ``pdf_url`` used to send such a client to
the HTML sign-in page."""
from urllib.parse import urlsplit

from flask.testing import FlaskClient

from lms.certificates import services as certificates
from lms.core.db import commit
from tests.certificates.helpers import completed_course, pdf_text
from tests.conftest import api_headers
from tests.videotools import VTT, course_using, ready_video

CONTENT_TYPES = {".pdf": "application/pdf", ".mp4": "video/mp4", ".jpg": "image/jpeg", ".vtt": "text/vtt"}


def expected_type(path: str) -> str:
    for suffix, mimetype in CONTENT_TYPES.items():
        if path.endswith(suffix):
            return mimetype
    if path.startswith("/verify/"):
        return "text/html"
    assert path.startswith("/api/v1/"), path
    return "application/json"


def urls_in(answer, key: str = "") -> list[tuple[str, str]]:
    """(key, url) for every string of a JSON answer under a key that names a URL."""
    if isinstance(answer, dict):
        return [found for name, value in answer.items() for found in urls_in(value, name)]
    if isinstance(answer, list):
        return [found for value in answer for found in urls_in(value, key)]
    if isinstance(answer, str) and (key == "url" or key.endswith("_url")):
        return [(key, answer)]
    return []


def test_every_url_the_api_hands_out_works_with_the_bearer_token_alone(app, make, outbox):
    learner, trainer, coordinator = make.learner(), make.trainer(), make.coordinator()
    _course, completion = completed_course(learner)
    certificate = certificates.issue_certificate(completion.id)
    video = ready_video(trainer)
    course = course_using(video, published=True)
    commit()
    client = FlaskClient(app, app.response_class, use_cookies=False)  # no session: the token is all there is
    calls = [
        (learner, "GET", "/api/v1/me/certificates", {}),
        (learner, "GET", "/api/v1/me/export", {}),
        (learner, "GET", "/api/v1/me", {}),
        (learner, "GET", "/api/v1/me/progress", {}),
        (learner, "GET", f"/api/v1/videos/{video.id}", {}),
        (learner, "GET", f"/api/v1/courses/{course.id}", {}),
        (trainer, "GET", f"/api/v1/videos/{video.id}", {}),
        (trainer, "POST", f"/api/v1/videos/{video.id}/captions",
         {"data": VTT, "content_type": "text/vtt", "query_string": {"lang": "en"}}),
        (trainer, "POST", "/api/v1/courses", {"json": {"title": "Parcours neuf"}}),
        (coordinator, "GET", f"/api/v1/users/{learner.id}", {}),
        (coordinator, "GET", f"/api/v1/users/{learner.id}/progress", {}),
    ]
    tokens = {user.id: api_headers(app, user) for user in (learner, trainer, coordinator)}
    handed_out = []
    for user, method, path, kwargs in calls:
        headers = tokens[user.id]
        response = client.open(path, method=method, headers=headers, **kwargs)
        assert response.status_code in (200, 201), (path, response.get_data(as_text=True)[:300])
        found = urls_in(response.json)
        if "Location" in response.headers:
            found.append(("Location", response.headers["Location"]))
        handed_out += [(path, key, url, headers) for key, url in found]
    assert {"pdf_url", "verify_url", "stream_url", "poster_url", "url", "Location"} <= {key for _p, key, _u, _h in handed_out}

    for source, key, url, headers in handed_out:
        parts = urlsplit(url)
        assert parts.netloc in ("", "localhost"), url
        response = client.get(parts.path, query_string=parts.query, headers=headers)
        assert response.status_code == 200, (source, key, url, response.status_code, response.headers.get("Location"))
        assert response.mimetype == expected_type(parts.path), (source, key, url)
    pdf = client.get(urlsplit(certificates_url(handed_out, "pdf_url")).path, headers=tokens[learner.id])
    assert certificate.display_code in pdf_text(pdf.data)


def certificates_url(handed_out, key: str) -> str:
    return next(url for source, name, url, _h in handed_out if source == "/api/v1/me/certificates" and name == key)
