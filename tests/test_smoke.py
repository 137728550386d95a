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


# -- ids beyond the 32-bit keys --------------------------------------------------

OUT_OF_RANGE = (2**31, 10**30)


def int_routes(app) -> list[tuple[str, str]]:
    """(method, rule) of every route with an ``<int:...>`` part, HEAD and OPTIONS included."""
    return sorted((method, rule.rule) for rule in app.url_map.iter_rules() if "<int:" in rule.rule
                  for method in rule.methods)


def fill(rule: str, number: int) -> str:
    import re

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", lambda m: str(number) if m.group(1) == "int" else "fr", rule)


def test_out_of_range_ids_are_404_for_every_method_of_every_int_route(app, client, make):
    from tests.conftest import api_headers

    routes = int_routes(app)
    assert ("PATCH", "/api/v1/modules/<int:module_id>") in routes and ("DELETE", "/api/v1/modules/<int:module_id>") in routes
    assert any(not rule.startswith("/api/") for _method, rule in routes)  # page routes too
    coordinator = make.coordinator()
    headers = api_headers(app, coordinator)
    login_as(client, coordinator)
    wrong = []
    for method, rule in routes:
        for number in OUT_OF_RANGE:
            response = client.open(fill(rule, number), method=method, headers=headers if rule.startswith("/api/") else {})
            if response.status_code != 404:
                wrong.append((method, rule, number, response.status_code))
    assert wrong == []


def test_out_of_range_id_is_404_on_an_api_and_a_page_route(app, client, make):
    from tests.conftest import api_headers

    headers = api_headers(app, make.coordinator())
    for number in OUT_OF_RANGE:
        for method in ("PATCH", "DELETE", "OPTIONS"):
            response = client.open(f"/api/v1/modules/{number}", method=method, headers=headers, json={"position": 1})
            assert response.status_code == 404, (method, number, response.status_code)
            assert method == "OPTIONS" or response.json["error"]["code"] == "not_found"
        assert client.patch(f"/api/v1/items/{number}", headers=headers, json={"position": 1}).status_code == 404
        assert client.delete(f"/api/v1/items/{number}", headers=headers).status_code == 404
    login_as(client, make.learner())
    page = next(rule.rule for rule in app.url_map.iter_rules()
                if "<int:" in rule.rule and not rule.rule.startswith(("/api/", "/media/")) and "GET" in rule.methods)
    for number in OUT_OF_RANGE:
        assert client.get(fill(page, number)).status_code == 404
    assert client.delete("/api/v1/modules/" + "9" * 5000, headers=headers).status_code == 404  # beyond int()'s digits
    # in range, unknown: still 404 (and a method the rule does not serve stays 405)
    assert client.delete("/api/v1/modules/2147483647", headers=headers).status_code == 404
    assert client.put(f"/api/v1/modules/{2**31}", headers=headers).status_code == 405


# -- `make run` on another port: links and QR codes for that port ----------------------------------

def base_url_in_child(environment: dict) -> str:
    """BASE_URL as a process started by `make run` (web, worker, beat) reads it from config.py."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    clean = {name: value for name, value in os.environ.items() if not name.startswith("LMS_")}
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", "import config; print(config.DevelopmentConfig.BASE_URL)"],
                            env={**clean, **environment, "PYTHONPATH": str(root)}, cwd=root,
                            capture_output=True, text=True, timeout=60, check=True)
    return result.stdout.strip()


def test_make_run_on_another_port_gives_links_for_that_port():
    from lms.devserver import child_environment

    assert base_url_in_child({}) == "http://127.0.0.1:5000"
    on_5055 = child_environment({}, "127.0.0.1", "5055")
    assert base_url_in_child(on_5055) == "http://127.0.0.1:5055"
    assert base_url_in_child(child_environment({}, "0.0.0.0", "8080")) == "http://127.0.0.1:8080"
    assert base_url_in_child(child_environment({}, "::1", "8080")) == "http://[::1]:8080"
    # set explicitly (behind a proxy, a public name): it wins
    assert base_url_in_child({**on_5055, "LMS_BASE_URL": "https://formation.example.org/"}) == "https://formation.example.org"


def test_the_invitation_link_and_certificate_check_follow_the_base_url(app, make, outbox, monkeypatch):
    from lms.auth import services
    from lms.certificates.services import absolute_url

    monkeypatch.setitem(app.config, "BASE_URL", "http://127.0.0.1:5055")
    services.create_user(make.coordinator(), email="nouvelle@example.org", full_name="Nouvelle", role="trainer")
    [invitation] = outbox(recipient="nouvelle@example.org")
    assert "http://127.0.0.1:5055/mot-de-passe/" in invitation.body_text
    assert absolute_url("/verify/ABC") == "http://127.0.0.1:5055/verify/ABC"  # the certificate's QR code
