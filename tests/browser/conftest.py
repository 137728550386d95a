"""Browser tests: the real app on a live server, driven by Debian's Chromium through Playwright.

The live server commits for real (its own SQLite file), so every browser test is
marked ``no_transaction`` and creates its data with unique addresses. Every page a
test visits goes through axe-core (``tests.browser.a11y.check_a11y``); the
``page`` fixture fails a test that left a page unchecked.

No browser is ever downloaded: Playwright launches /usr/bin/chromium. Without it,
or without node_modules/axe-core (``npm install``), the tests are skipped.
"""
from __future__ import annotations

import itertools
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from config import TestConfig
from lms import create_app
from lms.extensions import limiter
from tests import factories
from tests.browser import a11y
from tests.conftest import free_port, reset_schema

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DEFAULT_TIMEOUT_MS = 15_000
_unique = itertools.count(1)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # one line per request would drown the test output
        pass


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.browser_call_failed = report.failed


@pytest.fixture(scope="session")
def _browser_requirements():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    if not a11y.AXE_PATH.exists():
        pytest.skip(f"{a11y.AXE_PATH} is missing (run npm install)")
    pytest.importorskip("playwright.sync_api", reason="the playwright Python package is missing")


@pytest.fixture(scope="session")
def live_server(_browser_requirements, tmp_path_factory):
    """The app served on 127.0.0.1:<free port> in a daemon thread, on a fresh SQLite file."""
    from celery import _state as celery_state

    tmp = tmp_path_factory.mktemp("live")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # The limiter and the default Celery app are process-wide: keep the other tests' settings.
    limiter_enabled, celery_default = limiter.enabled, celery_state.default_app
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'live.sqlite'}",
        INSTANCE_PATH=str(tmp / "instance"),
        MEDIA_ROOT=str(tmp / "media"),
        ARGON2_PROFILE="fast",
        RATELIMIT_ENABLED=False,
        OUTBOX_DISPATCH="none",
        BASE_URL=url,  # links in emails point at the live server
    )
    limiter.enabled = limiter_enabled
    celery_state.default_app = celery_default
    reset_schema(app)
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(url=url, app=app)
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _no_rate_limit_while_browsing(request):
    """Flask-Limiter's switch is global to the process: off during a browser test only."""
    saved = limiter.enabled
    limiter.enabled = False
    try:
        yield
    finally:
        limiter.enabled = saved


@pytest.fixture(scope="session")
def browser(_browser_requirements):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_context(request, browser, live_server):
    """Open browser contexts (separate cookie jars, i.e. separate people) that are closed at the end.

    The site's Content-Security-Policy stays in force: axe-core is injected through
    DevTools, which the policy does not cover, and any policy violation fails the test.
    """
    contexts = []

    def make(**options):
        options = {"base_url": live_server.url, "locale": "fr-FR", "viewport": {"width": 1280, "height": 900},
                   **options}
        context = browser.new_context(**options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        a11y.watch(context)
        contexts.append(context)
        return context

    yield make
    problems = []
    failed = getattr(request.node, "browser_call_failed", True)  # a failed test stopped before its checks
    for context in contexts:
        if not failed:
            problems += a11y.unchecked_pages(context)
        problems += a11y.page_errors(context)
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def live_app(live_server):
    return live_server.app


@pytest.fixture
def unique_email():
    """A fresh address each call: the live database is shared by every browser test."""

    def make(prefix: str = "personne") -> str:
        return f"{prefix}.{next(_unique)}.{threading.get_ident() % 10_000}@navigateur.example.org"

    return make


@pytest.fixture
def create_user(live_app, unique_email):
    """A committed user in the live database: create_user(role="coordinator", full_name=...)."""

    def make(role: str = "learner", **kwargs):
        kwargs.setdefault("email", unique_email(role))
        with live_app.app_context():
            user = factories.user(role, **kwargs)
            return SimpleNamespace(id=user.id, email=user.email, full_name=user.full_name, role=user.role,
                                   password=kwargs.get("password", factories.PASSWORD))

    return make


@pytest.fixture
def sign_in(live_server):
    """Sign in through the form (axe-checked) and land on the home page."""
    from playwright.sync_api import expect

    def do(page, user, password: str | None = None):
        page.goto("/connexion")
        a11y.check_a11y(page)
        page.get_by_label("Adresse électronique").fill(user.email)
        page.get_by_label("Mot de passe", exact=True).fill(password or user.password)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {user.full_name}")
        a11y.check_a11y(page)
        return page

    return do
