"""/api/v1/openapi.json describes exactly the routes the app serves."""
import re


def test_openapi_lists_every_api_route_and_nothing_else(app, client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.1")
    described = {(method.upper(), path) for path, item in spec["paths"].items() for method in item}
    served = {
        (method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert served - described == set(), "served but not described"
    assert described - served == set(), "described but not served"


def test_contract_routes_of_the_accounts_section_exist(client):
    spec = client.get("/api/v1/openapi.json").json["paths"]
    for method, path in [("post", "/api/v1/auth/register"), ("post", "/api/v1/auth/token"), ("get", "/api/v1/me"),
                         ("post", "/api/v1/users"), ("post", "/api/v1/users/import"), ("get", "/api/v1/users/{user_id}"),
                         ("get", "/api/v1/users/{user_id}/progress"), ("get", "/api/v1/me/export"), ("delete", "/api/v1/me"),
                         ("get", "/api/v1/me/progress"), ("post", "/api/v1/me/password"),
                         ("post", "/api/v1/me/sign-out-everywhere"), ("post", "/api/v1/auth/logout")]:
        assert method in spec[path], (method, path)
