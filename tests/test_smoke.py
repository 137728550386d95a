from tests.conftest import login_as


def test_sign_in_page_is_french(client):
    page = client.get("/connexion")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="fr">' in html and "Connexion" in html


def test_learner_signs_in_and_sees_home(client, make):
    learner = make.learner(full_name="Alice Martin")
    login_as(client, learner)
    assert "Bonjour Alice Martin" in client.get("/").get_data(as_text=True)
