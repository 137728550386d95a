"""Certificates in the browser: the public verification page and the learner's pages through axe, at 1280 and 320 px."""
import pytest
from playwright.sync_api import expect

from lms.auth.models import User
from lms.certificates import services
from lms.core.db import commit
from lms.extensions import db
from tests.browser.a11y import check_a11y
from tests.browser.helpers import assert_no_horizontal_scroll, visit
from tests.certificates.helpers import completed_course

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

WIDTHS = [1280, 320]
SUCCESS, DANGER = "rgb(30, 107, 52)", "rgb(164, 22, 26)"  # --success and --danger of app.css


@pytest.fixture
def certificate_of(live_app):
    """Issue a certificate to a committed learner of the live database; returns its grouped code."""

    def make(learner, **kwargs) -> str:
        with live_app.app_context():
            user = db.session.get(User, learner.id)
            _course, completion = completed_course(user, **kwargs)
            certificate = services.issue_certificate(completion.id)
            code = certificate.display_code
            commit()
            return code

    return make


def border_colour(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).borderLeftColor")


@pytest.mark.parametrize("width", WIDTHS)
def test_verification_page(new_context, width, create_user, certificate_of, live_app):
    learner = create_user("learner", full_name="Hélène Dupré")
    code = certificate_of(learner, title="Premiers repères en santé mentale : comprendre et orienter")
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    visit(page, f"/verify/{code}", "Vérification d'une attestation")
    valid = page.get_by_role("status").filter(has_text="Attestation valide")
    expect(valid).to_be_visible()
    assert border_colour(valid) == SUCCESS  # good news in green, not in the warning colour
    expect(page.get_by_text("Hélène Dupré")).to_be_visible()

    coordinator = create_user("coordinator")
    with live_app.app_context():
        services.revoke_certificate(db.session.get(User, coordinator.id), code, "Délivrée par erreur à la mauvaise personne")
        commit()
    visit(page, f"/verify/{code}", "Vérification d'une attestation")
    revoked = page.get_by_role("status").filter(has_text="Attestation révoquée")
    expect(revoked).to_be_visible()
    assert border_colour(revoked) == DANGER
    expect(page.get_by_text("Délivrée par erreur à la mauvaise personne")).to_be_visible()

    visit(page, "/verify/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF", "Attestation inconnue", status=404)


@pytest.mark.parametrize("width", WIDTHS)
def test_learner_certificates_pages(new_context, width, create_user, sign_in, certificate_of):
    learner = create_user("learner", full_name="Jean-Noël Œuvray")
    code = certificate_of(learner, title="Premiers repères en santé mentale", post_test=True)
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    sign_in(page, learner)
    visit(page, "/attestations", "Mes attestations")
    expect(page.get_by_text(code)).to_be_visible()
    page.get_by_role("link", name="Version accessible Premiers repères en santé mentale (page web)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attestation de fin de formation")
    check_a11y(page)
    assert_no_horizontal_scroll(page)
    expect(page.get_by_text("Évaluation finale (post-test)")).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_coordinator_revocation_page(new_context, width, create_user, sign_in, certificate_of):
    learner = create_user("learner")
    code = certificate_of(learner)
    coordinator = create_user("coordinator")
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    sign_in(page, coordinator)
    visit(page, f"/admin/attestations?q={code}", "Attestations")
    page.get_by_role("button", name="Révoquer l'attestation").click()
    expect(page.locator("#reason-error")).to_contain_text("Indiquez le motif de la révocation.")
    check_a11y(page)
    page.get_by_label("Motif de la révocation").fill("Parcours suivi par une autre personne")
    page.get_by_role("button", name="Révoquer l'attestation").click()
    expect(page.get_by_role("status").first).to_contain_text("est révoquée")
    check_a11y(page)
    assert_no_horizontal_scroll(page)
