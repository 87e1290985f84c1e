"""Issue 17, items 2, 3, 4 and the chat smalls, in Chromium: a conversation someone starts with the
people picker appears live in the recipient's open chat with its unread count; times read in the
person's zone (relative while recent); "is typing" clears when the message lands; one React
picker; a facilitator's new channel is in their list; archiving asks first."""
from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import run_axe, sign_in

pytestmark = pytest.mark.browser


def _pages(browser, n):
    contexts = [browser.new_context() for _ in range(n)]
    pages = [c.new_page() for c in contexts]
    for page in pages:
        page.set_default_timeout(10_000)
    return contexts, pages


def test_a_new_conversation_appears_live_with_its_unread_count_and_reads_like_chat(browser, live_server):
    contexts, (kevin, rosa) = _pages(browser, 2)
    try:
        sign_in(kevin, live_server, "kevin.tran@demo.hub")
        kevin.goto(live_server + "/chat")
        kevin.wait_for_function("window.io && document.querySelector('.chat-sidebar')")
        kevin.wait_for_timeout(500)  # its socket connects
        sign_in(rosa, live_server, "rosa.delgado@demo.hub")
        rosa.goto(live_server + "/chat")
        picker = rosa.get_by_role("combobox", name="People (up to 7)")
        picker.press_sequentially("Kev", delay=40)
        rosa.get_by_role("option", name=re.compile("Kevin Tran")).wait_for()
        picker.press("Enter")
        expect(rosa.get_by_role("button", name="Remove Kevin Tran")).to_be_visible()
        assert run_axe(rosa) == []
        rosa.get_by_role("button", name="Open conversation").click()
        rosa.get_by_role("heading", level=1, name="Kevin Tran").wait_for()
        expect(rosa.get_by_text("This is the start of your conversation with Kevin Tran.")).to_be_visible()

        # Kevin, already on chat, gets the entry with its first message, without a reload, announced.
        entry = kevin.locator(".chat-sidebar a", has_text="Rosa Delgado")
        assert entry.count() == 0, "an empty conversation someone else started is not in his list yet"
        rosa.locator("body[data-chat='connected']").wait_for(state="attached")
        rosa.get_by_label("Message").fill("Got a minute for the interpreter data?")
        rosa.get_by_role("button", name="Send").click()
        entry.wait_for()
        expect(kevin.locator("#live-status")).to_contain_text("New conversation: Rosa Delgado")
        expect(entry.locator(".chat-unread")).to_have_text("1")
        expect(entry.locator(".chat-unread-words")).to_have_text(" unread")

        entry.click()
        kevin.get_by_role("heading", level=1, name="Rosa Delgado").wait_for()
        kevin.locator("body[data-chat='connected']").wait_for(state="attached")
        stamp = kevin.locator("#chat-messages .chat-time time").last
        expect(stamp).to_have_text(re.compile(r"^(now|\d+ seconds? ago|1 minute ago)$"))
        assert re.search(r"\d{4}, \d{1,2}:\d\d", stamp.get_attribute("title")), "the full time stays as its title"

        # "is typing" goes the moment the message arrives, not five seconds later.
        rosa.get_by_label("Message").press_sequentially("One more thing", delay=30)
        expect(kevin.locator("#chat-typing")).to_have_text("Rosa Delgado is typing…")
        rosa.get_by_label("Message").press("Enter")
        kevin.locator("#chat-messages .chat-body", has_text="One more thing").wait_for()
        expect(kevin.locator("#chat-typing")).to_have_text("", timeout=2_000)

        # One React button per message opens the reactions.
        message = kevin.locator("#chat-messages li.chat-message", has_text="One more thing")
        assert message.get_by_role("button", name="React with heart").count() == 0 or \
            not message.get_by_role("button", name="React with heart").is_visible()
        message.locator("summary", has_text="React").click()
        message.get_by_role("button", name="React with heart").click()  # (its name in words)
        expect(rosa.locator("#chat-messages li.chat-message", has_text="One more thing").locator(".chat-reaction")
               ).to_have_text("❤️ 1")
        expect(message.get_by_role("button", name="heart: 1")).to_have_attribute("aria-pressed", "true")
        # Rosa adds hers by pressing the reaction itself; for her it is now pressed too.
        hers = rosa.locator("#chat-messages li.chat-message", has_text="One more thing").locator(".chat-reaction")
        expect(hers).to_have_attribute("aria-pressed", "false")
        hers.click()
        expect(hers).to_have_text("❤️ 2")
        expect(hers).to_have_attribute("aria-pressed", "true")
        expect(message.locator(".chat-reaction")).to_have_text("❤️ 2")

        # Editing keeps the composer's keys: Enter saves.
        mine = rosa.locator("#chat-messages li.chat-message", has_text="One more thing")
        mine.get_by_role("button", name="Edit").click()
        box = mine.locator(".chat-edit textarea")
        box.fill("One more thing, edited")
        box.press("Enter")
        expect(kevin.locator("#chat-messages li.chat-message", has_text="One more thing, edited")
               .locator(".chat-edited")).to_be_visible()
        assert run_axe(kevin) == []
    finally:
        for context in contexts:
            context.close()


def test_a_facilitators_new_channel_is_in_their_list_and_archiving_asks_first(page, live_server):
    name = f"wrap-up-{uuid.uuid4().hex[:6]}"
    sign_in(page, live_server, "facilitator@demo.hub")
    page.goto(live_server + "/spaces/learning-network-2026-2027/chat")
    page.get_by_label("Channel name").fill(name)
    page.get_by_role("button", name="Add channel").click()
    page.get_by_role("heading", level=1, name=f"# {name}").wait_for()
    expect(page.locator(".chat-sidebar a[aria-current='page']")).to_contain_text(name)
    expect(page.locator(".chat-sidebar a", has_text="cohort-chat")).to_be_visible()
    expect(page.get_by_text(f"This is the start of # {name}.")).to_be_visible()
    expect(page.locator("h1 .lock")).to_have_count(1)  # a cohort's channel is private to it

    page.goto(live_server + "/spaces/learning-network-2026-2027/chat")
    archive = page.get_by_role("button", name=f"Archive # {name}")
    page.once("dialog", lambda dialog: dialog.dismiss())
    archive.click()
    page.wait_for_timeout(300)
    expect(archive).to_be_visible()  # said no: nothing happened
    page.once("dialog", lambda dialog: dialog.accept())
    archive.click()
    expect(page.get_by_role("button", name=f"Reopen # {name}")).to_be_visible()
