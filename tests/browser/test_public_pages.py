"""Pages anyone can open: legal pages, the error page, the skip link, reflow and the CSP."""
import pytest
from playwright.sync_api import expect

from tests.browser.a11y import check_a11y, console_errors, csp_violations, run_axe
from tests.browser.helpers import assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

LEGAL_PAGES = [
    ("/accessibilite", "Déclaration d'accessibilité", ["État de conformité", "Voies de recours",
                                                        "Schéma pluriannuel de mise en accessibilité",
                                                        "Défenseur des droits"]),
    ("/mentions-legales", "Mentions légales", ["Éditeur", "Hébergement", "Cookies"]),
    ("/donnees-personnelles", "Données personnelles", ["Responsable du traitement", "Vos droits",
                                                       "Durées de conservation"]),
]


@pytest.mark.parametrize(("path", "title", "texts"), LEGAL_PAGES, ids=[p[0] for p in LEGAL_PAGES])
def test_legal_pages_are_reachable_from_the_footer(page, path, title, texts):
    page.goto("/connexion")
    check_a11y(page)
    footer = page.get_by_role("contentinfo")
    expect(footer).to_contain_text("3114")
    expect(footer.get_by_role("link", name="Accessibilité : non conforme")).to_have_attribute("href", "/accessibilite")

    footer.get_by_role("link", name=title if path != "/accessibilite" else "Accessibilité : non conforme").click()
    expect(page).to_have_url(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    for text in texts:
        expect(page.get_by_role("main")).to_contain_text(text)
    expect(page).to_have_title(f"{title} — Formation santé mentale — CLSM de Metz")
    check_a11y(page)


def test_unknown_page_shows_a_french_error_page(page):
    response = page.goto("/cette-page-n-existe-pas")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Erreur 404")
    expect(page.get_by_role("main")).to_contain_text("Cette page n'existe pas.")
    expect(page.get_by_role("link", name="Retour à l'accueil")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "fr"
    check_a11y(page)


def test_first_tab_reaches_the_skip_link_which_moves_focus_to_main(page):
    page.goto("/connexion")
    check_a11y(page)
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).not_to_be_in_viewport()

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # visible when focused
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()

    # The next Tab goes on inside the main content, not back to the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    expect(page.get_by_label("Adresse électronique")).to_be_focused()


def test_focus_is_visible_on_links_and_buttons(page):
    page.goto("/connexion")
    check_a11y(page)
    page.keyboard.press("Tab")
    for _ in range(4):
        page.keyboard.press("Tab")
        outline = page.evaluate("""() => {
            const style = getComputedStyle(document.activeElement);
            return [style.outlineStyle, parseFloat(style.outlineWidth)];
        }""")
        assert outline[0] != "none" and outline[1] >= 2, outline


def test_login_page_reflows_at_320_px(new_context):
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    page.goto("/connexion")
    check_a11y(page)
    assert_no_horizontal_scroll(page)
    button = page.get_by_role("button", name="Se connecter")
    button.scroll_into_view_if_needed()
    expect(button).to_be_in_viewport()


def test_text_at_200_percent_keeps_the_login_page_usable(page):
    page.goto("/connexion")
    check_a11y(page)
    # The browser's text-only zoom: the root font size doubled (CSSOM, allowed by the CSP).
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    assert_no_horizontal_scroll(page)
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    check_a11y(page)


MAIN_PUBLIC_PAGES = ["/connexion", "/inscription", "/mot-de-passe-oublie", "/accessibilite",
                     "/mentions-legales", "/donnees-personnelles"]


def test_content_security_policy_holds_and_the_pages_respect_it(new_context, browser, live_server, create_user,
                                                                 sign_in):
    """No bypass_csp anywhere: the pages load their own script and style and trigger no violation."""
    context = new_context()
    page = context.new_page()
    for path in MAIN_PUBLIC_PAGES:
        response = page.goto(path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        check_a11y(page)
        assert csp_violations(page) == []
    coordinator = create_user("coordinator")
    sign_in(page, coordinator)
    for path in ["/", "/compte", "/admin/utilisateurs", "/admin/utilisateurs/nouveau", "/admin/utilisateurs/import",
                 "/admin/envois"]:
        page.goto(path)
        check_a11y(page)
        assert csp_violations(page) == []
    assert console_errors(context) == []

    # The policy is really enforced by the browser: an inline script is refused and reported.
    probe = browser.new_context(base_url=live_server.url)
    try:
        page = probe.new_page()
        page.add_init_script(
            "window.__seen = []; document.addEventListener('securitypolicyviolation',"
            " e => window.__seen.push(e.violatedDirective));"
        )
        messages = []
        page.on("console", lambda message: messages.append(message.text))
        page.goto("/connexion")
        assert run_axe(page) == []
        page.evaluate("""() => {
            const script = document.createElement('script');
            script.textContent = 'window.__inlineRan = true';
            document.body.appendChild(script);
        }""")
        page.wait_for_function("() => window.__seen.length > 0")
        assert page.evaluate("() => window.__inlineRan") is None
        assert page.evaluate("() => window.__seen")[0].startswith("script-src")
        assert any("Content Security Policy" in text for text in messages)
    finally:
        probe.close()
