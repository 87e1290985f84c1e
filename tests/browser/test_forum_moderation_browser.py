"""Issue 17 in Chromium, for the people who look after a space: who may reply in a category, set in
its settings; a flag that reaches site staff live and waits in their one review queue, in words;
and a one-way move that asks first."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import run_axe, sign_in

pytestmark = pytest.mark.browser
COHORT = "/spaces/learning-network-2026-2027"
WIN = "Postpartum visit rate up 12 points for Black patients"


def _serious(page) -> list:
    return [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]


def _set_reply_rights(page, base, value_label):
    page.goto(base + COHORT + "/categories")
    card = page.locator("form.card", has=page.locator("legend", has_text="Share a win"))
    card.get_by_label("Who may reply").select_option(label=value_label)
    card.get_by_role("button", name="Save").click()
    expect(page.locator(".flash", has_text="Category saved.")).to_be_visible()


def test_a_category_for_facilitators_replies_only_set_in_its_settings(browser, live_server):
    staff_ctx, pat_ctx = browser.new_context(), browser.new_context()
    staff, pat = staff_ctx.new_page(), pat_ctx.new_page()
    try:
        sign_in(staff, live_server, "facilitator@demo.hub")
        _set_reply_rights(staff, live_server, "Only this space's facilitators")
        assert _serious(staff) == []
        sign_in(pat, live_server, "participant@demo.hub")
        pat.goto(live_server + COHORT + "/forum")
        pat.get_by_role("link", name=WIN).click()
        pat.get_by_role("heading", level=1, name=WIN).wait_for()
        expect(pat.get_by_text("Only the facilitators of this space reply in “Share a win”.")).to_be_visible()
        expect(pat.get_by_role("button", name="Post reply")).to_have_count(0)
        staff.goto(pat.url)
        expect(staff.get_by_role("button", name="Post reply")).to_be_visible()
    finally:
        _set_reply_rights(staff, live_server, "Everyone who may post in this space")  # as the other tests expect
        staff_ctx.close()
        pat_ctx.close()


def test_a_flag_reaches_staff_live_and_waits_in_their_review_queue(browser, live_server):
    staff_ctx, pat_ctx = browser.new_context(), browser.new_context()
    staff, pat = staff_ctx.new_page(), pat_ctx.new_page()
    try:
        sign_in(staff, live_server, "coach@demo.hub")  # site staff, no facilitator of the cohort's own
        staff.goto(live_server + "/latest")
        staff.locator("body[data-socket='connected']").wait_for(state="attached")
        before = int(staff.locator("#notification-count").inner_text() or 0)

        sign_in(pat, live_server, "participant@demo.hub")
        pat.goto(live_server + COHORT + "/forum")
        pat.get_by_role("link", name="Introduce your team").click()
        pat.locator("#post-3").get_by_role("link", name="Flag").click()
        pat.get_by_label("It is off topic").check()
        pat.get_by_label("Message to the facilitators").fill("Browser flag: belongs in Share a win")
        pat.get_by_role("button", name="Send flag").click()
        expect(pat.locator(".flash", has_text="A facilitator of this space will review the post")).to_be_visible()

        staff.locator("#notification-count", has_text=re.compile(r"^" + str(before + 1) + r"$")).wait_for()
        expect(staff.locator("#live-status")).to_have_text(
            re.compile(r"flagged a post in “Introduce your team”: Off topic"))

        staff.goto(live_server + COHORT + "/forum")
        count = staff.locator(".space-tabs a[href$='/flags'] .tab-count")
        expect(count).to_have_text(re.compile(r"^\d+ waiting for review$"))

        staff.locator(".account-menu summary").click()
        staff.get_by_role("link", name="Review queue").click()
        staff.get_by_role("heading", level=1, name="Review queue").wait_for()
        mine = staff.locator("section.card", has_text="Browser flag: belongs in Share a win")
        expect(mine.get_by_role("heading", level=2)).to_have_text("Off topic · Learning Network 2026–2027")
        assert "off_topic" not in staff.locator("main").inner_text()
        assert _serious(staff) == []
        mine.get_by_role("button", name="Dismiss the flag").click()
        expect(staff.locator(".flash", has_text="The flag is resolved.")).to_be_visible()
        expect(staff.get_by_role("heading", level=1, name="Review queue")).to_be_visible()
        expect(staff.locator("section.card", has_text="Browser flag: belongs in Share a win")).to_have_count(0)
    finally:
        staff_ctx.close()
        pat_ctx.close()


def test_a_one_way_move_asks_first(page, live_server):
    sign_in(page, live_server, "facilitator@demo.hub")
    page.goto(live_server + COHORT + "/forum")
    page.get_by_role("link", name="Introduce your team").click()
    page.get_by_role("heading", level=1, name="Introduce your team").wait_for()
    move = page.get_by_label("Move to")
    groups = move.locator("optgroup")
    assert groups.first.get_attribute("label").startswith("Learning Network")
    caucus = move.locator("optgroup[label^='BIPOC Caucus']")
    assert "one-way" in caucus.get_attribute("label")
    move.select_option(label="BIPOC Caucus › General")
    page.get_by_role("button", name="Move", exact=True).click()
    page.get_by_role("heading", level=2, name="This move cannot be undone").wait_for()
    assert _serious(page) == []
    page.get_by_role("link", name=re.compile("Cancel: keep it in")).click()
    page.get_by_role("heading", level=1, name="Introduce your team").wait_for()
    expect(page.locator(".breadcrumbs")).to_contain_text("Learning Network")
