"""A newcomer's first minutes in a real browser: sign in, reach home, move by keyboard, axe."""
from __future__ import annotations

import pytest

from tests.browser.conftest import run_axe, sign_in

pytestmark = pytest.mark.browser


def test_demo_participant_signs_in_reaches_home_and_the_socket_connects(page, live_server):
    sign_in(page, live_server, "participant@demo.hub")
    # Pat has read threads before, so Latest is home; the overview is one link away.
    assert page.get_by_role("heading", level=1).inner_text() == "Latest"
    page.get_by_role("link", name="Your teams, cohorts and spaces").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Pat Participant"
    assert page.get_by_role("link", name="Riverside Diabetes Equity Team").count() >= 1
    assert page.get_by_role("link", name="Learning Network 2026–2027").count() >= 1
    page.locator("body[data-socket='connected']").wait_for(state="attached")
    # Sign out through the account menu, by keyboard.
    page.get_by_text("Pat Participant", exact=True).click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server + "/login")


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page, live_server):
    sign_in(page, live_server, "participant@demo.hub")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("path", ["/login", "/", "/people", "/people/profile-of-participant", "/settings/profile",
                                  "/settings/security", "/spaces"])
def test_axe_finds_no_wcag_violations(page, live_server, path):
    if path != "/login":
        sign_in(page, live_server, "participant@demo.hub")
    if path == "/people/profile-of-participant":
        page.goto(live_server + "/people?q=Pat+Participant")
        page.get_by_role("link", name="Pat Participant").last.click()
    else:
        page.goto(live_server + path)
    violations = run_axe(page)
    assert violations == [], violations


@pytest.mark.parametrize("email,path", [
    ("facilitator@demo.hub", "/spaces/bipoc-caucus/members"),
    ("facilitator@demo.hub", "/spaces/bipoc-caucus/settings"),
    ("facilitator@demo.hub", "/spaces/bipoc-caucus/audit"),
    ("facilitator@demo.hub", "/spaces/new"),
    ("facilitator@demo.hub", "/program"),
    ("facilitator@demo.hub", "/invitations"),
    ("participant@demo.hub", "/spaces/bipoc-caucus"),
    ("participant@demo.hub", "/notifications"),
    ("participant@demo.hub", "/invitations/spaces"),
])
def test_axe_on_space_and_facilitator_pages(page, live_server, email, path):
    sign_in(page, live_server, email)
    page.goto(live_server + path)
    assert run_axe(page) == []


def test_a_refused_login_keeps_the_email_and_is_announced(page, live_server):
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill("participant@demo.hub")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_label("Email").input_value() == "participant@demo.hub"
    assert page.get_by_role("alert").is_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert run_axe(page) == []
