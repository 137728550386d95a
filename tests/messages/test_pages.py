"""The coordinator's lists: people and the mail journal, each with its search box and its one filter."""
from lms.core import outbox as mail
from tests.conftest import login_as


def test_the_people_list_searches_and_filters_by_role(client, make):
    login_as(client, make.coordinator())
    make.trainer(full_name="Paule Formatrice")
    make.learner(full_name="Paule Apprenante")
    make.learner(full_name="Jean Apprenant")
    page = client.get("/admin/utilisateurs?q=paule&role=learner").get_data(as_text=True)
    assert "Paule Apprenante" in page and "Paule Formatrice" not in page and "Jean Apprenant" not in page
    page = client.get("/admin/utilisateurs?role=trainer").get_data(as_text=True)
    assert "Paule Formatrice" in page and "Paule Apprenante" not in page and "Jean Apprenant" not in page


def test_the_mail_journal_searches_and_filters_by_status(client, make, outbox):
    login_as(client, make.coordinator())
    for n, subject in enumerate(("Bienvenue Alice", "Bienvenue Bruno", "Rappel Alice")):
        mail.enqueue_email(to=f"personne{n}@example.org", subject=subject, template="auth/password_reset",
                           context={"user": {"full_name": "X"}, "link": "http://x", "expires_at": None},
                           dedupe_key=f"journal:{n}", category="test")
    outbox(subject="Bienvenue Bruno")[0].status = mail.FAILED
    page = client.get("/admin/envois?q=bienvenue&status=pending").get_data(as_text=True)
    assert "Bienvenue Alice" in page and "Bienvenue Bruno" not in page and "Rappel Alice" not in page
    page = client.get("/admin/envois?status=failed").get_data(as_text=True)
    assert "Bienvenue Bruno" in page and "Alice" not in page
