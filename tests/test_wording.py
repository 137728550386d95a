"""What the interface says, as a person reads it: counts in proper plural forms (never « (s) »)."""
import re

from lms.authoring import services as authoring
from lms.authoring.models import Video
from lms.certificates import services as certificates
from lms.core.db import commit
from lms.extensions import db
from tests.certificates.helpers import completed_course, pdf_text
from tests.conftest import login_as, post_form


def text_of(response) -> str:
    """The visible words of a page, tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def test_removing_a_module_counts_its_items_in_the_right_number(client, make):
    trainer = make.trainer()
    course = authoring.create_course(trainer, "Repérer la souffrance psychique")
    one, two = authoring.add_module(trainer, course, "Comprendre"), authoring.add_module(trainer, course, "Orienter")
    authoring.add_item(trainer, one, "text", "Introduction", body_markdown="Bienvenue.")
    for title in ("Premier", "Second"):
        authoring.add_item(trainer, two, "text", title, body_markdown="Texte.")
    commit()
    login_as(client, trainer)
    assert "Supprimer le module « Comprendre » et son élément ?" in text_of(client.get(f"/edition/modules/{one.id}/supprimer"))
    assert "Supprimer le module « Orienter » et ses 2 éléments ?" in text_of(client.get(f"/edition/modules/{two.id}/supprimer"))


PUBLIC_PAGES = ("/", "/connexion", "/inscription", "/mot-de-passe-oublie", "/accessibilite", "/mentions-legales",
                "/donnees-personnelles", "/verify/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF")
PLACEHOLDERS = re.compile(r"\.localhost|lorem|ipsum|\bTODO\b|\bFIXME\b|@example\.|change-me", re.IGNORECASE)


def test_no_page_shows_an_invented_address_or_placeholder_text(client):
    """With no contact address configured, the pages name the publisher instead of an address that reaches nobody."""
    for path in PUBLIC_PAGES:
        response = client.get(path, follow_redirects=True)
        assert response.status_code in (200, 404), path
        html = response.get_data(as_text=True)
        assert not PLACEHOLDERS.search(html), (path, PLACEHOLDERS.search(html).group(0))
    publisher = "Centre hospitalier de Jury — Conseil local de santé mentale de Metz"
    assert f"Pour toute question, adressez-vous à {publisher}." in text_of(client.get("/verify/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF"))


def test_no_signed_in_page_shows_a_localhost_address_or_placeholder_text(app, client, make):
    staff_only = re.compile(r"\.localhost|lorem|ipsum|\bTODO\b|\bFIXME\b|change-me", re.IGNORECASE)  # users' own emails aside
    pages = {"learner": ("/", "/formations", "/mon-parcours", "/attestations", "/compte"),
             "trainer": ("/edition", "/edition/videos"),
             "coordinator": ("/admin/utilisateurs", "/admin/utilisateurs/nouveau", "/admin/utilisateurs/import",
                             "/admin/attestations", "/admin/envois")}
    for role, paths in pages.items():
        browser = login_as(app.test_client(), getattr(make, role)())  # the client fixture sets the test client class
        for path in paths:
            response = browser.get(path, follow_redirects=True)
            assert response.status_code == 200, path
            found = staff_only.search(response.get_data(as_text=True))
            assert not found, (path, found.group(0))


def test_a_configured_contact_address_is_shown_as_a_link(app, client):
    app.config.update(CONTACT_EMAIL="clsm@metz.fr", DPO_EMAIL="dpo@chs-jury.fr")
    try:
        unknown = client.get("/verify/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF").get_data(as_text=True)
        assert 'Pour toute question, écrivez à <a href="mailto:clsm@metz.fr">clsm@metz.fr</a>.' in unknown
        assert '<a href="mailto:dpo@chs-jury.fr">dpo@chs-jury.fr</a>' in client.get("/donnees-personnelles").get_data(as_text=True)
        for path in ("/mentions-legales", "/accessibilite"):
            assert '<a href="mailto:clsm@metz.fr">clsm@metz.fr</a>' in client.get(path).get_data(as_text=True), path
    finally:
        app.config.update(CONTACT_EMAIL=None, DPO_EMAIL=None)


def main_of(response) -> str:
    html = response.get_data(as_text=True)
    return html[html.index("<main"):html.index("</main>")]


def test_one_name_per_thing_videotheque_and_attestations(client, make):
    """The video library is « Vidéothèque », certificates « Attestations »: no « Vidéos » section, no « Registre »."""
    login_as(client, make.coordinator())
    for path in ("/", "/edition", "/edition/videos", "/admin/attestations", "/attestations"):
        main = main_of(client.get(path, follow_redirects=True))
        assert "Registre" not in main and "registre" not in main, path
        labels = re.findall(r"<(?:h[1-6]|a|button|caption|th)\b[^>]*>\s*([^<]+?)\s*</", main)
        assert "Vidéos" not in labels, (path, labels)
    assert "<h1>Vidéothèque</h1>" in main_of(client.get("/edition/videos"))
    assert "<h1>Attestations</h1>" in main_of(client.get("/admin/attestations"))


def test_durations_are_written_one_way_everywhere_in_french_and_english(app, client, make, outbox):
    """« 1 h 05 min », « 1 min 05 s », « 12 min »: the units after French typographic usage, tied to their number."""
    trainer, learner = make.trainer(), make.learner()
    authoring.create_course(trainer, "Parcours d'une heure", duration_minutes=65)
    db.session.add(Video(title="Témoignage", status="ready", duration_s=65.2, transcript="Bonjour."))
    _course, completion = completed_course(learner, duration_minutes=65, time_spent_s=754)
    certificate = certificates.issue_certificate(completion.id)
    commit()
    login_as(client, trainer)
    for locale in ("fr", "en"):
        post_form(client, "/langue?next=/", {"locale": locale})
        assert "1\u00a0h\u00a005\u00a0min" in main_of(client.get("/formations")), locale
        library = main_of(client.get("/edition/videos"))
        assert "1\u00a0min\u00a005\u00a0s" in library and "1:05" not in library, locale
    page = main_of(login_as(app.test_client(), learner).get(f"/attestations/{certificate.display_code}"))
    assert "<dt>Durée déclarée</dt>\n    <dd>1\u00a0h\u00a005\u00a0min</dd>" in page
    assert "<dd>12\u00a0min</dd>" in page
    pdf = pdf_text(certificates.pdf_bytes(certificate))
    assert "Durée déclarée 1 h 05 min" in pdf and "Temps effectivement passé 12 min" in pdf
