"""lms: online mental-health awareness training for local mental-health councils."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, request, session
from flask_login import current_user
from werkzeug.exceptions import NotFound
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from lms.extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type | None = None, **overrides) -> Flask:
    from config import config_from_env

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder="static",
    )
    from lms.core.web import JSONProvider

    app.json = JSONProvider(app)  # every JSON read from outside: bounded depth, no lone surrogate
    app.config.from_object(config or config_from_env())
    app.config.update(overrides)
    from lms.core.startup import check_start_up

    check_start_up(app.config)  # first: a production with a weak secret never gets further
    from lms.learning.retention import check_retention

    check_retention(app.config["EVIDENCE_RETENTION_DAYS"])
    Path(app.config["INSTANCE_PATH"]).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    db.init_app(app)
    from lms.core.db import start_unit_of_work

    app.before_request(lambda: start_unit_of_work(app))  # first: before any statement of the request
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: app.config["TIMEZONE"])
    from lms.core.i18n import install_template_translations

    install_template_translations(app)
    from lms.core.cache import init_content_cache

    init_content_cache(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"  # a phone changing network keeps its session
    if app.config["PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=app.config["PROXY_COUNT"],
                                x_host=app.config["PROXY_COUNT"])

    from lms.core.celery import celery_init_app

    celery_init_app(app)

    from lms.core import models_registry  # noqa: F401  (every model imported for Alembic)
    from lms.core.errors import register_error_handlers
    from lms.core.security import register_security_headers

    register_error_handlers(app)
    register_security_headers(app)

    # Ids in URLs fit the INTEGER (32-bit) primary keys; anything larger is simply not found.
    app.url_map.converters["int"] = BoundedIntConverter

    from lms.api import bp as api_bp
    from lms.auth import bp as auth_bp
    from lms.authoring import bp as authoring_bp
    from lms.certificates import bp as certificates_bp
    from lms.learning import bp as learning_bp
    from lms.messages import bp as messages_bp
    from lms.pages import bp as pages_bp
    from lms.videos import bp as videos_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(messages_bp)
    app.register_blueprint(videos_bp)
    app.register_blueprint(authoring_bp)
    app.register_blueprint(learning_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)

    from lms.wiring import install as install_wiring

    install_wiring(app)  # every list of hooks (periodic jobs, task handlers, GDPR, finders), declared in lms/wiring.py

    from lms.cli import register_cli

    register_cli(app)

    @login_manager.user_loader
    def load_user(sign_in_id: str):
        """The session's or the remember cookie's id: a live browser sign-in (lms.auth.models.SignIn)."""
        from lms.auth.services import user_for_session

        user = user_for_session(sign_in_id)
        if user is None:  # a sign-in ended: the browser drops its id and its remember cookie (both name it)
            session.pop("_user_id", None)
            if app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
                session["_remember"] = "clear"  # Flask-Login then neither reads the cookie again nor keeps it
        return user

    @app.context_processor
    def inject_globals():
        return {"config_public": {
            "accessibility_status": accessibility_label(app.config["ACCESSIBILITY_STATUS"]),
            "publisher": app.config["PUBLISHER_NAME"],
            "contact_email": app.config["CONTACT_EMAIL"],
            "dpo_email": app.config["DPO_EMAIL"],
            "self_registration": app.config["SELF_REGISTRATION"],
        }, "current_locale": select_locale()}

    @app.teardown_appcontext
    def remove_session(exc):
        db.session.remove()

    return app


def accessibility_label(status: str) -> str:
    """The RGAA compliance status, translated (the setting holds the French legal wording)."""
    from flask_babel import lazy_gettext as _l

    labels = {"totalement conforme": _l("totalement conforme"), "partiellement conforme": _l("partiellement conforme"),
              "non conforme": _l("non conforme")}
    return labels.get(status, status)


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` bounded to the INTEGER (32-bit) primary keys: a larger id is 404 for every method of the rule.

    The regex still matches any run of digits and an out-of-range value raises NotFound from to_python.
    A ValidationError there would not do: werkzeug calls to_python only on the rule it picked for the
    request's method, and a ValidationError then becomes 405 as soon as the same path has rules for other
    methods (PATCH and DELETE /api/v1/modules/<id> are two rules)."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> int:
        try:
            number = int(value)  # the regex admits only digits (with a sign when signed)
        except ValueError:  # more digits than int() reads (sys.get_int_max_str_digits)
            raise NotFound() from None
        if (self.min is not None and number < self.min) or (self.max is not None and number > self.max):
            raise NotFound()
        return super().to_python(value)


def select_locale() -> str:
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale") if request else None
    if chosen in languages:
        return chosen
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]
