"""Copies of a browser's cookies replayed as someone who stole them would (tests of revocation, HTML and API)."""
from tests.conftest import browser

REMEMBER = "remember_token"


def cookies_of(client) -> dict:
    return {name: client.get_cookie(name).value for name in ("session", REMEMBER) if client.get_cookie(name)}


def works(app, **cookies) -> bool:
    """Whether these cookies, replayed by another browser, open "Mon compte"."""
    thief = browser(app)
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief.get("/compte").status_code == 200


def assert_none_works(app, *copies: dict) -> None:
    """No cookie of these copies, replayed alone, opens "Mon compte" any more."""
    for copy in copies:
        for name, value in copy.items():
            assert not works(app, **{name: value}), name


def token_works(client, headers) -> bool:
    return client.get("/api/v1/me", headers=headers).status_code == 200
