"""The layout's cached fragments (lms.core.cache.FragmentCache): rendered once per key, and the key holds
everything they show (locale, role, page), while what is personal (the CSRF tokens) stays per request."""
import re

from lms.core.cache import ContentCache
from tests.conftest import CSRF_RE, post_form, signed_in_browser


def nav_of(html: str) -> str:
    return re.search(r'<nav [^>]*aria-label="[^"]+"[^>]*>(.*?)</nav>', html, re.S).group(1)


def test_the_navigation_follows_the_role_and_the_page(app, make):
    coordinator, learner = signed_in_browser(app, make.coordinator()), signed_in_browser(app, make.learner())
    for _ in range(2):  # the second time from the cache
        staff = nav_of(coordinator.get("/formations").get_data(as_text=True))
        mine = nav_of(learner.get("/formations").get_data(as_text=True))
        assert "Journal des envois" in staff and "Journal des envois" not in mine
        assert re.search(r'href="/formations" aria-current="page"', mine)
        journey = nav_of(learner.get("/mon-parcours").get_data(as_text=True))
        assert re.search(r'href="/mon-parcours" aria-current="page"', journey)
        assert not re.search(r'href="/formations" aria-current="page"', journey)


def test_each_session_keeps_its_own_csrf_token_in_the_cached_layout(app, make):
    first, second = signed_in_browser(app, make.learner()), signed_in_browser(app, make.learner())
    tokens = [CSRF_RE.findall(client.get("/formations").get_data(as_text=True)) for client in (first, second, first)]
    assert tokens[0] and tokens[1] and set(tokens[0]).isdisjoint(tokens[1])
    assert post_form(first, "/deconnexion", token_from="/formations").status_code == 302


def test_the_footer_follows_the_locale(client):
    assert "Mentions légales" in client.get("/connexion").get_data(as_text=True)
    post_form(client, "/langue?next=/connexion", {"locale": "en"})
    html = client.get("/connexion").get_data(as_text=True)
    assert "Legal notice" in html and "Mentions légales" not in html


def test_the_cache_keeps_the_most_recent_entries_within_its_size():
    cache, built = ContentCache(size=2), []

    def build(key):
        built.append(key)
        return key.upper()

    for key in ("a", "b", "a", "c", "a", "b"):
        assert cache.get(key, lambda key=key: build(key)) == key.upper()
    assert built == ["a", "b", "c", "b"] and len(cache) == 2
