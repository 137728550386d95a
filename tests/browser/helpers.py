"""What the browser tests do the same way on every page: visit and check a page, find the menu and its
entries, move the focus with Tab, check that nothing scrolls sideways."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.a11y import check_a11y

FOCUSED = """() => {
  const el = document.activeElement;
  return {tag: el.tagName, type: el.type || "", name: el.getAttribute("name") || "", value: el.value || "",
          checked: Boolean(el.checked),
          text: ((el.labels && el.labels[0]) ? el.labels[0].textContent : el.textContent).trim()};
}"""


def assert_no_horizontal_scroll(page) -> None:
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sizes[0] <= sizes[1], f"horizontal scrolling on {page.url}: content {sizes[0]} px wide, window {sizes[1]} px"
    too_wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                      && !el.closest('.table-wrap'))
        .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + el.className)""")
    assert not too_wide, f"elements wider than the window on {page.url}: {too_wide}"


def here(page, heading: str, *, narrow: bool = False) -> None:
    """The page now shown has this main heading and passes axe (and reflows, if ``narrow``)."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    check_a11y(page)
    if narrow:
        assert_no_horizontal_scroll(page)


def visit(page, path: str, heading: str | None = None, status: int = 200) -> None:
    """Open ``path``: this status, this main heading, axe at zero violations, no sideways scrolling."""
    response = page.goto(path)
    assert response.status == status, f"{path}: {response.status}"
    if heading is not None:
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    check_a11y(page)
    assert_no_horizontal_scroll(page)


# -- the menu ---------------------------------------------------------------------------------------

def nav(page):
    return page.get_by_role("navigation", name="Navigation principale")


def open_menu(page, group: str | None = None):
    """Open the phone's « Menu » if it is shown, then the group ``group`` (« Conception », « Administration »,
    « Compte »); returns the navigation."""
    menu = nav(page).get_by_role("button", name="Menu")
    if menu.is_visible() and menu.get_attribute("aria-expanded") != "true":
        menu.click()
    if group is not None:
        button = nav(page).get_by_role("button", name=group, exact=True)
        if button.get_attribute("aria-expanded") != "true":
            button.click()
    return nav(page)


def go_to(page, link: str, group: str | None = None) -> None:
    """Follow the menu's entry ``link`` (inside ``group`` if given), as a person would."""
    open_menu(page, group).get_by_role("link", name=link, exact=True).click()


def sign_out(page) -> None:
    open_menu(page, "Compte").get_by_role("button", name="Se déconnecter").click()


# -- the keyboard -----------------------------------------------------------------------------------

def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page, predicate, limit: int = 80) -> dict:
    """Press Tab until the focused element satisfies ``predicate(focused)``."""
    active = None
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = focused(page)
        if predicate(active):
            return active
    raise AssertionError(f"Tab never reached the element on {page.url}; last: {active}")
