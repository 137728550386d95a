"""Accounts through the HTML pages, as a person uses them."""
import re

from sqlalchemy import select

from lms.auth.models import EmailToken, User
from lms.core.clock import utcnow
from lms.extensions import db
from tests.conftest import csrf_token, login_as, post_form
from tests.factories import PASSWORD


def register_data(**overrides):
    data = {"full_name": "Jeanne Dupont", "email": "Jeanne.Dupont@Example.org", "organisation": "CCAS de Metz",
            "audience": "professional", "password": "un mot de passe long", "password_confirm": "un mot de passe long"}
    data.update(overrides)
    return data


def test_register_creates_a_learner_and_signs_in(client):
    response = post_form(client, "/inscription", register_data())
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "jeanne.dupont@example.org"))
    assert user.role == "learner" and user.organisation_name == "CCAS de Metz"
    assert user.password_hash.startswith("$argon2id$")
    assert "Bonjour Jeanne Dupont" in client.get("/").get_data(as_text=True)


def test_register_refuses_a_taken_email_whatever_its_case(client, make):
    make.learner(email="deja@example.org")
    response = post_form(client, "/inscription", register_data(email="DEJA@example.org"))
    assert response.status_code == 422
    assert "Un compte existe déjà avec cette adresse." in response.get_data(as_text=True)


def test_health_revealing_audience_needs_explicit_consent(client):
    response = post_form(client, "/inscription", register_data(audience="user_or_carer"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "révèle une information de santé" in html
    assert 'aria-describedby="audience_consent-hint audience_consent-error"' in html
    assert db.session.scalar(select(User).where(User.email == "jeanne.dupont@example.org")) is None

    response = post_form(client, "/inscription", register_data(audience="user_or_carer", audience_consent="y"))
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "jeanne.dupont@example.org"))
    assert user.audience == "user_or_carer" and user.audience_consent_at is not None


def test_prefer_not_to_say_stores_no_audience(client):
    post_form(client, "/inscription", register_data(audience=""))
    assert db.session.scalar(select(User.audience).where(User.email == "jeanne.dupont@example.org")) is None


def test_registration_can_be_switched_off(app, client):
    app.config["SELF_REGISTRATION"] = False
    try:
        assert client.get("/inscription").status_code == 404
        assert "Créer un compte" not in client.get("/connexion").get_data(as_text=True)
    finally:
        app.config["SELF_REGISTRATION"] = True


