"""HTML routes for accounts: sign in and out, register, passwords, the account page, user admin."""
from __future__ import annotations

import json

from flask import Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from lms.auth import bp, services
from lms.auth.forms import (
    AccountForm,
    ChangePasswordForm,
    EraseAccountForm,
    ForgotPasswordForm,
    ImportUsersForm,
    LoginForm,
    RegisterForm,
    RoleForm,
    SetPasswordForm,
    UserCreateForm,
)
from lms.auth.permissions import require_manage_users
from lms.auth.queries import sections_of
from lms.auth.services.passwords import verify_password
from lms.core.db import commit
from lms.core.errors import DomainError, Invalid
from lms.core.pagination import searched_page
from lms.core.ratelimit import SignInAttempt, check_registration, count_registration
from lms.core.web import safe_next, show_errors
from lms.extensions import limiter


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _start_session(user, remember: bool = False) -> None:
    """A fresh session (no fixation) on a new sign-in of its own (lms.auth.models.SignIn): the id that the
    session and, with ``remember``, the "Rester connecté·e" cookie hold is new at every sign-in."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    services.start_sign_in(user)
    commit()
    login_user(user, remember=remember)
    if not remember and _has_remember_cookie():
        session["_remember"] = "clear"  # an older sign-in's cookie, dead or not, is not this one's


def _has_remember_cookie() -> bool:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


def _end_session() -> None:
    """Out of this browser: the session emptied, then Flask-Login's order to delete the remember cookie
    (which clearing the session afterwards would drop)."""
    session.clear()
    logout_user()


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = LoginForm()
    if form.validate_on_submit():
        attempt = SignInAttempt(form.email.data)  # 429 when this address or this account is over its limit
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            commit()
            _start_session(user, form.remember.data)
            return redirect(safe_next())
        attempt.failed()
        flash(_("Adresse électronique ou mot de passe incorrect."), "error")
    return render_template("auth/login.html", form=form), 422 if request.method == "POST" else 200


@bp.post("/deconnexion")
def logout():
    if current_user.is_authenticated:  # from the session, or from the remember cookie
        services.end_sign_in(current_user)  # for good: copies of this browser's cookies stop working too
        commit()
    _end_session()
    flash(_("Vous êtes déconnecté·e."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/inscription", methods=["GET", "POST"])
def register():
    if not current_app.config["SELF_REGISTRATION"]:
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = RegisterForm()
    if request.method == "POST":
        check_registration()  # 429 when this address has created its share of accounts
    if form.validate_on_submit():
        try:
            user = services.register(
                email=form.email.data, password=form.password.data, full_name=form.full_name.data,
                audience=form.audience.data, organisation=form.organisation.data,
                audience_consent=form.audience_consent.data,
            )
            commit()
        except DomainError as exc:
            show_errors(form, exc)
        else:
            count_registration()
            _start_session(user)
            flash(_("Bienvenue ! Votre compte est créé."), "success")
            return redirect(url_for("pages.home"))
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])  # per address; per account, one email per few minutes (the service)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        commit()
        flash(_("Si un compte existe pour cette adresse, un lien valable une heure vient d'y être envoyé."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
def set_password(token: str):
    email_token = services.find_email_token(token)
    if email_token is None:
        return render_template("auth/token_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.set_password_with_token(token, form.password.data)
            commit()
        except DomainError as exc:
            show_errors(form, exc)
        else:
            _start_session(user)
            flash(_("Votre mot de passe est enregistré."), "success")
            return redirect(url_for("pages.home"))
    return render_template("auth/set_password.html", form=form, purpose=email_token.purpose,
                           user=email_token.user), 422 if form.errors else 200


def _account_form() -> AccountForm:
    user = current_user
    return AccountForm(data={
        "full_name": user.full_name, "organisation": user.organisation_name, "audience": user.audience or "",
        "audience_consent": user.audience_consent_at is not None, "email_reminders": user.email_reminders,
        "locale": user.locale,
    })


@bp.route("/compte", methods=["GET", "POST"])
@login_required
def account():
    form = _account_form()
    password_form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, full_name=form.full_name.data, organisation=form.organisation.data,
                                    email_reminders=form.email_reminders.data, locale=form.locale.data,
                                    audience=form.audience.data, audience_consent=form.audience_consent.data)
            commit()
        except DomainError as exc:
            show_errors(form, exc)
        else:
            session.pop("locale", None)
            flash(_("Vos informations sont enregistrées."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form, password_form=password_form), 422 if form.errors else 200


@bp.post("/compte/mot-de-passe")
@login_required
def change_password():
    form = _account_form()
    password_form = ChangePasswordForm(prefix="pw")
    if password_form.validate_on_submit():
        try:
            services.change_password(current_user, password_form.current_password.data, password_form.new_password.data)
            commit()
        except DomainError as exc:
            show_errors(password_form, exc)
        else:
            # Every sign-in of the person ended, this one too: this browser goes on with a new one.
            _start_session(current_user._get_current_object(), remember=_has_remember_cookie())
            flash(_("Votre mot de passe est changé."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form, password_form=password_form), 422


@bp.post("/compte/deconnexion-partout")
@login_required
def sign_out_everywhere():
    services.sign_out_everywhere(current_user)
    commit()
    _end_session()
    flash(_("Vous êtes déconnecté·e de tous vos appareils."), "success")
    return redirect(url_for("auth.login"))


@bp.get("/compte/export.json")
@login_required
def export_account():
    data = services.export_user_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="mes-donnees-lms.json"', "Cache-Control": "no-store"})


@bp.route("/compte/supprimer", methods=["GET", "POST"])
@login_required
def erase_account():
    form = EraseAccountForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.password.data):
            form.password.errors.append(_("Mot de passe incorrect."))
        else:
            try:
                services.erase_user(current_user)
                commit()
            except DomainError as exc:
                show_errors(form, exc)
                return render_template("auth/erase.html", form=form), exc.status
            _end_session()
            flash(_("Votre compte et vos données personnelles ont été effacés."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/erase.html", form=form), 422 if form.errors else 200


@bp.post("/langue")
def set_language():
    locale = request.form.get("locale")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
    return redirect(safe_next())


# -- coordinator: people ------------------------------------------------------

@bp.get("/admin/utilisateurs")
@login_required
def list_users():
    require_manage_users(current_user)
    query, role, page = searched_page(services.search_users, "role")
    return render_template("auth/users.html", page=page, query=query, role=role)


@bp.route("/admin/utilisateurs/nouveau", methods=["GET", "POST"])
@login_required
def create_user():
    require_manage_users(current_user)
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(current_user, email=form.email.data, full_name=form.full_name.data,
                                        role=form.role.data, audience=form.audience.data,
                                        organisation=form.organisation.data)
            commit()
        except DomainError as exc:
            show_errors(form, exc)
        else:
            flash(_("Compte créé ; une invitation a été envoyée à %(email)s.", email=user.email), "success")
            return redirect(url_for("auth.show_user", user_id=user.id))
    return render_template("auth/user_new.html", form=form), 422 if form.errors else 200


@bp.route("/admin/utilisateurs/<int:user_id>", methods=["GET", "POST"])
@login_required
def show_user(user_id: int):
    require_manage_users(current_user)
    user = services.get_user(user_id)
    form = RoleForm(obj=user)
    if form.validate_on_submit():
        try:
            services.change_role(current_user, user, form.role.data)
            commit()
        except DomainError as exc:
            show_errors(form, exc)
        else:
            flash(_("Rôle enregistré."), "success")
            return redirect(url_for("auth.show_user", user_id=user.id))
    return render_template("auth/user_show.html", user=user, form=form, sections=sections_of(user)), \
        422 if form.errors else 200


@bp.post("/admin/utilisateurs/<int:user_id>/invitation")
@login_required
def resend_invitation(user_id: int):
    require_manage_users(current_user)
    user = services.get_user(user_id)
    try:
        services.resend_invitation(current_user, user)
        commit()
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Une nouvelle invitation a été envoyée à %(email)s.", email=user.email), "success")
    return redirect(url_for("auth.show_user", user_id=user.id))


@bp.route("/admin/utilisateurs/import", methods=["GET", "POST"])
@login_required
def import_users():
    require_manage_users(current_user)
    form = ImportUsersForm()
    result = None
    if form.validate_on_submit():
        try:
            text = services.decode_csv(form.file.data.read())
            result = services.import_users_csv(current_user, text)
            commit()
        except (DomainError, UnicodeDecodeError) as exc:
            show_errors(form, exc if isinstance(exc, DomainError) else Invalid(_("Le fichier n'est pas un texte lisible (UTF-8 attendu).")))
    return render_template("auth/import.html", form=form, result=result), 422 if form.errors else 200
