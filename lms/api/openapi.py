"""OpenAPI 3.1 description of the API, served at /api/v1/openapi.json.

A test checks that every /api/v1 route of the app is described here and that
nothing described is missing from the app.
"""
from __future__ import annotations

from flask import jsonify

from lms.api import bp

PREFIX = "/api/v1"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {code: {"$ref": f"#/components/responses/E{code}"} for code in (400, 401, 403, 404, 409, 413, 415, 422, 429)}


def _errors(*codes: int) -> dict:
    return {str(code): ERRORS[code] for code in codes}


def _body(schema: dict, media: str = "application/json") -> dict:
    return {"required": True, "content": {media: {"schema": schema}}}


USER_ID = {"name": "user_id", "in": "path", "required": True, "schema": {"type": "integer"}}
VIDEO_ID = {"name": "video_id", "in": "path", "required": True, "schema": {"type": "integer"}}
COURSE_ID = {"name": "course_id", "in": "path", "required": True, "schema": {"type": "integer"}}
MODULE_ID = {"name": "module_id", "in": "path", "required": True, "schema": {"type": "integer"}}
ITEM_ID = {"name": "item_id", "in": "path", "required": True, "schema": {"type": "integer"}}
QUIZ_ID = {"name": "quiz_id", "in": "path", "required": True, "schema": {"type": "integer"}}
MOVE = _body({"type": "object", "required": ["position"], "properties": {"position": {"type": "integer", "minimum": 1}}})
MOVED = _json({"type": "object", "required": ["id", "position"], "properties": {
    "id": {"type": "integer"}, "position": {"type": "integer"}}})
BEARER = [{"bearer": []}]

