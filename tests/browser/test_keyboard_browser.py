"""Issue 17, item 11: keyboard paths. It took 77 Tabs to reach a thread's reply box and 69 to reach
the chat composer. Skip links reach them in two, focus lands where the page's job is, and r, / and
? work (announced, documented on the help page, and possible to turn off)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import run_axe, sign_in

pytestmark = pytest.mark.browser
COHORT = "/spaces/learning-network-2026-2027"


def _tabs_until(page, element_id: str, limit: int = 10) -> int:
    for count in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return count
        if page.evaluate("document.activeElement && document.activeElement.classList.contains('skip-link')") and \
                page.evaluate("document.activeElement.getAttribute('href')") == "#" + element_id:
            page.keyboard.press("Enter")
            if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
                return count
    return limit + 1


def test_the_reply_box_is_two_keys_away_and_r_reaches_it(page, live_server):
    sign_in(page, live_server, "participant@demo.hub")
    page.goto(live_server + COHORT + "/forum")
    page.get_by_role("link", name="Introduce your team").click()
    page.wait_for_load_state()
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.goto(page.url.split("#")[0])
    assert _tabs_until(page, "f-body") <= 3
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("r")
    expect(page.get_by_label("Your reply")).to_be_focused()
    page.keyboard.type("r/?")  # typing in the box never triggers shortcuts
    expect(page.get_by_label("Your reply")).to_have_value(re.compile(r"r/\?$"))


def test_a_chat_conversation_opens_in_its_message_box(page, live_server):
    sign_in(page, live_server, "participant@demo.hub")
    page.goto(live_server + "/chat")
    page.locator("a[href^='/chat/channels/']").first.click()
    expect(page.locator("#f-body")).to_be_focused()


def test_slash_searches_question_mark_helps_and_shortcuts_can_be_turned_off(page, live_server):
    sign_in(page, live_server, "participant@demo.hub")
    page.goto(live_server + "/library")
    page.keyboard.press("/")
    expect(page.locator("#quick-search-input")).to_be_focused()
    page.locator("#quick-search-input").press("Escape")
    page.locator("h1").click()
    page.keyboard.press("?")
    page.wait_for_url(re.compile(r"/help#shortcuts$"))
    expect(page.get_by_role("heading", name="Keyboard shortcuts")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_label("Use single-key shortcuts in this browser").uncheck()
    expect(page.locator("#live-status")).to_have_text("Single-key shortcuts are off.")
    page.goto(live_server + "/library")
    page.locator("h1").click()
    page.keyboard.press("/")
    expect(page.locator("#quick-search-input")).not_to_be_focused()
    page.goto(live_server + "/help")
    page.get_by_label("Use single-key shortcuts in this browser").check()


def test_a_first_unread_link_lands_focus_on_that_post(page, live_server):
    sign_in(page, live_server, "participant@demo.hub")
    page.goto(live_server + COHORT + "/forum")
    href = page.get_by_role("link", name="Introduce your team").get_attribute("href")
    thread_id = re.search(r"/threads/(\d+)", href).group(1)
    page.goto(live_server + f"/threads/{thread_id}#post-2")
    expect(page.locator("#post-2")).to_be_focused()
