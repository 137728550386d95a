"""Who may and who may not, for EVERY route of the app.

Each route of the url_map must appear in ROUTES (a new route without an entry
fails the test), with the status each kind of caller gets: anonymous, the
learner whose data it is, another learner, the trainer who owns the video and
the draft course, another trainer, a coordinator (tests/permission_matrix.py).
"""
import io
from importlib import import_module
from pathlib import Path

import pytest

from lms.authoring import services as authoring
from lms.core import outbox
from lms.core.db import commit
from tests.conftest import api_headers, csrf_token, login_as
from tests.permission_matrix import (
    ACTORS,
    ANON,
    COORD,
    OTHER,
    OTHER_TRAINER,
    OWNER,
    TRAINER,
    coordinator_only,
    course_editors,
    editors_only,
    everyone,
    owner_or_coordinator,
    signed_in,
    staff_only,
)
from tests.videotools import VTT, course_using, ready_video

ROOT = Path(__file__).resolve().parent.parent

# (method, rule, body, expected) — {owner} is the learner's id, {message} an outbox message id,
# {video_id} a ready video used by a published course (so learners may watch it).
CORE_ROUTES = [
    ("GET", "/", None, everyone(200)),  # before sign-in: what the training is
    ("GET", "/connexion", None, {**everyone(302), ANON: 200}),
    ("POST", "/connexion", {}, {**everyone(302), ANON: 422}),
    ("POST", "/deconnexion", {}, everyone(302)),
    ("GET", "/inscription", None, {**everyone(302), ANON: 200}),
    ("POST", "/inscription", {}, {**everyone(302), ANON: 422}),
    ("GET", "/mot-de-passe-oublie", None, everyone(200)),
    ("POST", "/mot-de-passe-oublie", {}, everyone(200)),
    ("GET", "/mot-de-passe/<token>", None, everyone(404)),
    ("POST", "/mot-de-passe/<token>", {}, everyone(404)),
    ("GET", "/compte", None, signed_in(200)),
    ("POST", "/compte", {}, signed_in(302)),  # absent text fields keep their values, as WTForms does
    ("POST", "/compte/mot-de-passe", {}, signed_in(422)),
    ("GET", "/compte/export.json", None, signed_in(200)),
    ("GET", "/compte/supprimer", None, signed_in(200)),
    ("POST", "/compte/supprimer", {}, signed_in(422)),
    ("POST", "/langue", {"locale": "fr"}, everyone(302)),
    ("GET", "/admin/utilisateurs", None, coordinator_only()),
    ("GET", "/admin/utilisateurs/nouveau", None, coordinator_only()),
    ("POST", "/admin/utilisateurs/nouveau", {}, coordinator_only(422)),
    ("GET", "/admin/utilisateurs/<int:user_id>", None, coordinator_only()),
    ("POST", "/admin/utilisateurs/<int:user_id>", {"role": "learner"}, coordinator_only(302)),
    ("POST", "/admin/utilisateurs/<int:user_id>/invitation", {}, coordinator_only(302)),
    ("GET", "/admin/utilisateurs/import", None, coordinator_only()),
    ("POST", "/admin/utilisateurs/import", {}, coordinator_only(422)),
    ("GET", "/admin/envois", None, coordinator_only()),
    ("GET", "/admin/envois/<int:message_id>", None, coordinator_only()),
    ("GET", "/accessibilite", None, everyone(200)),
    ("GET", "/mentions-legales", None, everyone(200)),
    ("GET", "/donnees-personnelles", None, everyone(200)),
    # JSON API
    ("GET", "/api/v1/openapi.json", None, everyone(200)),
    ("POST", "/api/v1/auth/register", {"email": "new-{actor}@example.org", "password": "assez long mot", "full_name": "N"}, everyone(201)),
    ("POST", "/api/v1/auth/token", {"email": "{owner_email}", "password": "correct horse battery"}, everyone(200)),
    ("GET", "/api/v1/me", None, signed_in(200, anon=401)),
    ("DELETE", "/api/v1/me", None, {**signed_in(204, anon=401), COORD: 409}),  # the only coordinator must hand over first
    ("GET", "/api/v1/me/export", None, signed_in(200, anon=401)),
    ("GET", "/api/v1/me/progress", None, signed_in(200, anon=401)),
    ("POST", "/api/v1/users", {"email": "made@example.org", "full_name": "M", "role": "learner"}, coordinator_only(201, anon=401)),
    ("POST", "/api/v1/users/import", "csv", coordinator_only(200, anon=401)),
    ("GET", "/api/v1/users/<int:user_id>", None, owner_or_coordinator()),
    ("GET", "/api/v1/users/<int:user_id>/progress", None, owner_or_coordinator()),
    ("POST", "/api/v1/videos", "video", staff_only(202)),
    ("GET", "/api/v1/videos/<int:video_id>", None, signed_in(200, anon=401)),
    # Changing a video: its owner (people[TRAINER]), a trainer of a course using it, coordinators.
    ("POST", "/api/v1/videos/<int:video_id>/captions", "vtt", editors_only(201)),
    ("PUT", "/api/v1/videos/<int:video_id>/transcript", "text", editors_only(200)),
    # {course_id}: a publishable draft owned by people[TRAINER]; {module_id}: its module.
    ("GET", "/api/v1/courses", None, signed_in(200, anon=401)),
    ("POST", "/api/v1/courses", {"title": "Nouveau parcours"}, staff_only(201)),
    ("GET", "/api/v1/courses/<int:course_id>", None, course_editors(200, other_trainer=200)),
    ("POST", "/api/v1/courses/<int:course_id>/modules", {"title": "Module"}, course_editors(201)),
    ("POST", "/api/v1/modules/<int:module_id>/items", {"kind": "text", "title": "Texte", "body_markdown": "Lire."},
     course_editors(201)),
    ("POST", "/api/v1/courses/<int:course_id>/publish", {}, course_editors(200)),
    ("POST", "/api/v1/courses/<int:course_id>/unpublish", {}, course_editors(409)),  # it is a draft
    ("PATCH", "/api/v1/modules/<int:module_id>", {"position": 1}, course_editors(200)),
    ("DELETE", "/api/v1/modules/<int:module_id>", None, course_editors(204)),
    ("PATCH", "/api/v1/items/<int:item_id>", {"position": 1}, course_editors(200)),
    ("DELETE", "/api/v1/items/<int:item_id>", None, course_editors(204)),
]


