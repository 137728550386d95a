"""Home and the legal pages every public-body site must carry."""
from flask import redirect, render_template, url_for
from flask_login import current_user

from lms.pages import bp


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("pages/home.html")


@bp.get("/accessibilite")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.get("/mentions-legales")
def legal():
    return render_template("pages/legal.html")


@bp.get("/donnees-personnelles")
def privacy():
    return render_template("pages/privacy.html")
