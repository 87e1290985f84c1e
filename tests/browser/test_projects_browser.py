"""Issue 19 in a browser: a team member opens their project's measure, enters the next month of
stratified data by keyboard alone (Tab from cell to cell, Enter to save), and sees the chart's
latest point and its summary change; the page passes axe."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import run_axe, sign_in

pytestmark = pytest.mark.browser


def test_a_team_member_enters_a_month_by_keyboard_and_the_chart_moves(browser, live_server):
    page = browser.new_page()
    sign_in(page, live_server, "participant@demo.hub")
    teams = page.request.get(live_server + "/api/v1/teams?limit=100").json()["items"]
    team = next(t for t in teams if t["name"] == "Riverside Diabetes Equity Team")
    project = page.request.get(f"{live_server}/api/v1/teams/{team['id']}/projects").json()["items"][0]
    measure = page.request.get(f"{live_server}/api/v1/projects/{project['id']}").json()["measures"][0]
    page.goto(f"{live_server}/measures/{measure['id']}")
    caption = page.locator("#chart-caption p")
    expect(caption).to_contain_text("2026-12")
    assert page.locator("figure.chart svg title").count() >= 1
    assert run_axe(page) == []

    first = page.get_by_label("2027-01 Everyone: numerator")
    first.focus()
    for value in ("150", "220", "90", "120", "50", "80", "10", "20"):  # everyone, then the ethnicity groups
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    expect(page.get_by_label("2027-01 Ethnicity: Unknown: denominator")).to_have_value("20")
    page.get_by_label("2027-01 Ethnicity: Unknown: denominator").press("Enter")
    expect(page.locator("p.notice[role=status]")).to_contain_text("Saved")
    expect(caption).to_contain_text("2027-01")
    expect(caption).to_contain_text("68.2%")  # 150 of 220, the new latest point
    page.close()
