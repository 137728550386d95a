"""JSON that parses into something no route can use is refused as malformed (400), never a 500 with a traceback:
a string holding a lone surrogate (``"\\ud800"``: valid JSON, but no text any encoder accepts) and a document
nested a thousand levels deep (Python's parser would raise RecursionError)."""
import logging

import pytest

from lms.api import bp as api_bp
from lms.core.db import commit
from lms.core.inputs import MAX_DEPTH, parse_json
from tests.conftest import api_headers, csrf_token, error_of, login_as

LONE_SURROGATE = '"\\ud800"'
DEEP_ARRAY = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"a":' * 1000 + "1" + "}" * 1000


def with_surrogate(template: str) -> str:
    return template.replace('"?"', LONE_SURROGATE)


def assert_malformed(response):
    error = error_of(response, 400)
    assert error["code"] == "malformed_json" and error["fields"] == {}


def assert_no_traceback(caplog):
    logged = [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]
    assert logged == [], [record.getMessage() for record in logged]


@pytest.fixture
def committed_course(small_course):
    commit()  # an error answer rolls the request back
    return small_course


@pytest.mark.parametrize("path, body", [
    ("/api/v1/auth/token", '{"email": "?", "password": "un mot de passe long"}'),
    ("/api/v1/auth/token", '{"email": "jeanne@example.org", "password": "?"}'),
    ("/api/v1/auth/register", '{"email": "jeanne@example.org", "password": "un mot de passe long", "full_name": "?"}'),
    ("/api/v1/auth/register", '{"email": "jeanne@example.org", "password": "?", "full_name": "Jeanne"}'),
    ("/api/v1/auth/register", '{"?": 1, "email": "jeanne@example.org"}'),
])
def test_a_lone_surrogate_is_malformed_json_without_signing_in(client, caplog, path, body):
    assert_malformed(client.post(path, data=with_surrogate(body), content_type="application/json"))
    assert_no_traceback(caplog)


@pytest.mark.parametrize("path, body", [
    ("/api/v1/users", '{"email": "x@example.org", "full_name": "?", "role": "learner"}'),
    ("/api/v1/courses", '{"title": "?"}'),
    ("/api/v1/courses", '{"title": "Parcours", "objectives": ["Repérer", "?"]}'),
])
def test_a_lone_surrogate_is_malformed_json_for_a_coordinator(app, client, make, caplog, path, body):
    headers = api_headers(app, make.coordinator())
    assert_malformed(client.post(path, data=with_surrogate(body), content_type="application/json", headers=headers))
    assert_no_traceback(caplog)


def test_an_escaped_surrogate_pair_is_text(client):
    """``"\\ud83d\\ude00"`` is one character (😀), as JSON escapes astral characters: it is kept."""
    assert parse_json(b'{"full_name": "Jeanne \\ud83d\\ude00"}') == {"full_name": "Jeanne 😀"}
    response = client.post("/api/v1/auth/register", content_type="application/json",
                           data='{"email": "smile@example.org", "password": "un mot de passe long", '
                                '"full_name": "Jeanne \\ud83d\\ude00"}')
    assert response.status_code == 201


# They read no body, and they end the token the loop below goes on with (tests/api/test_revocation_api.py).
ENDING_THE_TOKEN = {"api.logout", "api.sign_out_everywhere"}


def write_rules(app):
    """Every write route of the API that may read a body, its ids set to 1."""
    for rule in app.url_map.iter_rules():
        if (rule.endpoint.startswith(f"{api_bp.name}.") and rule.methods & {"POST", "PUT", "PATCH"}
                and rule.endpoint not in ENDING_THE_TOKEN):
            path = rule.rule
            for argument in rule.arguments:
                path = path.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "1")
            for method in sorted(rule.methods & {"POST", "PUT", "PATCH"}):
                yield method, path


@pytest.mark.parametrize("document", [DEEP_ARRAY, DEEP_OBJECT, '{"a": ' + DEEP_ARRAY + "}"])
def test_json_nested_a_thousand_deep_is_refused_on_every_json_route(app, client, make, caplog, document):
    headers = api_headers(app, make.coordinator())
    tried = 0
    for method, path in write_rules(app):
        for auth in ({}, headers):
            response = client.open(path, method=method, data=document, content_type="application/json", headers=auth)
            assert response.status_code in (400, 401, 403, 404, 415), (method, path, response.status_code)
            assert set(response.get_json()["error"]) >= {"code", "message", "fields"}
            tried += 1
    assert tried > 20
    assert_no_traceback(caplog)


@pytest.mark.parametrize("document", [DEEP_ARRAY, DEEP_OBJECT, with_surrogate('{"position_s": 1, "x": "?"}')])
def test_the_fast_paths_refuse_it_too(app, client, make, caplog, committed_course, document):
    """Beacons and quiz answers first try a steady path of their own that reads the body itself."""
    headers = api_headers(app, make.learner())
    for path in (f"/api/v1/items/{committed_course.film.id}/progress",
                 f"/api/v1/quizzes/{committed_course.graded.quiz.id}/attempts"):
        assert_malformed(client.post(path, data=document, content_type="application/json", headers=headers))
    assert_no_traceback(caplog)


@pytest.mark.parametrize("document", [DEEP_ARRAY, DEEP_OBJECT, with_surrogate('{"position_s": "?"}')])
def test_the_players_beacon_refuses_it(client, make, caplog, committed_course, document):
    login_as(client, make.learner())
    course, film = committed_course.course, committed_course.film
    response = client.post(f"/formations/{course.id}/elements/{film.id}/progression", data=document,
                           content_type="application/json", headers={"X-CSRFToken": csrf_token(client, "/compte")})
    assert_malformed(response)
    assert_no_traceback(caplog)


def test_nesting_up_to_the_limit_still_parses():
    document = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse_json(document) is not None
    with pytest.raises(ValueError):
        parse_json("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert parse_json('{"text": "' + "[" * 100 + '"}') == {"text": "[" * 100}  # brackets in strings do not nest


def test_invalid_utf8_in_a_form_field_is_no_500(client, caplog):
    """Werkzeug keeps an undecodable form value as its %-escapes (``%ED%A0%80``, a UTF-8-encoded surrogate):
    the registration form answers as for any other name."""
    token = csrf_token(client, "/inscription")
    body = (f"csrf_token={token}&full_name=%ED%A0%80&email=surrogate%40example.org&password=un+mot+de+passe+long"
            "&password_confirm=un+mot+de+passe+long&audience=")
    response = client.post("/inscription", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (302, 422)
    assert_no_traceback(caplog)
