"""An affinity space in real browsers: members see it, strangers get the not-found page, and a
member removed while the page is open loses it at once."""
from __future__ import annotations

import re

import pytest
import requests

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _facilitator_session(base: str) -> tuple[requests.Session, str]:
    s = requests.Session()
    token = re.search(r'name="csrf-token" content="([^"]+)"', s.get(base + "/login").text).group(1)
    s.post(base + "/login", data={"csrf_token": token, "email": "coach@demo.hub", "password": "equity-demo-2026"})
    return s, re.search(r'name="csrf-token" content="([^"]+)"', s.get(base + "/").text).group(1)


def test_member_sees_stranger_gets_not_found_removed_member_loses_the_open_page(browser, live_server):
    member_ctx, stranger_ctx = browser.new_context(), browser.new_context()
    member, stranger = member_ctx.new_page(), stranger_ctx.new_page()
    try:
        sign_in(member, live_server, "hannah.cohen@demo.hub")
        member.goto(live_server + "/spaces/white-accountability")
        assert member.get_by_role("heading", level=1).inner_text().endswith("White Anti-Racism Accountability Group")
        assert member.get_by_role("heading", name="Group agreement").is_visible()
        member.locator("body[data-socket='connected']").wait_for(state="attached")

        sign_in(stranger, live_server, "participant@demo.hub")
        missing = stranger.goto(live_server + "/spaces/white-accountability")
        assert missing.status == 404
        assert stranger.get_by_role("heading", level=1).inner_text() == "Page not found"
        assert "Accountability" not in stranger.content()

        session, csrf = _facilitator_session(live_server)
        me = requests.get(live_server + "/api/v1/people?q=Hannah", cookies=session.cookies).json()["items"][0]
        space_id = int(member.evaluate("document.body.dataset.spaceId"))
        removed = session.delete(f"{live_server}/api/v1/spaces/{space_id}/members/{me['id']}",
                                 json={"reason": "browser test"}, headers={"X-CSRFToken": csrf})
        assert removed.status_code == 204
        # The open page takes the content away by itself, without the member doing anything.
        # (A locator wait, not wait_for_function: the strict CSP refuses eval'd predicates.)
        member.get_by_role("heading", level=1, name="Page not found").wait_for(timeout=5000)
        assert "Group agreement" not in member.content()
    finally:
        member_ctx.close()
        stranger_ctx.close()
