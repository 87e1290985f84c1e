"""Two people in two browsers: one starts a thread mentioning the other (picked from the
autocomplete), the other sees the badge change live, opens the notification and replies, and
the edit history shows what the first person changed."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import run_axe, sign_in

pytestmark = pytest.mark.browser
COHORT = "/spaces/learning-network-2026-2027"


def test_mention_live_badge_reply_and_edit_diff(browser, live_server):
    author_ctx, reader_ctx = browser.new_context(), browser.new_context()
    author, reader = author_ctx.new_page(), reader_ctx.new_page()
    for page in (author, reader):
        page.set_default_timeout(10_000)
    try:
        sign_in(reader, live_server, "aisha.bello@demo.hub")
        reader.goto(live_server + "/latest")
        reader.locator("body[data-socket='connected']").wait_for(state="attached")
        badge = reader.locator("#notification-count")
        before = int(badge.inner_text() or 0)

        sign_in(author, live_server, "participant@demo.hub")
        author.goto(live_server + COHORT + "/threads/new")
        author.get_by_label("Title").fill("Teach-back scripts in Spanish")
        author.get_by_label("Category").select_option(label="Ask the cohort")
        body = author.get_by_label("Message")
        body.fill("Does anyone have a script? ")
        body.press_sequentially("@aish", delay=30)
        option = author.get_by_role("option", name=re.compile("Aisha Bello"))
        option.wait_for()
        body.press("Enter")  # takes the highlighted suggestion
        assert "@aisha.bello " in body.input_value()
        body.press_sequentially("what did you use?", delay=5)
        author.get_by_role("button", name="Post thread").click()
        author.get_by_role("heading", level=1, name="Teach-back scripts in Spanish").wait_for()
        assert author.locator(".prose a[href^='/people/']", has_text="@aisha.bello").count() == 1

        # The reader's badge changes without a reload, announced to screen readers.
        # A locator wait, not wait_for_function: the strict CSP refuses eval'd predicates.
        badge_text = re.compile(r"^" + str(before + 1) + r"$")
        reader.locator("#notification-count", has_text=badge_text).wait_for()

        reader.locator("a.bell").click()
        reader.get_by_role("link", name=re.compile("mentioned you in “Teach-back scripts in Spanish”")).click()
        reader.get_by_role("heading", level=1, name="Teach-back scripts in Spanish").wait_for()
        reader.get_by_label("Your reply").fill("We use the AHRQ teach-back guide, translated with our promotoras.")
        reader.get_by_role("button", name="Post reply").click()
        reader.locator(".post", has_text="AHRQ teach-back guide").wait_for()

        author.reload()
        author.locator(".post", has_text="AHRQ teach-back guide").wait_for()
        author.locator("#post-1").get_by_role("link", name="Edit").click()
        author.get_by_label("Message").fill("Does anyone have a Spanish teach-back script for insulin?")
        author.get_by_role("button", name="Save changes").click()
        author.locator("#post-1").get_by_role("link", name="History").click()
        author.get_by_role("heading", level=1, name="Edit history").wait_for()
        assert author.locator("del", has_text="Does anyone have a script?").count() == 1
        assert author.locator("ins", has_text="Spanish teach-back script for insulin").count() == 1

        reader.goto(live_server + "/latest")
        for page in (author, reader):
            serious = [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]
            assert serious == [], serious
    finally:
        author_ctx.close()
        reader_ctx.close()


def test_a_thread_page_is_accessible_and_keeps_a_refused_reply(page, live_server):
    sign_in(page, live_server, "participant@demo.hub")
    page.goto(live_server + COHORT + "/forum")
    page.get_by_role("link", name="Introduce your team").click()
    page.get_by_role("heading", level=1, name="Introduce your team").wait_for()
    serious = [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]
    assert serious == [], serious
    page.get_by_label("Your reply").fill("Looping in @carmen.villanueva who cannot see it")
    page.get_by_role("button", name="Post reply").click()
    page.get_by_role("alert").wait_for()
    assert "Carmen Villanueva" in page.get_by_role("alert").inner_text()  # named: the Action Community's
    assert "@carmen.villanueva who cannot see it" in page.get_by_label("Your reply").input_value()


def test_quote_reply_takes_the_selection_or_asks_for_the_whole_post(page, live_server):
    sign_in(page, live_server, "participant@demo.hub")
    page.goto(live_server + COHORT + "/forum")
    page.get_by_role("link", name="Introduce your team").click()
    maria = page.locator("#post-2")
    reply = page.get_by_label("Your reply")
    reply.fill("")
    maria.get_by_role("button", name="Quote").click()  # nothing selected: the post's source, fetched
    expect(reply).to_have_value(re.compile(r"\[/quote\]"))
    quoted = reply.input_value()
    assert re.match(r"^\[quote=\d+\]\n", quoted)
    assert "**Riverside Diabetes Equity Team**" in quoted and "Our gap" in quoted  # the Markdown, not the page text
    assert "data-source" not in page.content()  # the page no longer carries every source twice

    reply.fill("")
    maria.locator(".prose strong").select_text()  # only the team's name
    maria.get_by_role("button", name="Quote").click()
    expect(reply).to_have_value(re.compile(r"\[/quote\]"))
    quoted = reply.input_value()
    assert "Riverside Diabetes Equity Team" in quoted and "Our gap" not in quoted
    assert quoted.count("[quote=") == 1
    page.locator(".composer textarea:focus").wait_for()  # ready to write under the quote


def test_two_quotes_posted_from_the_browser_publish_as_quotes_and_survive_an_edit(page, live_server):
    """Issue 17: browsers send a textarea's line endings as CRLF, and the quote parser read LF only,
    so a quote-reply published its raw [quote] markup, two quotes were refused, and saving an edit
    turned a quote back into text."""
    sign_in(page, live_server, "participant@demo.hub")
    page.goto(live_server + COHORT + "/forum")
    page.get_by_role("link", name="Introduce your team").click()
    reply = page.get_by_label("Your reply")
    reply.fill("")
    page.locator("#post-1").get_by_role("button", name="Quote").click()
    expect(reply).to_have_value(re.compile(r"\[/quote\]"))
    page.locator("#post-2").get_by_role("button", name="Quote").click()
    expect(reply).to_have_value(re.compile(r"\[/quote\][\s\S]*\[/quote\]"))
    reply.press("End")
    reply.type("\nBoth of these, yes.")
    page.get_by_role("button", name="Post reply").click()
    mine = page.locator("li.post").last
    expect(mine.locator(".prose")).to_contain_text("Both of these, yes.")
    assert mine.locator(".prose blockquote a", has_text="wrote:").count() == 2
    assert "[quote=" not in mine.locator(".prose").inner_text()
    mine.get_by_role("link", name="Edit").click()
    page.get_by_role("button", name="Save changes").click()
    mine = page.locator("li.post").last
    expect(mine.locator(".prose")).to_contain_text("Both of these, yes.")
    assert mine.locator(".prose blockquote a", has_text="wrote:").count() == 2
    assert "[quote=" not in mine.locator(".prose").inner_text()