def test_form_without_csrf_token_is_refused(client):
    response = client.post("/connexion", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.get_data(as_text=True)


def test_wrong_password_says_so_in_french(client, make):
    learner = make.learner()
    response = post_form(client, "/connexion", {"email": learner.email, "password": "pas le bon"})
    assert response.status_code == 422
    assert "Adresse électronique ou mot de passe incorrect." in response.get_data(as_text=True)


def test_login_is_rate_limited_with_a_clear_message(client, make):
    learner = make.learner()
    token = csrf_token(client)
    statuses = [client.post("/connexion", data={"email": learner.email, "password": "faux", "csrf_token": token}).status_code
                for _ in range(11)]
    assert statuses[:10] == [422] * 10 and statuses[10] == 429
    response = client.post("/connexion", data={"email": learner.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.get_data(as_text=True)


def test_login_redirects_only_to_local_pages(client, make):
    learner = make.learner()
    token = csrf_token(client)
    response = client.post("/connexion?next=https://evil.example/", data={"email": learner.email, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/compte")})
    token = csrf_token(client)
    response = client.post("/connexion?next=/compte", data={"email": learner.email, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/compte"


def test_logout_needs_post_and_ends_the_session(client, make):
    login_as(client, make.learner())
    assert client.get("/deconnexion").status_code == 405
    response = post_form(client, "/deconnexion", token_from="/compte")
    assert response.status_code == 302
    assert client.get("/compte").status_code == 302  # back to sign-in


def test_forgotten_password_link_is_single_use_and_expires(client, make, smtp):
    learner = make.learner(email="oubli@example.org")
    response = post_form(client, "/mot-de-passe-oublie", {"email": "OUBLI@example.org"})
    assert response.status_code == 302
    mail = smtp.pop("oubli@example.org")
    link = re.search(r"http://localhost(/mot-de-passe/\S+)", mail.get_body(("plain",)).get_content()).group(1)
    assert mail["Auto-Submitted"] == "auto-generated"

    response = post_form(client, link, {"password": "nouveau mot de passe", "password_confirm": "nouveau mot de passe"})
    assert response.status_code == 302
    again = client.get(link)
    assert again.status_code == 404 and "n'est plus valable" in again.get_data(as_text=True)
    post_form(client, "/deconnexion", token_from="/compte")
    login_as(client, learner, "nouveau mot de passe")


def test_forgotten_password_for_unknown_address_says_the_same_and_sends_nothing(client, smtp):
    response = post_form(client, "/mot-de-passe-oublie", {"email": "personne@example.org"}, follow_redirects=True)
    assert "Si un compte existe pour cette adresse" in response.get_data(as_text=True)


def test_expired_reset_link_is_refused(client, make, smtp):
    from datetime import timedelta

    make.learner(email="tard@example.org")
    post_form(client, "/mot-de-passe-oublie", {"email": "tard@example.org"})
    mail = smtp.pop("tard@example.org")
    link = re.search(r"http://localhost(/mot-de-passe/\S+)", mail.get_content() if not mail.is_multipart() else mail.get_body(("plain",)).get_content()).group(1)
    token = db.session.scalar(select(EmailToken))
    token.expires_at = token.created_at + timedelta(hours=1) - timedelta(hours=2)
    db.session.commit()
    assert client.get(link).status_code == 404


def test_account_page_updates_profile_and_preferences(client, make):
    learner = make.learner(full_name="Ancien Nom")
    login_as(client, learner)
    response = post_form(client, "/compte", {"full_name": "Nouveau  Nom", "organisation": "MDPH de la Moselle",
                                              "audience": "mdph_agent", "locale": "fr"})
    assert response.status_code == 302
    assert learner.full_name == "Nouveau Nom" and learner.organisation_name == "MDPH de la Moselle"
    assert learner.email_reminders is False and learner.audience == "mdph_agent"


def test_change_password_checks_the_current_one(client, make):
    learner = make.learner()
    login_as(client, learner)
    response = post_form(client, "/compte/mot-de-passe", {"pw-current_password": "faux", "pw-new_password": "un autre mot de passe"}, token_from="/compte")
    assert response.status_code == 422
    assert "Le mot de passe actuel est incorrect." in response.get_data(as_text=True)
    response = post_form(client, "/compte/mot-de-passe", {"pw-current_password": PASSWORD, "pw-new_password": "un autre mot de passe"}, token_from="/compte")
    assert response.status_code == 302


def test_export_downloads_everything_about_me(client, make):
    learner = make.learner(email="moi@example.org", full_name="Moi Même")
    login_as(client, learner)
    response = client.get("/compte/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.json
    assert data["profile"]["email"] == "moi@example.org" and data["profile"]["full_name"] == "Moi Même"
    assert any(event["action"] for event in data["account_events"]) or data["account_events"] == []


def test_erasure_needs_confirmation_then_removes_personal_data(client, make):
    learner = make.learner(email="efface@example.org", full_name="À Effacer")
    login_as(client, learner)
    response = post_form(client, "/compte/supprimer", {"password": PASSWORD})
    assert response.status_code == 422 and "Cochez la case pour confirmer." in response.get_data(as_text=True)
    response = post_form(client, "/compte/supprimer", {"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    row = db.session.get(User, learner.id)
    assert row.email == f"erased-{learner.id}@invalid" and row.full_name == "Compte supprimé"
    assert row.password_hash is None and row.organisation is None and row.erased_at is not None
    assert row.role == "learner" and row.audience == "professional"  # anonymous counts survive
    response = post_form(client, "/connexion", {"email": "efface@example.org", "password": PASSWORD})
    assert response.status_code == 422


def test_language_switch_to_english(client):
    response = post_form(client, "/langue?next=/connexion", {"locale": "en"})
    assert response.headers["Location"] == "/connexion"
    html = client.get("/connexion").get_data(as_text=True)
    assert '<html lang="en">' in html


def test_footer_carries_accessibility_status_and_3114_everywhere(client):
    for path in ("/connexion", "/accessibilite", "/mentions-legales", "/donnees-personnelles", "/nulle-part"):
        html = client.get(path).get_data(as_text=True)
        assert "Accessibilité : non conforme" in html and 'href="/accessibilite"' in html
        assert 'href="tel:3114"' in html and 'href="/donnees-personnelles"' in html


def test_accessibility_statement_has_the_required_parts(client):
    html = client.get("/accessibilite").get_data(as_text=True)
    for part in ("État de conformité", "non conforme", "Schéma pluriannuel", "Défenseur des droits", "Retour d'information", "22 novembre 2026"):
        assert part in html


def test_security_headers(client):
    response = client.get("/connexion")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    html = response.get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html and "onclick" not in html


def test_session_cookie_is_httponly_and_lax(client, make):
    learner = make.learner()
    response = post_form(client, "/connexion", {"email": learner.email, "password": PASSWORD})
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure():
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE


def test_coordinator_resends_an_invitation_and_old_links_die(client, make, outbox):
    coordinator = make.coordinator()
    login_as(client, coordinator)
    post_form(client, "/admin/utilisateurs/nouveau", {"full_name": "Lent", "email": "lent@example.org", "role": "learner"})
    invitee = db.session.scalar(select(User).where(User.email == "lent@example.org"))
    first_link = re.search(r"(/mot-de-passe/\S+)", outbox(recipient="lent@example.org")[0].body_text).group(1)

    response = post_form(client, f"/admin/utilisateurs/{invitee.id}/invitation", token_from=f"/admin/utilisateurs/{invitee.id}",
                         follow_redirects=True)
    assert "Une nouvelle invitation a été envoyée à lent@example.org." in response.get_data(as_text=True)
    messages = outbox(recipient="lent@example.org")
    assert len(messages) == 2
    second_link = re.search(r"(/mot-de-passe/\S+)", messages[1].body_text).group(1)
    assert client.get(first_link).status_code == 404
    assert client.get(second_link).status_code == 200


def test_no_invitation_for_someone_who_has_a_password(client, make):
    login_as(client, make.coordinator())
    active = make.learner()
    response = post_form(client, f"/admin/utilisateurs/{active.id}/invitation", token_from=f"/admin/utilisateurs/{active.id}",
                         follow_redirects=True)
    assert "déjà choisi son mot de passe" in response.get_data(as_text=True)


def test_each_signed_in_request_loads_the_user_alone_and_the_account_page_still_shows_the_organisation(client, make):
    from tests.learningtools import statements

    login_as(client, make.learner(organisation="CMP de Jury"))
    with statements() as seen:
        page = client.get("/compte")
    assert page.status_code == 200 and "CMP de Jury" in page.get_data(as_text=True)
    users = [s for s in seen if s.startswith("SELECT users.")]
    assert len(users) == 1 and "organisations" not in users[0]  # its organisation only when a page shows it


def test_a_session_ends_when_its_account_is_deactivated_or_erased(client, make):
    for change in ({"active": False}, {"erased_at": utcnow()}):
        user = make.learner()
        login_as(client, user)
        assert client.get("/mon-parcours").status_code == 200
        for name, value in change.items():
            setattr(user, name, value)
        db.session.flush()
        answer = client.get("/mon-parcours")
        assert answer.status_code == 302 and "/connexion" in answer.headers["Location"]


def page_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_csv_import_page_names_the_audiences_in_french_and_counts_with_plurals(client, make, outbox):
    import io
    login_as(client, make.coordinator())
    text = page_text(client.get("/admin/utilisateurs/import").get_data(as_text=True))
    for label, code in (("Professionnel·le de santé, du social ou du médico-social", "professional"),
                        ("Élu·e", "elected_official"), ("Agent de la MDPH", "mdph_agent"), ("Autre", "other")):
        assert f"{label} {code}" in text, label
    assert "Publics possibles : professional" not in text and "user_or_carer" not in text

    csv = ("email,full_name,audience,organisation\n"
           "alice.importee@example.org,Alice Importée,professional,CCAS de Metz\n"
           "bruno.importe@example.org,Bruno Importé,other,\n"
           "pas-une-adresse,Bob Sans Adresse,,\n")
    response = post_form(client, "/admin/utilisateurs/import",
                         {"file": (io.BytesIO(csv.encode()), "personnes.csv")}, content_type="multipart/form-data")
    text = page_text(response.get_data(as_text=True))
    assert "2 comptes créés, 0 mis à jour, 0 inchangé, 1 ligne en erreur." in text
    assert "(s)" not in text
    post_form(client, "/langue?next=/", {"locale": "en"})
    response = post_form(client, "/admin/utilisateurs/import",
                         {"file": (io.BytesIO(csv.encode()), "personnes.csv")}, content_type="multipart/form-data")
    text = page_text(response.get_data(as_text=True))
    assert "0 accounts created, 0 updated, 2 unchanged, 1 line with errors." in text
    assert "Elected official elected_official" in text


def test_both_new_account_forms_share_their_form_hint_and_order(client, make):
    signed_out = client.get("/inscription").get_data(as_text=True)
    login_as(client, make.coordinator())
    by_coordinator = client.get("/admin/utilisateurs/nouveau").get_data(as_text=True)
    for html in (signed_out, by_coordinator):
        assert "Les champs marqués « facultatif » peuvent rester vides ; les autres sont obligatoires." in html
        labels = re.findall(r'<label for="([a-z_]+)"', html)
        assert labels.index("full_name") < labels.index("email") < labels.index("organisation") < labels.index("audience")
