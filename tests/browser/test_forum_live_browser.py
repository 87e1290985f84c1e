"""Issue 17 in Chromium: a thread being read takes a reply in place and says so; reactions toggle
from one keyboard-friendly React button without a reload, and tell the post's author; the New
thread form starts in the space's general category; the edit history reads as rendered."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import run_axe, sign_in

pytestmark = pytest.mark.browser
COHORT = "/spaces/learning-network-2026-2027"


def _no_reload_marker(page) -> None:
    # Set from outside the page (CDP), so the strict CSP has nothing to refuse; a reload would lose it.
    page.evaluate("() => { document.body.dataset.kept = 'yes'; }")


def test_a_reply_arrives_in_place_and_reactions_toggle_without_a_reload(browser, live_server):
    author_ctx, reader_ctx = browser.new_context(), browser.new_context()
    author, reader = author_ctx.new_page(), reader_ctx.new_page()
    for page in (author, reader):
        page.set_default_timeout(10_000)
    try:
        sign_in(author, live_server, "participant@demo.hub")
        author.goto(live_server + COHORT + "/threads/new")
        category = author.get_by_label("Category")
        expect(category).to_have_value(re.compile(r"\d+"))
        assert category.locator("option:checked").inner_text() == "Ask the cohort"
        assert "Announcements" not in category.inner_text()
        author.get_by_label("Title").fill("Live huddle notes")
        author.get_by_label("Message").fill("Who has notes from Tuesday?")
        author.get_by_role("button", name="Post thread").click()
        author.get_by_role("heading", level=1, name="Live huddle notes").wait_for()
        thread_url = author.url.split("#")[0].split("?")[0]

        sign_in(reader, live_server, "aisha.bello@demo.hub")
        reader.goto(thread_url)
        reader.locator("body[data-socket='connected']").wait_for(state="attached")
        _no_reload_marker(reader)

        author.get_by_label("Your reply").fill("Mine are in the shared drive, **folder 3**.")
        author.get_by_role("button", name="Post reply").click()
        author.locator("#post-2").wait_for()

        arrived = reader.locator("#post-2")
        expect(arrived.locator(".prose strong")).to_have_text("folder 3")
        expect(reader.locator("#live-status")).to_have_text(re.compile(r"New reply from "))
        expect(reader.locator("#forum-activity")).to_be_hidden()
        expect(reader.locator("body[data-kept='yes']")).to_have_count(1)  # no reload happened

        # React from the keyboard: the one React button opens the choices, Enter picks one.
        author.locator("body[data-socket='connected']").wait_for(state="attached")
        badge = author.locator("#notification-count")
        before = int(badge.inner_text() or 0)
        summary = arrived.locator(".react-picker summary")
        expect(summary).to_have_text("React")
        summary.focus()
        reader.keyboard.press("Enter")
        heart = arrived.get_by_role("button", name="React with heart")
        pressed = arrived.locator(".react-form button[value='heart']")  # (hidden with its picker closed)
        expect(heart).to_be_visible()
        reader.keyboard.press("Tab")
        reader.keyboard.press("Tab")  # thumbs up, then heart
        expect(heart).to_be_focused()
        reader.keyboard.press("Enter")
        expect(arrived.locator(".reactions li[data-kind='heart']")).to_contain_text("1")
        expect(pressed).to_have_attribute("aria-pressed", "true")
        expect(reader.locator("#live-status")).to_have_text("Your reaction: heart")
        expect(summary).to_be_focused()
        expect(reader.locator("body[data-kept='yes']")).to_have_count(1)
        # The author hears of it, live.
        author.locator("#notification-count", has_text=re.compile(r"^" + str(before + 1) + r"$")).wait_for()

        # Escape closes the choices and gives focus back; taking the reaction back updates in place.
        summary.click()
        reader.keyboard.press("Escape")
        expect(arrived.locator(".react-picker")).not_to_have_attribute("open", "")
        expect(summary).to_be_focused()
        summary.click()
        heart.click()
        expect(arrived.locator(".reactions")).to_have_count(0)
        expect(pressed).to_have_attribute("aria-pressed", "false")
        expect(reader.locator("#live-status")).to_have_text("Reaction taken back: heart")

        reader.reload()  # and what was shown live is what the page says
        expect(reader.locator("#post-2 .prose strong")).to_have_text("folder 3")
        serious = [v for v in run_axe(reader) if v["impact"] in ("serious", "critical")]
        assert serious == [], serious
    finally:
        author_ctx.close()
        reader_ctx.close()


def test_the_edit_history_reads_rendered_with_the_source_a_click_away(page, live_server):
    sign_in(page, live_server, "participant@demo.hub")
    page.goto(live_server + COHORT + "/threads/new")
    page.get_by_label("Title").fill("Huddle agenda, rendered")
    page.get_by_label("Message").fill("First: **run chart**\n\nSecond: PDSA")
    page.get_by_role("button", name="Post thread").click()
    page.locator("#post-1").get_by_role("link", name="Edit").click()
    page.get_by_label("Message").fill("First: **run chart**\n\nSecond: plan the next PDSA")
    page.get_by_role("button", name="Save changes").click()
    page.locator("#post-1").get_by_role("link", name="History").click()
    page.get_by_role("heading", level=1, name="Edit history").wait_for()
    expect(page.get_by_role("link", name="As they read")).to_have_attribute("aria-current", "page")
    expect(page.locator(".rendered-diff ins p")).to_have_text("Second: plan the next PDSA")
    expect(page.locator(".rendered-diff del p")).to_have_text("Second: PDSA")
    assert page.locator(".rendered-diff strong", has_text="run chart").count() >= 1
    assert "**" not in page.locator("main").inner_text()
    page.get_by_role("link", name="In the source (Markdown)").click()
    expect(page.locator("pre.diff").first).to_contain_text("**run chart**")
    serious = [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]
    assert serious == [], serious
