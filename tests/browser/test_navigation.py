"""The site's menu: one row on a laptop, grouped per role, behind a « Menu » disclosure button on a phone,
usable with the keyboard alone, and a plain list without JavaScript."""
import pytest
from playwright.sync_api import expect

from tests.browser.a11y import check_a11y
from tests.browser.helpers import assert_no_horizontal_scroll, nav
from tests.browser.screenshots import shoot

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def focused_text(page) -> str:
    return page.evaluate("() => document.activeElement.textContent.trim()")


def tab_to_text(page, text: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_text(page) == text:
            return
    raise AssertionError(f"Tab never reached « {text} » on {page.url}")


def top_level_boxes(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('#site-menu > li')]
        .map(li => li.querySelector(':scope > a, :scope > button:not([hidden])'))
        .filter(Boolean).map(el => { const r = el.getBoundingClientRect();
                                     return {text: el.textContent.trim(), top: r.top, bottom: r.bottom}; })""")


def test_the_coordinators_header_is_one_row_on_a_laptop_with_grouped_menus(new_context, create_user, sign_in):
    coordinator = create_user("coordinator")
    page = new_context(viewport=LAPTOP).new_page()
    sign_in(page, coordinator)

    header = page.get_by_role("banner").bounding_box()
    assert header["height"] < 110, header
    brand = page.locator(".brand").bounding_box()
    boxes = top_level_boxes(page)
    assert [box["text"] for box in boxes] == ["Formations", "Mon parcours", "Attestations", "Conception",
                                              "Administration", "Compte"]
    middles = [(box["top"] + box["bottom"]) / 2 for box in boxes]
    assert max(middles) - min(middles) < 4, boxes  # one row...
    assert all(brand["y"] <= box["top"] and box["bottom"] <= brand["y"] + brand["height"] for box in boxes)  # ...by the name
    expect(nav(page).get_by_role("button", name="Menu")).to_be_hidden()
    expect(nav(page).get_by_role("link", name="Personnes")).to_be_hidden()  # inside the closed group

    # The keyboard opens a group, reaches its links, and Escape closes it with the focus back on its button.
    tab_to_text(page, "Administration")
    administration = nav(page).get_by_role("button", name="Administration")
    expect(administration).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(administration).to_have_attribute("aria-expanded", "true")
    group = page.locator("#" + administration.get_attribute("aria-controls"))
    expect(group.get_by_role("link")).to_have_text(["Personnes", "Import", "Attestations", "Journal des envois"])
    check_a11y(page)
    shoot(page, "menu-laptop")
    page.keyboard.press("Tab")
    assert focused_text(page) == "Personnes"
    page.keyboard.press("Escape")
    expect(administration).to_have_attribute("aria-expanded", "false")
    expect(administration).to_be_focused()
    expect(group).to_be_hidden()

    # Opening another group closes the first; the current page is marked inside its group.
    administration.click()
    nav(page).get_by_role("button", name="Conception").click()
    expect(administration).to_have_attribute("aria-expanded", "false")
    nav(page).get_by_role("link", name="Vidéothèque").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vidéothèque")
    check_a11y(page)
    nav(page).get_by_role("button", name="Conception").click()
    expect(nav(page).get_by_role("link", name="Vidéothèque")).to_have_attribute("aria-current", "page")
    page.get_by_role("main").click()  # a click elsewhere closes the group
    expect(nav(page).get_by_role("button", name="Conception")).to_have_attribute("aria-expanded", "false")

    # The language switch left the header for the footer.
    expect(page.get_by_role("banner").get_by_role("button", name="English")).to_have_count(0)
    expect(page.get_by_role("contentinfo").get_by_role("button", name="English")).to_be_visible()


def test_on_a_phone_the_menu_is_a_button_used_with_the_keyboard(new_context, create_user, sign_in):
    coordinator = create_user("coordinator")
    page = new_context(viewport=PHONE).new_page()
    sign_in(page, coordinator)

    header = page.get_by_role("banner").bounding_box()
    assert header["height"] < 120, header  # one row, not half of the screen
    menu = nav(page).get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_have_attribute("aria-controls", "site-menu")
    expect(nav(page).get_by_role("link", name="Formations")).to_be_hidden()
    assert_no_horizontal_scroll(page)

    tab_to_text(page, "Menu")
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav(page).get_by_role("link", name="Formations")).to_be_visible()
    tab_to_text(page, "Administration")
    page.keyboard.press("Enter")
    expect(nav(page).get_by_role("link", name="Personnes")).to_be_visible()
    check_a11y(page)
    assert_no_horizontal_scroll(page)
    shoot(page, "menu-phone")

    # Escape closes the group, then the menu, each time with the focus back on the button that opened it.
    page.keyboard.press("Tab")
    assert focused_text(page) == "Personnes"
    page.keyboard.press("Escape")
    expect(nav(page).get_by_role("button", name="Administration")).to_be_focused()
    expect(nav(page).get_by_role("link", name="Personnes")).to_be_hidden()
    page.keyboard.press("Escape")
    expect(menu).to_be_focused()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav(page).get_by_role("link", name="Formations")).to_be_hidden()

    # And it takes the person where they asked to go.
    page.keyboard.press("Enter")
    tab_to_text(page, "Administration")
    page.keyboard.press("Enter")
    tab_to_text(page, "Personnes")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Personnes")
    check_a11y(page)
    expect(nav(page).get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")


def test_each_role_sees_its_own_groups(new_context, create_user, sign_in):
    page = new_context(viewport=LAPTOP).new_page()
    sign_in(page, create_user("learner"))
    assert [box["text"] for box in top_level_boxes(page)] == ["Formations", "Mon parcours", "Attestations", "Compte"]
    nav(page).get_by_role("button", name="Compte").click()
    expect(nav(page).get_by_role("link", name="Mon compte")).to_be_visible()
    expect(nav(page).get_by_role("button", name="Se déconnecter")).to_be_visible()
    check_a11y(page)

    trainer_page = new_context(viewport=LAPTOP).new_page()
    sign_in(trainer_page, create_user("trainer"))
    assert [box["text"] for box in top_level_boxes(trainer_page)] == ["Formations", "Mon parcours", "Attestations",
                                                                     "Conception", "Compte"]
    nav(trainer_page).get_by_role("button", name="Conception").click()
    expect(nav(trainer_page).get_by_role("link")).to_have_text(
        ["Formations", "Mon parcours", "Attestations", "Parcours", "Vidéothèque"])  # « Mon compte » in its closed group
    check_a11y(trainer_page)


def test_without_javascript_the_menu_is_a_plain_list(browser, live_server, create_user):
    """axe-core needs JavaScript: this context is not watched (the same HTML goes through axe in the tests above)."""
    coordinator = create_user("coordinator")
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(coordinator.email)
    page.get_by_label("Mot de passe", exact=True).fill(coordinator.password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {coordinator.full_name}")
    expect(nav(page).get_by_role("button", name="Menu")).to_have_count(0)  # hidden: nothing it could do
    for name in ["Formations", "Parcours", "Vidéothèque", "Personnes", "Import", "Journal des envois", "Mon compte"]:
        expect(nav(page).get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(nav(page).get_by_role("button", name="Se déconnecter")).to_be_visible()
    assert_no_horizontal_scroll(page)
    nav(page).get_by_role("link", name="Personnes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personnes")
    context.close()
