"""Search in a real browser: the header's typeahead by keyboard, the results page with its
highlights and facets, and private affinity words that stay invisible to others."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import run_axe, sign_in

pytestmark = pytest.mark.browser


def test_typeahead_by_keyboard_then_results_with_facets(page, live_server):
    sign_in(page, live_server, "participant@demo.hub")
    box = page.get_by_role("combobox", name="Search")
    box.press_sequentially("stratif", delay=40)
    option = page.get_by_role("option", name=re.compile("How are you stratifying by race"))
    option.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    target = option.get_attribute("id")
    for _ in range(page.locator("#quick-search-list [role=option]").count()):
        box.press("ArrowDown")
        if box.get_attribute("aria-activedescendant") == target:
            break
    assert box.get_attribute("aria-activedescendant") == target
    assert option.get_attribute("aria-selected") == "true"
    box.press("Enter")
    page.get_by_role("heading", level=1, name=re.compile("How are you stratifying by race")).wait_for()

    box = page.get_by_role("combobox", name="Search")
    box.fill("run chart")
    box.press("Enter")  # no suggestion chosen: the full results page
    page.wait_for_url(re.compile(r"/search\?q=run"))
    results = page.locator(".search-hit")
    results.first.wait_for()
    titles = " ".join(results.all_inner_texts())
    assert "How are you stratifying by race" in titles and "Agenda for Thursday" in titles
    assert page.locator(".search-hit mark", has_text=re.compile("^run$", re.I)).count() >= 1
    serious = [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]
    assert serious == [], serious

    # A facet narrows to one space: the team's huddle stays, the cohort's question goes.
    page.get_by_role("navigation", name="Narrow the results").get_by_role(
        "link", name=re.compile("Riverside Diabetes Equity Team")).click()
    page.wait_for_url(re.compile(r"in%3A|in:"))
    titles = " ".join(page.locator(".search-hit").all_inner_texts())
    assert "Agenda for Thursday" in titles and "stratifying" not in titles


def test_affinity_words_stay_inside_the_group(browser, live_server):
    outsider_ctx, member_ctx = browser.new_context(), browser.new_context()
    outsider, member = outsider_ctx.new_page(), member_ctx.new_page()
    try:
        sign_in(outsider, live_server, "participant@demo.hub")
        outsider.goto(live_server + "/search?q=holding+up+data+conversations")
        outsider.get_by_text("Nothing you can see matches that search.").wait_for()
        assert outsider.locator("#result-count").inner_text().startswith("0 ")
        box = outsider.get_by_role("combobox", name="Search")
        box.press_sequentially("holding up togeth", delay=30)
        outsider.get_by_role("option", name=re.compile("No matches yet")).wait_for()
        assert outsider.locator("#quick-search-list [role=option]").count() == 1  # only "press Enter"

        sign_in(member, live_server, "member@demo.hub")
        member.goto(live_server + "/search?q=holding+up+data+conversations")
        member.locator(".search-hit", has_text="Check-in before the next learning session").wait_for()
    finally:
        outsider_ctx.close()
        member_ctx.close()


def test_similar_threads_appear_under_the_composer(page, live_server):
    sign_in(page, live_server, "participant@demo.hub")
    page.goto(live_server + "/spaces/learning-network-2026-2027/threads/new")
    page.get_by_label("Title").press_sequentially("Stratifying run charts by race", delay=10)
    similar = page.get_by_role("region", name="Similar threads you can read")
    similar.get_by_role("link", name=re.compile("How are you stratifying by race")).wait_for()