# Each domain adds its own routes in tests/<domain>/permission_routes*.py: ROUTES (same shape) and,
# where the generic ids below do not fit, PATHS = {rule: function(ctx) -> path}.
DOMAIN_MODULES = [import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
                  for path in sorted((ROOT / "tests").glob("*/permission_routes*.py"))]
ROUTES = CORE_ROUTES + [route for module in DOMAIN_MODULES for route in module.ROUTES]
PATHS = {rule: make for module in DOMAIN_MODULES for rule, make in getattr(module, "PATHS", {}).items()}


def test_every_route_is_in_the_matrix(app):
    declared = {(method, rule) for method, rule, _body, _expected in ROUTES}
    actual = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules() if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert actual - declared == set(), "routes without a permission expectation"
    assert declared - actual == set(), "expectations for routes that do not exist"
    incomplete = {(method, rule) for method, rule, _body, expected in ROUTES if set(expected) != set(ACTORS)}
    assert incomplete == set(), "rows that do not name the answer of every kind of caller"


@pytest.fixture
def people(make):
    return {OWNER: make.learner(email="owner@example.org"), OTHER: make.learner(), TRAINER: make.trainer(),
            OTHER_TRAINER: make.trainer(), COORD: make.coordinator()}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("method, rule, body, expected", ROUTES, ids=[f"{m} {r}" for m, r, _b, _e in ROUTES])
def test_route_permissions(app, client, people, outbox, actor, method, rule, body, expected):
    owner = people[OWNER]
    message = outbox_message(owner)
    video = ready_video(people[TRAINER])
    published = course_using(video, published=True)
    draft = draft_course(people[TRAINER])
    ctx = {"people": people, "owner": owner, "message": message, "video": video, "published": published,
           "draft": draft}
    path = PATHS[rule](ctx) if rule in PATHS else (
        rule.replace("<int:user_id>", str(owner.id)).replace("<int:message_id>", str(message.id))
        .replace("<token>", "not-a-real-token").replace("<int:video_id>", str(video.id)).replace("<lang>", "fr")
        .replace("<int:course_id>", str(draft.id)).replace("<int:module_id>", str(draft.modules[0].id))
        .replace("<int:item_id>", str(draft.modules[0].items[0].id)))
    is_api = path.startswith("/api/")
    headers = {}
    if actor != ANON:
        if is_api:
            headers = api_headers(app, people[actor])
        else:
            login_as(client, people[actor])
    kwargs = {"headers": headers}
    if body == "csv":
        kwargs.update(data=b"email,full_name\nimported@example.org,Imported\n", content_type="text/csv")
    elif body == "video":  # the bytes of an MP4 header: accepted, then its processing fails (inline in tests)
        kwargs.update(data={"title": "Film", "file": (io.BytesIO(b"\x00\x00\x00\x18ftypisom" + bytes(64)), "f.mp4")},
                      content_type="multipart/form-data")
    elif body == "vtt":
        kwargs.update(data=VTT, content_type="text/vtt", query_string={"lang": "fr"})
    elif body == "text":
        kwargs.update(data="Transcription **relue**, santé.".encode(), content_type="text/markdown")
    elif body is not None and is_api:
        kwargs["json"] = {k: v.format(actor=actor, owner_email=owner.email) if isinstance(v, str) else v for k, v in body.items()}
    elif body is not None:
        token_page = "/compte" if actor != ANON else "/connexion"
        kwargs["data"] = {**body, "csrf_token": csrf_token(client, token_page)}
    response = client.open(path, method=method, **kwargs)
    assert response.status_code == expected[actor], response.get_data(as_text=True)[:300]
    if is_api:  # answers of the API name their caller or carry personal data: no cache keeps them
        assert "no-store" in response.headers.get("Cache-Control", ""), response.headers.get("Cache-Control")


def draft_course(trainer):
    course = authoring.create_course(trainer, "Parcours brouillon")
    module = authoring.add_module(trainer, course, "Module 1")
    authoring.add_item(trainer, module, "text", "Introduction", body_markdown="Bienvenue.")
    commit()
    return course


def outbox_message(owner):
    return outbox.enqueue_email(to=owner.email, subject="Test", template="auth/password_reset",
                                context={"user": owner, "link": "http://x", "expires_at": None},
                                dedupe_key=f"perm-test:{owner.id}", category="test")
