"""Issue 17, item 13: a newcomer follows their invitation in a browser set to Chicago time: the
form offers that zone for them to confirm, the account has their team's organization, and Home
greets them with the first-week checklist."""
from __future__ import annotations

import email as email_lib
import re
import time
from email import policy as email_policy

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LIVE, run_axe, sign_in

pytestmark = pytest.mark.browser


def _invitation_link(address: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for path in sorted((LIVE["instance"] / "outbox").glob("*.eml"), reverse=True):
            message = email_lib.message_from_bytes(path.read_bytes(), policy=email_policy.default)
            if address in str(message["To"]):
                return re.search(r"https?://\S+/invite/\S+", message.get_body(("plain",)).get_content()).group(0)
        time.sleep(0.2)
    raise AssertionError(f"no invitation reached {address}")


def test_a_newcomer_confirms_their_browsers_zone_and_meets_the_checklist(browser, live_server):
    staff = browser.new_context()
    page = staff.new_page()
    sign_in(page, live_server, "facilitator@demo.hub")
    page.goto(live_server + "/invitations")
    page.get_by_label("Email address").fill("nia.newcomer@example.org")
    page.get_by_label("Team (optional)").select_option(label="Riverside Diabetes Equity Team")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".flash-success")).to_contain_text("nia.newcomer@example.org")
    staff.close()

    newcomer = browser.new_context(timezone_id="America/Chicago")
    page = newcomer.new_page()
    page.goto(_invitation_link("nia.newcomer@example.org"))
    zone = page.get_by_label("Your time zone")
    expect(zone).to_have_value("America/Chicago")
    expect(page.locator("#f-time_zone-hint")).to_contain_text("Taken from your browser")
    assert run_axe(page) == []
    page.get_by_label("Your name").fill("Nia Newcomer")
    page.get_by_label("Choose a password").fill("a long new password")
    page.get_by_label("Type the password again").fill("a long new password")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(re.compile(r"/settings/profile$"))
    expect(page.get_by_label("Time zone")).to_have_value("America/Chicago")
    expect(page.get_by_label("Organization")).not_to_have_value("")
    page.goto(live_server + "/")
    checklist = page.get_by_role("region", name="Your first week")
    expect(checklist).to_contain_text("4 steps left.")
    checklist.get_by_role("link", name="Read the community guidelines").click()
    expect(page.get_by_role("heading", name="Community guidelines")).to_be_visible()
    page.goto(live_server + "/")
    expect(page.get_by_role("region", name="Your first week")).to_contain_text("3 steps left.")
    newcomer.close()