SCHEMAS = {
    "CourseSummary": {
        "type": "object", "required": ["id", "slug", "title", "summary", "duration_minutes", "status"],
        "properties": {
            "id": {"type": "integer"}, "slug": {"type": "string"}, "title": {"type": "string"},
            "summary": {"type": "string"}, "duration_minutes": {"type": ["integer", "null"]},
            "status": {"enum": ["draft", "published"]}},
    },
    "Course": {
        "type": "object", "required": ["id", "slug", "title", "objectives", "status", "modules", "progress"],
        "properties": {
            "id": {"type": "integer"}, "slug": {"type": "string"}, "title": {"type": "string"},
            "summary": {"type": "string"}, "duration_minutes": {"type": ["integer", "null"]},
            "objectives": {"type": "array", "items": {"type": "string"}},
            "status": {"enum": ["draft", "published"]},
            "modules": {"type": "array", "items": {"type": "object", "required": ["id", "title", "position", "items"],
                "properties": {"id": {"type": "integer"}, "title": {"type": "string"}, "position": {"type": "integer"},
                               "items": {"type": "array", "items": {"type": "object",
                                   "required": ["id", "kind", "title", "position", "required", "completed"],
                                   "properties": {"id": {"type": "integer"}, "kind": {"enum": ["video", "quiz", "text"]},
                                                  "title": {"type": "string"}, "position": {"type": "integer"},
                                                  "required": {"type": "boolean"}, "completed": {"type": "boolean"},
                                                  "quiz_id": {"type": "integer"}, "video_id": {"type": "integer"}}}}}}},
            "progress": {"type": "object", "required": ["completed_items", "required_items", "completed"], "properties": {
                "completed_items": {"type": "integer"}, "required_items": {"type": "integer"},
                "completed": {"type": "boolean"}}},
        },
    },
    "NewCourse": {
        "type": "object", "required": ["title"],
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S"},
            "summary": {"type": ["string", "null"], "maxLength": 5000},
            "objectives": {"type": ["array", "null"], "maxItems": 50,
                           "items": {"type": "string", "minLength": 1, "pattern": "\\S"}},
            "duration_minutes": {"type": ["integer", "null"], "minimum": 0, "maximum": 100000},
        },
    },
    "NewQuiz": {
        "type": "object", "required": ["pass_mark", "role", "questions"],
        "description": "single and true_false: exactly one correct choice; true_false: exactly two choices; "
                       "multiple: at least one correct choice; 2 to 20 choices",
        "properties": {
            "pass_mark": {"type": "integer", "minimum": 0, "maximum": 100},
            "max_attempts": {"type": ["integer", "null"], "minimum": 1, "maximum": 1000},
            "role": {"enum": ["graded", "pre_test", "post_test"]},
            "questions": {"type": "array", "maxItems": 200, "items": {
                "type": "object", "required": ["kind", "prompt", "choices"],
                "properties": {
                    "kind": {"enum": ["single", "multiple", "true_false"]},
                    "prompt": {"type": "string", "minLength": 1, "maxLength": 5000, "pattern": "\\S"},
                    "explanation": {"type": ["string", "null"], "maxLength": 5000},
                    "choices": {"type": "array", "minItems": 2, "maxItems": 20, "items": {
                        "type": "object", "required": ["text", "correct"],
                        "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 5000, "pattern": "\\S"},
                                       "correct": {"type": "boolean"},
                                       "feedback": {"type": ["string", "null"], "maxLength": 5000}}}}}}},
        },
    },
    "NewItem": {
        "type": "object", "required": ["kind", "title"],
        "properties": {
            "kind": {"enum": ["video", "quiz", "text"]},
            "title": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S"},
            "required": {"type": "boolean"},
            "video_id": {"type": ["integer", "null"], "description": "video items only; an existing video"},
            "quiz": {"description": "quiz items only (required for them)", "oneOf": [{"type": "null"}, _ref("NewQuiz")]},
            "body_markdown": {"type": ["string", "null"]},
        },
    },
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code", "message", "fields"], "properties": {
            "code": {"type": "string"}, "message": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "every invalid field of the request at once, by path (quiz.questions[0].prompt)"},
            "reasons": {"type": "array", "items": {"type": "string"}, "description": "not_publishable: every reason"}}}},
    },
    "Profile": {
        "type": "object", "required": ["id", "email", "full_name", "role", "audience", "organisation"],
        "properties": {
            "id": {"type": "integer"}, "email": {"type": "string"}, "full_name": {"type": "string"},
            "role": {"enum": ["learner", "trainer", "coordinator"]},
            "audience": {"enum": ["professional", "elected_official", "mdph_agent", "user_or_carer", "other", None]},
            "organisation": {"type": ["string", "null"]},
        },
    },
    "Register": {
        "type": "object", "required": ["email", "password", "full_name"],
        "properties": {
            "email": {"type": "string", "format": "email", "minLength": 1}, "password": {"type": "string", "minLength": 10},
            "full_name": {"type": "string", "minLength": 1, "maxLength": 200}, "organisation": {"type": ["string", "null"]},
            "audience": {"enum": ["professional", "elected_official", "mdph_agent", "user_or_carer", "other",
                                  "prefer_not_to_say", None],
                         "description": "prefer_not_to_say, null or absent: no audience stored"},
            "audience_consent": {"type": "boolean", "description": "required with audience user_or_carer"},
        },
        # Health-revealing audience: only with explicit consent.
        "if": {"required": ["audience"], "properties": {"audience": {"const": "user_or_carer"}}},
        "then": {"required": ["audience_consent"], "properties": {"audience_consent": {"const": True}}},
    },
    "NewUser": {
        "type": "object", "required": ["email", "full_name", "role"],
        "properties": {
            "email": {"type": "string", "format": "email", "minLength": 1},
            "full_name": {"type": "string", "minLength": 1, "maxLength": 200},
            "role": {"enum": ["learner", "trainer", "coordinator"]},
            "audience": {"enum": ["professional", "elected_official", "mdph_agent", "other", "prefer_not_to_say", None]},
            "organisation": {"type": ["string", "null"]}, "password": {"type": ["string", "null"], "minLength": 10},
        },
    },
    "Progress": {
        "type": "object", "required": ["items", "next"],
        "properties": {"next": {"type": ["string", "null"]}, "items": {"type": "array", "items": {
            "type": "object", "properties": {
                "course_id": {"type": "integer"}, "started_at": {"type": ["string", "null"]},
                "completed_at": {"type": ["string", "null"]}, "completed_items": {"type": "integer"},
                "required_items": {"type": "integer"}}}}},
    },
    "Video": {
        "type": "object", "required": ["id", "status", "duration_s", "poster_url", "stream_url", "captions"],
        "properties": {
            "id": {"type": "integer"}, "title": {"type": "string"},
            "status": {"enum": ["processing", "ready", "failed"]},
            "duration_s": {"type": ["number", "null"]},
            "poster_url": {"type": ["string", "null"]}, "stream_url": {"type": ["string", "null"]},
            "captions": {"type": "array", "items": {"type": "object", "required": ["lang", "url"], "properties": {
                "lang": {"type": "string"}, "url": {"type": "string"}}}},
            "error": {"type": ["string", "null"], "description": "why processing failed, in French, for a trainer"},
        },
    },
}

