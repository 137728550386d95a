"""Accounts: register, tokens, profiles, CSV import, GDPR export and erasure."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _

from lms.api import bp
from lms.api.common import authenticated, bearer_token, caller, json_body
from lms.auth import services
from lms.auth.models import AUDIENCES, User
from lms.auth.permissions import require_manage_users, require_view_user
from lms.core.clock import isoformat
from lms.core.db import commit
from lms.core.errors import BadRequest, Unauthorized, UnsupportedMediaType
from lms.core.ratelimit import SignInAttempt, check_registration, count_registration
from lms.learning.services import course_progress

# "prefer_not_to_say" (or null, or leaving it out) stores no audience.
API_AUDIENCES = (*AUDIENCES, "prefer_not_to_say")


def profile(user: User) -> dict:
    return {
        "id": user.id, "email": user.email, "full_name": user.full_name, "role": user.role,
        "audience": user.audience, "organisation": user.organisation_name,
    }


@bp.post("/auth/register")
def register():
    check_registration()  # 429 when this address has created its share of accounts
    body = json_body(collect=True)
    with body.errors.joined():  # one 422 names every wrong field
        user = services.register(
            email=body.text("email", required=True, max_length=320),
            password=body.text("password", required=True, max_length=256),
            full_name=body.text("full_name", required=True, max_length=200),
            audience=body.choice("audience", API_AUDIENCES),
            organisation=body.text("organisation", max_length=200),
            audience_consent=body.flag("audience_consent"),
        )
    commit()
    count_registration()
    return jsonify({"id": user.id, "email": user.email, "role": user.role}), 201


@bp.post("/auth/token")
def issue_token():
    body = json_body(collect=True)
    email, password = body.text("email", required=True, max_length=320), body.text("password", required=True, max_length=256)
    body.errors.raise_if_any()
    attempt = SignInAttempt(email)  # 429 when this address or this account is over its limit
    user = services.authenticate(email, password)
    if user is None:
        attempt.failed()
        raise Unauthorized(_("Adresse électronique ou mot de passe incorrect."), code="invalid_credentials")
    raw, expires_at = services.issue_api_token(user)
    commit()
    return jsonify({"token": raw, "expires_at": isoformat(expires_at)})


@bp.post("/auth/logout")
@authenticated
def logout():
    """204: the bearer token of the request stops working (the caller's other tokens do not)."""
    token = bearer_token()
    if token is None:  # a browser's session cookie does not sign in POST requests: this is never reached with one
        raise Unauthorized()
    services.revoke_api_token(token)
    commit()
    return "", 204


@bp.get("/me")
@authenticated
def me():
    return jsonify(profile(caller()))


@bp.post("/me/password")
@authenticated
def change_password():
    """204; every session, remember cookie and API token of the caller stops working, this token included.
    403 ``wrong_password``; 422 naming ``new_password`` when it breaks the rules of the page "Mon compte"."""
    body = json_body(collect=True)
    current, new = body.text("current_password", required=True, max_length=256), body.text("new_password", required=True, max_length=256)
    body.errors.raise_if_any()  # one 422 names both missing passwords
    services.change_password(caller(), current, new)
    commit()
    return "", 204


@bp.post("/me/sign-out-everywhere")
@authenticated
def sign_out_everywhere():
    """204; every session, remember cookie and API token of the caller stops working, this token included."""
    services.sign_out_everywhere(caller())
    commit()
    return "", 204


@bp.post("/users")
@authenticated
def create_user():
    require_manage_users(caller())
    body = json_body(collect=True)
    with body.errors.joined():
        user = services.create_user(
            caller(),
            email=body.text("email", required=True, max_length=320),
            full_name=body.text("full_name", required=True, max_length=200),
            role=body.text("role", required=True, max_length=20),
            audience=body.choice("audience", API_AUDIENCES),
            organisation=body.text("organisation", max_length=200),
            password=body.text("password", max_length=256, blank=False),
        )
    commit()
    return jsonify(profile(user)), 201


@bp.post("/users/import")
@authenticated
def import_users():
    require_manage_users(caller())
    if request.mimetype not in ("text/csv", "text/plain"):
        raise UnsupportedMediaType(_("Corps CSV attendu (Content-Type: text/csv)."))
    try:
        text = services.decode_csv(request.get_data())
    except UnicodeDecodeError:
        raise BadRequest(_("Le fichier n'est pas un texte lisible (UTF-8 attendu)."), code="malformed_csv") from None
    result = services.import_users_csv(caller(), text)
    commit()
    return jsonify(result.as_dict())


@bp.get("/users/<int:user_id>")
@authenticated
def get_user(user_id: int):
    user = services.get_user(user_id)
    require_view_user(caller(), user)
    return jsonify(profile(user))


@bp.get("/users/<int:user_id>/progress")
@authenticated
def user_progress(user_id: int):
    user = services.get_user(user_id)
    require_view_user(caller(), user)
    return jsonify({"items": course_progress(user), "next": None})


@bp.get("/me/progress")
@authenticated
def my_progress():
    return jsonify({"items": course_progress(caller()), "next": None})


@bp.get("/me/export")
@authenticated
def export_me():
    return jsonify(services.export_user_data(caller()))


@bp.delete("/me")
@authenticated
def erase_me():
    """204; 409 ``last_coordinator`` when the caller is the only coordinator left."""
    services.erase_user(caller())
    commit()
    return "", 204
