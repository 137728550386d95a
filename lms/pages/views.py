"""Home and the legal pages every public-body site must carry."""
from flask import render_template
from flask_login import current_user

from lms.learning.queries import overview
from lms.pages import bp


@bp.get("/")
def home():
    """Before sign-in: what the training is and its published courses. Signed in: where the person stands
    (« Reprendre », progress per course, certificates). The sessions issue adds the next session here."""
    if not current_user.is_authenticated:
        return render_template("pages/welcome.html", courses=overview.published_courses())
    return render_template("pages/home.html", journey=overview.learner_journey(current_user))


@bp.get("/accessibilite")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.get("/mentions-legales")
def legal():
    return render_template("pages/legal.html")


@bp.get("/donnees-personnelles")
def privacy():
    return render_template("pages/privacy.html")
