"""Two people chat in two browsers. One of them loses the connection while messages are sent
(and writes one meanwhile); once back, each message shows exactly once, in order, on both sides."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import run_axe, sign_in

pytestmark = pytest.mark.browser


def _open_huddle(page, base):
    page.goto(base + "/chat")
    page.locator(".chat-sidebar a", has_text="huddle").click()
    page.get_by_role("heading", level=1, name="# huddle").wait_for()
    page.locator("body[data-chat='connected']").wait_for(state="attached")


def _bodies(page) -> list[str]:
    return [t.strip() for t in page.locator("#chat-messages li.chat-message:not(.pending) .chat-body").all_inner_texts()]


def test_two_people_chat_and_a_reconnected_client_shows_each_message_once_in_order(browser, live_server):
    pat_ctx, maria_ctx = browser.new_context(), browser.new_context()
    pat, maria = pat_ctx.new_page(), maria_ctx.new_page()
    for page in (pat, maria):
        page.set_default_timeout(10_000)
    try:
        sign_in(pat, live_server, "participant@demo.hub")
        sign_in(maria, live_server, "maria.hernández@demo.hub")
        _open_huddle(pat, live_server)
        _open_huddle(maria, live_server)

        box = pat.get_by_label("Message")
        box.press_sequentially("Morning @mari", delay=30)
        pat.get_by_role("option", name=re.compile("Maria Hernández")).wait_for()
        box.press("Enter")  # takes the highlighted suggestion
        assert "@maria" in box.input_value()
        box.press_sequentially("ready for the PDSA?", delay=5)
        box.press("Enter")  # sends
        maria.locator("#chat-messages .chat-body", has_text="ready for the PDSA?").wait_for()
        assert maria.locator("#chat-messages a[href^='/people/']", has_text="@maria").count() == 1
        maria.get_by_label("Message").fill("Yes, see you at 2")
        maria.get_by_role("button", name="Send").click()
        pat.locator("#chat-messages .chat-body", has_text="Yes, see you at 2").wait_for()

        # Maria's network drops; her socket is gone and cannot come back until it returns.
        maria_ctx.set_offline(True)
        maria.evaluate("window.hubChat.socket.io.engine.close()")
        maria.locator("body[data-chat='disconnected']").wait_for(state="attached")
        sent_meanwhile = [f"while you were away {i}" for i in range(1, 4)]
        for text in sent_meanwhile:
            pat.get_by_label("Message").fill(text)
            pat.get_by_role("button", name="Send").click()
            pat.locator("#chat-messages li.chat-message:not(.pending) .chat-body", has_text=text).wait_for()
        maria.get_by_label("Message").fill("typed while offline")
        maria.get_by_role("button", name="Send").click()
        maria.locator("#chat-messages li.pending", has_text="typed while offline").wait_for()

        maria_ctx.set_offline(False)
        maria.locator("body[data-chat='connected']").wait_for(state="attached", timeout=20_000)
        maria.locator("#chat-messages li.chat-message:not(.pending) .chat-body", has_text="typed while offline").wait_for()
        pat.locator("#chat-messages .chat-body", has_text="typed while offline").wait_for()

        expected = ["ready for the PDSA?", "Yes, see you at 2", *sent_meanwhile, "typed while offline"]
        for page in (pat, maria):
            bodies = _bodies(page)
            tail = [b for b in bodies if any(e in b for e in expected)]
            assert len(tail) == len(expected), (page is maria, bodies)
            for text, body in zip(expected, tail):
                assert text in body, (page is maria, bodies)
            assert page.locator("#chat-messages li.pending").count() == 0

        # A reload shows the same, from the server, still once each.
        maria.reload()
        maria.locator("body[data-chat='connected']").wait_for(state="attached")
        assert [b for b in _bodies(maria) if any(e in b for e in expected)] == [
            b for b in _bodies(pat) if any(e in b for e in expected)]

        serious = [v for v in run_axe(maria) if v["impact"] in ("serious", "critical")]
        assert serious == [], serious
        maria.goto(live_server + "/chat")
        serious = [v for v in run_axe(maria) if v["impact"] in ("serious", "critical")]
        assert serious == [], serious
    finally:
        pat_ctx.close()
        maria_ctx.close()


def test_unread_badges_follow_messages_in_other_channels(browser, live_server):
    pat_ctx, kevin_ctx = browser.new_context(), browser.new_context()
    pat, kevin = pat_ctx.new_page(), kevin_ctx.new_page()
    try:
        sign_in(pat, live_server, "participant@demo.hub")
        sign_in(kevin, live_server, "kevin.tran@demo.hub")
        kevin.goto(live_server + "/chat")
        kevin.locator(".chat-sidebar a", has_text="general").click()
        kevin.locator("body[data-chat='connected']").wait_for(state="attached")
        huddle = kevin.locator(".chat-sidebar a", has_text="huddle")
        before = int(huddle.locator(".chat-unread").inner_text() or 0)
        _open_huddle(pat, live_server)
        pat.get_by_label("Message").fill("Baseline numbers, please")
        pat.get_by_role("button", name="Send").click()
        huddle.locator(".chat-unread", has_text=re.compile(f"^{before + 1}$")).wait_for()
        huddle.click()
        kevin.locator("#chat-messages .chat-body", has_text="Baseline numbers, please").wait_for()
        # Reading it clears the badge (the server says so to every open page of his) ...
        huddle.locator(".chat-unread", has_text=re.compile("^$")).wait_for(state="attached")
        # ... and the server remembers: a fresh page shows no unread there either.
        kevin.goto(live_server + "/chat")
        assert kevin.locator(".chat-sidebar a", has_text="huddle").locator(".chat-unread").inner_text() == ""
    finally:
        pat_ctx.close()
        kevin_ctx.close()
