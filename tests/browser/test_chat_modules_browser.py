"""The chat scripts are ES modules, and a message has one renderer: one that arrived live (cloned
by static/js/chat/render.js from the server's skeleton of templates/chat/_message.html) has the same
element tree, tag for tag and class for class, as the server's own rendering after a reload."""
from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

# A message's element tree: tag name, sorted class names, children.
STRUCTURE = """el => { const walk = n => [n.tagName.toLowerCase(), [...n.classList].sort().join(" "),
                                         [...n.children].map(walk)];
                       return walk(el); }"""


def _open_huddle(page, base):
    page.goto(base + "/chat")
    page.locator(".chat-sidebar a", has_text="huddle").click()
    page.get_by_role("heading", level=1, name="# huddle").wait_for()
    page.locator("body[data-chat='connected']").wait_for(state="attached")


def test_a_live_message_has_the_markup_the_server_renders(browser, live_server):
    contexts = [browser.new_context(), browser.new_context()]
    pat, maria = (c.new_page() for c in contexts)
    for page in (pat, maria):
        page.set_default_timeout(10_000)
    text = f"One renderer {uuid.uuid4().hex[:6]}"
    try:
        sign_in(pat, live_server, "participant@demo.hub")
        sign_in(maria, live_server, "maria.hernández@demo.hub")
        _open_huddle(pat, live_server)
        _open_huddle(maria, live_server)
        assert maria.locator("script[type='module'][src$='/js/chat/main.js'][nonce]").count() == 1

        pat.get_by_label("Message").fill(f"**{text}**")
        pat.get_by_role("button", name="Send").click()
        live = maria.locator("#chat-messages li.chat-message:not(.pending)", has_text=text)
        live.wait_for()
        # A reaction comes back as a new version of the message, drawn again by the script.
        live.locator("summary", has_text="React").click()
        live.get_by_role("button", name="React with heart").click()
        expect(live.locator(".chat-reaction")).to_have_text("❤️ 1")
        drawn_live, message_id = live.evaluate(STRUCTURE), live.get_attribute("id")

        maria.reload()
        maria.locator("body[data-chat='connected']").wait_for(state="attached")
        from_server = maria.locator(f"#{message_id}")
        expect(from_server.locator(".chat-reaction")).to_have_text("❤️ 1")
        assert from_server.evaluate(STRUCTURE) == drawn_live
        assert "chat-reactions" in str(drawn_live) and "react-picker" in str(drawn_live)
    finally:
        for context in contexts:
            context.close()