PATHS = {
    "/auth/register": {"post": {
        "summary": "Self-registration of a learner", "security": [], "requestBody": _body(_ref("Register")),
        "responses": {"201": _json({"type": "object", "required": ["id", "email", "role"], "properties": {
            "id": {"type": "integer"}, "email": {"type": "string"}, "role": {"const": "learner"}}}, "Created"),
            **_errors(400, 403, 409, 415, 422, 429)}}},
    "/auth/token": {"post": {
        "summary": "Exchange credentials for a bearer token", "security": [],
        "requestBody": _body({"type": "object", "required": ["email", "password"], "properties": {
            "email": {"type": "string", "minLength": 1}, "password": {"type": "string", "minLength": 1}}}),
        "responses": {"200": _json({"type": "object", "required": ["token", "expires_at"], "properties": {
            "token": {"type": "string"}, "expires_at": {"type": "string", "format": "date-time"}}}),
            **_errors(400, 401, 415, 422, 429)}}},
    "/auth/logout": {"post": {
        "summary": "Sign out of the API: the bearer token of the request stops working (only that one)",
        "responses": {"204": {"description": "Signed out"}, **_errors(401)}}},
    "/me/password": {"post": {
        "summary": "Change the caller's password; every browser session, remember-me cookie and API token of the "
                   "caller stops working, this token included. 403 wrong_password: the current one is wrong",
        "requestBody": _body({"type": "object", "required": ["current_password", "new_password"], "properties": {
            "current_password": {"type": "string", "minLength": 1, "maxLength": 256},
            "new_password": {"type": "string", "minLength": 10, "maxLength": 256}}}),
        "responses": {"204": {"description": "Changed"}, **_errors(400, 401, 403, 415, 422)}}},
    "/me/sign-out-everywhere": {"post": {
        "summary": "Sign out everywhere: every browser session, remember-me cookie and API token of the caller "
                   "stops working, this token included",
        "responses": {"204": {"description": "Signed out everywhere"}, **_errors(401)}}},
    "/me": {
        "get": {"summary": "The caller's profile", "responses": {"200": _json(_ref("Profile")), **_errors(401)}},
        "delete": {"summary": "Erase the caller's personal data (GDPR)", "responses": {
            "204": {"description": "Erased"}, **_errors(401, 409)}},
    },
    "/me/export": {"get": {"summary": "Everything held about the caller (GDPR)", "responses": {
        "200": _json({"type": "object", "required": ["profile"]}), **_errors(401)}}},
    "/me/progress": {"get": {"summary": "The caller's progress per course", "responses": {
        "200": _json(_ref("Progress")), **_errors(401)}}},
    "/users": {"post": {
        "summary": "Create an account (coordinator); without password an invitation is emailed",
        "requestBody": _body(_ref("NewUser")),
        "responses": {"201": _json(_ref("Profile"), "Created"), **_errors(400, 401, 403, 409, 415, 422)}}},
    "/users/import": {"post": {
        "summary": "Import learners from CSV (email,full_name,audience,organisation)",
        "requestBody": _body({"type": "string", "minLength": 1,
                              "description": "header line email,full_name,audience,organisation"}, "text/csv"),
        "responses": {"200": _json({"type": "object", "required": ["created", "updated", "errors"], "properties": {
            "created": {"type": "integer"}, "updated": {"type": "integer"}, "unchanged": {"type": "integer"},
            "errors": {"type": "array", "items": {"type": "object", "properties": {
                "line": {"type": "integer"}, "message": {"type": "string"}}}}}}),
            **_errors(400, 401, 403, 413, 415, 422)}}},
    "/users/{user_id}": {"get": {
        "summary": "A profile (coordinator, or the person)", "parameters": [USER_ID],
        "responses": {"200": _json(_ref("Profile")), **_errors(401, 403, 404)}}},
    "/users/{user_id}/progress": {"get": {
        "summary": "A person's progress (coordinator, or the person)", "parameters": [USER_ID],
        "responses": {"200": _json(_ref("Progress")), **_errors(401, 403, 404)}}},
    "/videos": {"post": {
        "summary": "Upload a video (trainer, coordinator); processed in the background",
        "requestBody": _body({"type": "object", "required": ["file"], "properties": {
            "file": {"type": "string", "format": "binary", "contentMediaType": "application/octet-stream"},
            "title": {"type": "string", "maxLength": 200}}}, "multipart/form-data"),
        "responses": {"202": _json({"type": "object", "required": ["id", "status"], "properties": {
            "id": {"type": "integer"}, "status": {"const": "processing"}}}, "Accepted"),
            **_errors(400, 401, 403, 413, 415, 422)}}},
    "/videos/{video_id}": {"get": {
        "summary": "A video's state and the URLs of its files (staff; learners of a published course using it)",
        "parameters": [VIDEO_ID], "responses": {"200": _json(_ref("Video")), **_errors(401, 403, 404)}}},
    "/videos/{video_id}/captions": {"post": {
        "summary": "Add or replace the WebVTT captions of one language (the video's owner, a trainer of a course "
                   "using it, coordinators; others 403)",
        "parameters": [VIDEO_ID, {"name": "lang", "in": "query", "required": True,
                                  "schema": {"type": "string", "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"}}],
        "requestBody": _body({"type": "string", "minLength": 6, "description": "WebVTT, UTF-8"}, "text/vtt"),
        "responses": {"201": _json({"type": "object", "required": ["lang", "url"], "properties": {
            "lang": {"type": "string"}, "url": {"type": "string"}}}, "Created"),
            **_errors(400, 401, 403, 404, 413, 415, 422)}}},
    "/videos/{video_id}/transcript": {"put": {
        "summary": "Replace the transcript shown next to the player (empty: back to the French captions); "
                   "who may: as for the captions",
        "parameters": [VIDEO_ID],
        "requestBody": {"required": True, "content": {"text/plain": {"schema": {"type": "string"}},
                                                       "text/markdown": {"schema": {"type": "string"}}}},
        "responses": {"200": _json({"type": "object", "required": ["id", "transcript"], "properties": {
            "id": {"type": "integer"}, "transcript": {"type": ["string", "null"]},
            "from_captions": {"type": "boolean"}}}),
            **_errors(400, 401, 403, 404, 413, 415, 422)}}},
    "/courses": {
        "get": {"summary": "Courses the caller may see (learners: published only)",
                "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
                               {"name": "cursor", "in": "query", "description": "the `next` of the previous page; empty or absent: the first page",
                                "schema": {"type": "string", "pattern": "^[0-9]{0,10}$"}}],
                "responses": {"200": _json({"type": "object", "required": ["items", "next"], "properties": {
                    "items": {"type": "array", "items": _ref("CourseSummary")}, "next": {"type": ["string", "null"]}}}),
                    **_errors(401, 422)}},
        "post": {"summary": "Create a draft course (trainer, coordinator)", "requestBody": _body(_ref("NewCourse")),
                 "responses": {"201": _json({"type": "object", "required": ["id", "status"], "properties": {
                     "id": {"type": "integer"}, "slug": {"type": "string"}, "status": {"const": "draft"}}}, "Created"),
                     **_errors(400, 401, 403, 415, 422)}},
    },
    "/courses/{course_id}": {"get": {
        "summary": "A course with its modules and items, never the quiz answers (drafts: staff only)",
        "parameters": [COURSE_ID], "responses": {"200": _json(_ref("Course")), **_errors(401, 404)}}},
    "/courses/{course_id}/modules": {"post": {
        "summary": "Add a module at the end (owner trainer, coordinator)", "parameters": [COURSE_ID],
        "requestBody": _body({"type": "object", "required": ["title"], "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S"}}}),
        "responses": {"201": _json({"type": "object", "required": ["id", "position"], "properties": {
            "id": {"type": "integer"}, "position": {"type": "integer"}}}, "Created"),
            **_errors(400, 401, 403, 404, 415, 422)}}},
    "/modules/{module_id}/items": {"post": {
        "summary": "Add a video, quiz or text item at the end of a module (owner trainer, coordinator)",
        "parameters": [MODULE_ID], "requestBody": _body(_ref("NewItem")),
        "responses": {"201": _json({"type": "object", "required": ["id"], "properties": {
            "id": {"type": "integer"}, "position": {"type": "integer"}}}, "Created"),
            **_errors(400, 401, 403, 404, 415, 422)}}},
    "/courses/{course_id}/publish": {"post": {
        "summary": "Publish a course; 422 not_publishable lists every reason in error.reasons",
        "parameters": [COURSE_ID],
        "responses": {"200": _json(_ref("CourseSummary")), **_errors(401, 403, 404, 409, 422)}}},
    "/courses/{course_id}/unpublish": {"post": {
        "summary": "Back to draft (owner trainer, coordinator); 409 not_published", "parameters": [COURSE_ID],
        "responses": {"200": _json(_ref("CourseSummary")), **_errors(401, 403, 404, 409)}}},
    "/modules/{module_id}": {
        "patch": {"summary": "Move a module to a position (from 1); the others close up", "parameters": [MODULE_ID],
                  "requestBody": MOVE, "responses": {"200": MOVED, **_errors(400, 401, 403, 404, 415, 422)}},
        "delete": {"summary": "Remove a module and its items", "parameters": [MODULE_ID],
                   "responses": {"204": {"description": "Removed"}, **_errors(401, 403, 404)}},
    },
    "/items/{item_id}": {
        "patch": {"summary": "Move an item within its module (position from 1)", "parameters": [ITEM_ID],
                  "requestBody": MOVE, "responses": {"200": MOVED, **_errors(400, 401, 403, 404, 415, 422)}},
        "delete": {"summary": "Remove an item", "parameters": [ITEM_ID],
                   "responses": {"204": {"description": "Removed"}, **_errors(401, 403, 404)}},
    },
    # Progress and quizzes
    "/items/{item_id}/progress": {"post": {
        "summary": "Record progress: a video beacon {position_s, watched: [[start_s, end_s], ...]} or a text read {}",
        "parameters": [ITEM_ID],
        "requestBody": _body({"type": "object", "properties": {
            "position_s": {"type": "number", "minimum": 0},
            "watched": {"type": "array", "maxItems": 200, "items": {
                "type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "number", "minimum": 0}}}}}),
        "responses": {"200": _json({"type": "object", "required": ["watched_ratio", "completed"], "properties": {
            "watched_ratio": {"type": "number", "minimum": 0, "maximum": 1}, "completed": {"type": "boolean"},
            "position_s": {"type": "number"}, "completed_at": {"type": ["string", "null"]}}}),
            **_errors(400, 401, 403, 404, 409, 415, 422)}}},
    "/quizzes/{quiz_id}": {"get": {
        "summary": "A quiz's questions and choices, never the correct answers", "parameters": [QUIZ_ID],
        "responses": {"200": _json({"type": "object", "required": ["id", "questions"], "properties": {
            "id": {"type": "integer"}, "role": {"enum": ["graded", "pre_test", "post_test"]},
            "pass_mark": {"type": "integer"}, "attempts_left": {"type": ["integer", "null"]},
            "questions": {"type": "array", "items": {"type": "object", "required": ["id", "kind", "prompt", "choices"],
                "properties": {"id": {"type": "integer"}, "kind": {"enum": ["single", "multiple", "true_false"]},
                               "prompt": {"type": "string"}, "choices": {"type": "array", "items": {
                                   "type": "object", "required": ["id", "text"], "not": {"required": ["correct"]},
                                   "properties": {"id": {"type": "integer"}, "text": {"type": "string"}}}}}}}}}),
            **_errors(401, 403, 404)}}},
    "/quizzes/{quiz_id}/attempts": {"post": {
        "summary": "Submit answers {answers: {question_id: [choice_id, ...]}}; graded at once",
        "parameters": [QUIZ_ID],
        "requestBody": _body({"type": "object", "required": ["answers"], "properties": {"answers": {
            "type": "object", "additionalProperties": {"type": "array", "items": {"type": "integer"}}}}}),
        "responses": {"201": _json({"type": "object", "required": ["score", "passed", "attempts_left", "feedback"],
                                    "properties": {
            "score": {"type": "integer", "minimum": 0, "maximum": 100}, "passed": {"type": "boolean"},
            "attempts_left": {"type": ["integer", "null"]},
            "feedback": {"type": "array", "items": {"type": "object", "required": ["question_id", "correct", "explanation"],
                "properties": {"question_id": {"type": "integer"}, "correct": {"type": "boolean"},
                               "explanation": {"type": "string"}}}}}}),
            **_errors(400, 401, 403, 404, 409, 415, 422)}}},
    # -- certificates (lms/api/certificates.py) --
    "/me/certificates": {"get": {
        "summary": "The caller's certificates of completion, newest first",
        "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
                       {"name": "cursor", "in": "query", "description": "the `next` of the previous page; empty or absent: the first page",
                        "schema": {"type": "string", "pattern": "^[0-9]{0,10}$"}}],
        "responses": {"200": _json({"type": "object", "required": ["items", "next"], "properties": {
            "next": {"type": ["string", "null"]},
            "items": {"type": "array", "items": {"type": "object",
                "required": ["code", "course_id", "issued_at", "pdf_url", "verify_url"], "properties": {
                    "code": {"type": "string", "description": "unique number, six groups of four characters, e.g. 7KQ2-M3TA-PX4C-Q6LN-2WRD-HV5E"},
                    "course_id": {"type": ["integer", "null"]}, "course_title": {"type": "string"},
                    "issued_at": {"type": "string", "format": "date-time"}, "revoked": {"type": "boolean"},
                    "pdf_url": {"type": "string", "description": "GET it with the same bearer token (or session cookie)"},
                    "verify_url": {"type": "string"}}}}}}),
            **_errors(401, 422)}}},
    "/certificates/{code}.pdf": {"get": {
        "summary": "The certificate as a PDF (its holder, coordinators): the `pdf_url` of the list",
        "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "OK", "content": {"application/pdf": {
            "schema": {"type": "string", "format": "binary"}}}}, **_errors(401, 403, 404)}}},
    "/certificates/{code}/revoke": {"post": {
        "summary": "Revoke a certificate (coordinator); the record is kept and verification says revoked",
        "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
        "requestBody": _body({"type": "object", "required": ["reason"], "properties": {
            "reason": {"type": "string", "minLength": 1, "maxLength": 500, "pattern": "\\S"}}}),
        "responses": {"200": _json({"type": "object", "required": ["valid", "holder_name", "course_title", "issued_at", "revoked"],
                                    "properties": {"valid": {"const": False}, "code": {"type": "string"},
                                                   "holder_name": {"type": "string"}, "course_title": {"type": "string"},
                                                   "issued_at": {"type": "string", "format": "date-time"},
                                                   "issuer": {"type": "string"}, "revoked": {"const": True},
                                                   "revoked_at": {"type": "string", "format": "date-time"},
                                                   "reason": {"type": "string"}}}),
            **_errors(400, 401, 403, 404, 409, 415, 422)}}},
    # -- end certificates --
    "/openapi.json": {"get": {"summary": "This description", "security": [], "responses": {
        "200": _json({"type": "object"})}}},
}


def build_spec() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "lms API", "version": "1.0.0",
                 "description": "JSON API of the CLSM mental-health awareness platform (shared/API.md). "
                                "Ids in paths are 32-bit keys: a larger id is 404 for every method of its path. "
                                "JSON nested more than 32 deep, or holding a lone surrogate, is 400. In text, a control "
                                "character other than tab and line breaks is 422; invisible formatting characters "
                                "(bidi overrides, zero-width space) are dropped."},
        "servers": [{"url": "/"}],
        "security": BEARER,
        "paths": {PREFIX + path: item for path, item in PATHS.items()},
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {f"E{code}": _json(_ref("Error"), "Error") for code in (400, 401, 403, 404, 409, 413, 415, 422, 429)},
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(build_spec())
