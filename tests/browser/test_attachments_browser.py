"""Profile pictures and attachments in a real browser (issue 17, items 13 and 14). Pat uploads a
profile picture and sees it beside their name in the directory; pastes a photo and drops a PDF
into a reply, takes a wrong file off again, and posts: Maria sees the photo inline (resized, our
own encoding) and the PDF to download, with Pat's picture beside the post. In chat, Pat drops a
photo into the message box and sends it; it reaches Maria live, shown inline, with Pat's picture.
Without JavaScript, the visible file input attaches a file to a reply. axe on every page."""
from __future__ import annotations

import base64
import io
import re

import pytest
from PIL import Image

from hub.library.demo_pdf import make_pdf
from tests.browser.conftest import run_axe, sign_in
from tests.helpers.pictures import halves, phone_jpeg

pytestmark = pytest.mark.browser
THREAD = "Agenda for Thursday's huddle"  # the Riverside team's thread (hub/seed_forums.py)

# Put files on a page as a person's paste or drop would: a DataTransfer holding them, sent with the
# event to the element (its type is the event's: "paste" goes as clipboardData).
DISPATCH = """([selector, kind, files]) => {
    const transfer = new DataTransfer();
    for (const [name, type, b64] of files) {
        const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
        transfer.items.add(new File([bytes], name, {type}));
    }
    const target = document.querySelector(selector);
    const event = kind === "paste"
        ? new ClipboardEvent("paste", {clipboardData: transfer, bubbles: true, cancelable: true})
        : new DragEvent(kind, {dataTransfer: transfer, bubbles: true, cancelable: true});
    target.dispatchEvent(event);
    return event.defaultPrevented;
}"""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _axe_clean(page):
    serious = [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]
    assert serious == [], (page.url, serious)


def _loaded(locator) -> bool:
    """The picture has loaded (brought into view first: pictures in posts load lazily)."""
    locator.scroll_into_view_if_needed()
    return locator.evaluate("""img => (img.complete && img.naturalWidth > 0) || new Promise(done => {
        img.addEventListener("load", () => done(img.naturalWidth > 0));
        img.addEventListener("error", () => done(false));
    })""")


def _open_thread(page, base):
    page.goto(base + "/latest")
    page.get_by_role("link", name=THREAD).first.click()
    page.get_by_role("heading", level=1, name=THREAD).wait_for()


def _open_huddle(page, base):
    page.goto(base + "/chat")
    page.locator(".chat-sidebar a", has_text="huddle").click()
    page.get_by_role("heading", level=1, name="# huddle").wait_for()
    page.locator("body[data-chat='connected']").wait_for(state="attached")


def test_profile_picture_then_paste_and_drop_into_a_reply_and_a_chat_message(browser, live_server, tmp_path):
    portrait = tmp_path / "portrait.jpg"
    portrait.write_bytes(phone_jpeg(halves((900, 600))))
    contexts = [browser.new_context(), browser.new_context()]
    pat, maria = (c.new_page() for c in contexts)
    for page in (pat, maria):
        page.set_default_timeout(10_000)
    try:
        sign_in(pat, live_server, "participant@demo.hub")
        pat.goto(live_server + "/settings/profile")
        assert pat.locator(".picture-now .avatar[role='img']").inner_text() == "PP"  # initials first
        _axe_clean(pat)
        pat.get_by_label("Choose a picture").set_input_files(str(portrait))
        pat.get_by_role("button", name="Upload picture").click()
        pat.get_by_text("Your profile picture is saved.").wait_for()
        mine = pat.get_by_role("img", name="Your profile picture")
        assert _loaded(mine) and mine.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [256, 256]
        _axe_clean(pat)
        pat.goto(live_server + "/people?q=Pat")
        assert _loaded(pat.locator(".person-card img.avatar").first)

        _open_thread(pat, live_server)
        pat.locator(".attach-js-hint").wait_for()  # attach.js shows it once it hears pastes and drops
        photo = phone_jpeg(halves((2400, 1600)))
        assert pat.evaluate(DISPATCH, ["#f-body", "paste", [["image.png", "image/png", _b64(_png())]]])
        assert pat.evaluate(DISPATCH, ["#f-body", "drop", [["checklist.pdf", "application/pdf",
                                                             _b64(make_pdf("Checklist", ["Interpreter?"]))],
                                                            ["board.jpg", "image/jpeg", _b64(photo)]]])
        attached = pat.get_by_role("list", name="Attached")
        assert attached.get_by_role("listitem").count() == 3
        pat.get_by_role("button", name="Remove image.png").click()  # the wrong one
        assert attached.get_by_role("listitem").count() == 2
        assert pat.get_by_label("Attach pictures or files").evaluate("i => i.files.length") == 2
        pat.get_by_label("Your reply").fill("Our board and the checklist")
        pat.get_by_role("button", name="Post reply").click()
        post = pat.locator(".post", has_text="Our board and the checklist")
        post.wait_for()
        assert post.get_by_role("img", name="board.jpg").count() == 1
        assert post.get_by_role("link", name="checklist.pdf").count() == 1
        assert post.get_by_role("img", name="image.png").count() == 0

        sign_in(maria, live_server, "maria.hernández@demo.hub")
        _open_thread(maria, live_server)
        seen = maria.locator(".post", has_text="Our board and the checklist")
        board = seen.get_by_role("img", name="board.jpg")
        assert _loaded(board) and board.evaluate("img => img.naturalWidth") == 1600  # resized for the page
        assert _loaded(seen.locator("img.avatar"))  # Pat's picture beside the post
        download = seen.get_by_role("link", name="checklist.pdf")
        assert re.match(r"/posts/attachments/\d+$", download.get_attribute("href"))
        _axe_clean(maria)

        _open_huddle(pat, live_server)
        _open_huddle(maria, live_server)
        assert pat.evaluate(DISPATCH, ["#f-body", "drop", [["huddle.jpg", "image/jpeg", _b64(photo)]]])
        pat.get_by_label("Message").fill("Today's board")
        pat.get_by_label("Message").press("Enter")
        live = maria.locator("#chat-messages li.chat-message", has_text="Today's board")
        live.get_by_role("img", name="huddle.jpg").wait_for()
        assert _loaded(live.get_by_role("img", name="huddle.jpg"))
        assert _loaded(live.locator("img.avatar"))
        pat.locator("#chat-messages li.chat-message", has_text="Today's board").get_by_role("img", name="huddle.jpg") \
            .wait_for()
        assert pat.get_by_role("list", name="Attached").get_by_role("listitem").count() == 0  # sent, so emptied
        _axe_clean(maria)
    finally:
        for context in contexts:
            context.close()


def test_without_javascript_the_file_input_attaches_to_a_reply(browser, live_server, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("Bring the interpreter schedule.\n")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, live_server, "maria.hernández@demo.hub")
        _open_thread(page, live_server)
        page.get_by_label("Your reply").fill("Notes for Thursday")
        page.get_by_label("Attach pictures or files").set_input_files(str(notes))
        page.get_by_role("button", name="Post reply").click()
        post = page.locator(".post", has_text="Notes for Thursday")
        post.wait_for()
        link = post.get_by_role("link", name="notes.txt")
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == "notes.txt"
        assert open(download.value.path(), "rb").read() == b"Bring the interpreter schedule.\n"
    finally:
        context.close()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (30, 120, 60)).save(out, "PNG")
    return out.getvalue()
