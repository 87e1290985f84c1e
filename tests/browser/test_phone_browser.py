"""Issue 17, item 10: on a 390×844 phone no page scrolls sideways, the header folds into a Menu
button (a disclosure, by mouse and keyboard), the account menu fits, and an open chat thread
covers the timeline."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import run_axe, sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
PAGES = ["/", "/latest", "/library", "/chat", "/search?q=equity", "/spaces", "/people", "/notifications",
         "/notifications/settings", "/settings/profile", "/settings/security",
         "/spaces/learning-network-2026-2027", "/spaces/learning-network-2026-2027/forum"]


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _first_link(page, base, listing, prefix):
    page.goto(base + listing)
    return page.locator(f"a[href^='{prefix}']").first.get_attribute("href")


def _sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("email", ["participant@demo.hub", "facilitator@demo.hub", "member@demo.hub"])
def test_no_page_scrolls_sideways_on_a_phone(phone, live_server, email):
    phone.goto(live_server + "/login")
    assert _sideways(phone) <= 0, "the sign-in page"
    sign_in(phone, live_server, email)
    extra = [_first_link(phone, live_server, "/spaces/learning-network-2026-2027/forum", "/threads/"),
             _first_link(phone, live_server, "/chat", "/chat/channels/")]
    if email == "facilitator@demo.hub":
        extra += ["/program", "/invitations"]
        # A long pending address in the table once made this page 184px too wide.
        phone.goto(live_server + "/invitations")
        phone.fill("#f-email", "a.rather.long.invited.person@a-hospital-system-with-a-long-name.example.org")
        phone.get_by_role("button", name="Send invitation").click()
        expect(phone.locator(".flash-success")).to_contain_text("on its way")
    for url in PAGES + extra:
        phone.goto(live_server + url)
        assert _sideways(phone) <= 0, f"{url} is {_sideways(phone)}px wider than the phone for {email}"


def test_the_header_folds_into_a_menu_button(phone, live_server):
    sign_in(phone, live_server, "participant@demo.hub")
    menu = phone.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(phone.get_by_role("navigation", name="Main")).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    nav = phone.get_by_role("navigation", name="Main")
    expect(nav).to_be_visible()
    phone.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(menu).to_be_focused()
    phone.keyboard.press("Enter")  # the keyboard opens it too
    expect(nav).to_be_visible()
    phone.locator(".account-menu summary").click()
    box = phone.locator(".account-menu ul").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], "the account menu fits the screen"
    expect(phone.get_by_role("button", name="Sign out")).to_be_visible()
    assert run_axe(phone) == []


def test_a_wide_screen_shows_the_menu_without_a_button(page, live_server):
    sign_in(page, live_server, "participant@demo.hub")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()


def test_an_open_chat_thread_covers_the_timeline_on_a_phone(phone, live_server):
    sign_in(phone, live_server, "participant@demo.hub")
    phone.goto(live_server + _first_link(phone, live_server, "/chat", "/chat/channels/"))
    opener = phone.locator(".chat-thread-open").first
    opener.click()
    thread = phone.locator("#chat-thread")
    expect(thread).to_be_visible()
    box = thread.bounding_box()
    assert box["x"] <= 1 and box["width"] >= PHONE["width"] - 2 and box["height"] >= PHONE["height"] - 2
    assert _sideways(phone) <= 0
