"""The library in a real browser: a participant submits an idea with a PDF, a facilitator approves
it and adds it to a featured collection, another team records "we tried this", the author's
later edit waits for review and is approved (axe on every page on the way). Then every hostile file from ../shared/testdata/xss/upload-files/ is uploaded,
and each one that is accepted is opened in the browser: nothing runs, and nothing is in our origin."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from hub.library.demo_pdf import make_pdf
from tests.browser.conftest import ROOT, run_axe, sign_in

pytestmark = pytest.mark.browser
COHORT = "/spaces/learning-network-2026-2027"
HOSTILE = ROOT.parent / "shared" / "testdata" / "xss" / "upload-files"


def _axe_clean(page):
    serious = [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]
    assert serious == [], (page.url, serious)


def test_submit_approve_collect_and_we_tried_this(browser, live_server, tmp_path):
    pdf = tmp_path / "huddle-checklist.pdf"
    pdf.write_bytes(make_pdf("Interpreter huddle checklist", ["Who needs an interpreter today?"]))
    contexts = [browser.new_context() for _ in range(3)]
    pat, fay, aisha = (c.new_page() for c in contexts)
    for page in (pat, fay, aisha):
        page.set_default_timeout(10_000)
    try:
        sign_in(pat, live_server, "participant@demo.hub")
        pat.goto(live_server + COHORT + "/library")
        _axe_clean(pat)
        pat.get_by_role("link", name="Add a resource").click()
        pat.get_by_role("button", name="Submit for review").click()  # empty: refused, per field
        pat.get_by_role("alert").wait_for()
        assert "Title is required" in pat.get_by_role("alert").inner_text()
        _axe_clean(pat)
        pat.get_by_label("Title").fill("Interpreter huddle before clinic")
        pat.get_by_label("Kind").select_option(label="Change idea")
        pat.get_by_label("Summary").fill("Five minutes each morning: who needs an interpreter, and is one booked?")
        pat.get_by_label("Make equity a strategic priority").check()
        pat.get_by_label("Attach a file (optional)").set_input_files(str(pdf))
        pat.get_by_role("button", name="Submit for review").click()
        pat.get_by_role("heading", level=1, name="Interpreter huddle before clinic").wait_for()
        assert pat.get_by_text("Waiting for review").count() >= 1
        assert pat.get_by_role("link", name="huddle-checklist.pdf").count() == 1
        _axe_clean(pat)

        sign_in(fay, live_server, "facilitator@demo.hub")
        fay.goto(live_server + COHORT + "/library/review")
        fay.get_by_role("link", name="Interpreter huddle before clinic").click()
        fay.get_by_label("Note to the author").fill("Lovely and practical.")
        _axe_clean(fay)
        fay.get_by_role("button", name="Approve").click()
        fay.get_by_role("heading", level=1, name=re.compile("Review queue")).wait_for()
        fay.goto(live_server + COHORT + "/library")
        fay.get_by_role("link", name="Interpreter huddle before clinic").first.click()
        fay.get_by_label("Add to collection").select_option(
            label="Starter kit: stratifying your data by race, ethnicity and language (Learning Network 2026–2027)")
        fay.get_by_role("button", name="Add", exact=True).click()
        fay.get_by_role("heading", level=1, name=re.compile("Starter kit")).wait_for()
        assert fay.get_by_text("Featured").count() >= 1
        assert fay.get_by_role("link", name="Interpreter huddle before clinic").count() == 1
        _axe_clean(fay)

        sign_in(aisha, live_server, "aisha.bello@demo.hub")  # the Mesa Valley team, same cohort
        aisha.goto(live_server + COHORT)
        aisha.get_by_role("link", name="Interpreter huddle before clinic").click()  # pinned on the cohort home
        aisha.get_by_role("link", name="We tried this").click()
        aisha.get_by_label("When you started").fill("2026-06-01")
        aisha.get_by_label("What you changed").fill("A huddle on the postpartum unit at shift change.")
        aisha.get_by_label("Result so far").fill("No missed interpreters in three weeks.")
        _axe_clean(aisha)
        aisha.get_by_role("button", name="Save").click()
        tried = aisha.locator("#tried")
        tried.get_by_text("Mesa Valley Maternal Health Team").wait_for()
        assert "We tried this: 1 team" in tried.inner_text()
        _axe_clean(aisha)

        # The author edits the published idea: it waits for review, readers keep the approved text.
        pat.goto(live_server + "/library")
        pat.get_by_role("link", name="Interpreter huddle before clinic").first.click()
        pat.get_by_role("link", name="Edit", exact=True).click()
        pat.get_by_role("note").wait_for()
        _axe_clean(pat)
        pat.get_by_label("Summary").fill("Five minutes each morning, and a second check at noon.")
        pat.get_by_role("button", name="Send the edit for review").click()
        pat.locator("#proposed-edit").get_by_text("Your edit is waiting").wait_for()
        _axe_clean(pat)
        aisha.reload()
        assert "second check at noon" not in aisha.locator("main").inner_text()
        fay.goto(live_server + COHORT + "/library/review")
        fay.get_by_role("link", name="Interpreter huddle before clinic").click()
        proposal = fay.locator("#proposed-edit")
        proposal.get_by_text("second check at noon").wait_for()
        _axe_clean(fay)
        proposal.get_by_role("button", name="Approve the edit").click()
        fay.get_by_role("heading", level=1, name=re.compile("Review queue")).wait_for()
        aisha.reload()
        aisha.get_by_text("second check at noon").wait_for()

        # The author heard about each step.
        pat.goto(live_server + "/notifications")
        text = pat.locator("main").inner_text()
        assert "was approved" in text and "Mesa Valley Maternal Health Team tried" in text
        assert "Your edit to “Interpreter huddle before clinic” was approved" in text
    finally:
        for context in contexts:
            context.close()


def test_no_hostile_upload_runs_in_the_sites_origin(page, live_server):
    sign_in(page, live_server, "facilitator@demo.hub")
    page.goto(live_server + "/library")
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    headers = {"X-CSRFToken": token}
    commons = page.request.get(live_server + "/api/v1/spaces").json()["items"]
    space_id = next(s["id"] for s in commons if s["slug"] == "commons")
    made = page.request.post(f"{live_server}/api/v1/spaces/{space_id}/resources", headers=headers,
                             data={"title": "Upload probe", "summary": "Hostile files"})
    assert made.status == 201
    resource_id = made.json()["id"]
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    served, refused = [], []
    from tests.helpers.library import needs_corpus
    needs_corpus()
    for path in sorted(p for p in HOSTILE.iterdir() if p.is_file()):
        response = page.request.post(f"{live_server}/api/v1/resources/{resource_id}/files", headers=headers,
                                     multipart={"file": {"name": path.name, "mimeType": "text/html",
                                                         "buffer": path.read_bytes()}})
        assert response.status in (201, 422), (path.name, response.status)
        if response.status == 422:
            refused.append(path.name)
            continue
        stored = response.json()
        served.append(path.name)
        for url in (f"{live_server}/library/files/{stored['id']}", f"{live_server}/api/v1/files/{stored['id']}"):
            answer = page.goto(url)
            assert answer.headers["content-security-policy"] == "default-src 'none'; sandbox"
            assert answer.headers["x-content-type-options"] == "nosniff"
            assert answer.headers["content-type"].startswith("image/")
            # A sandboxed document has an opaque origin: even a script could not reach the site.
            assert page.evaluate("self.origin") == "null", path.name
    assert len(served) + len(refused) == 16
    assert all(name.endswith((".svg", ".htm", ".xht", ".xhtml", ".xml", ".svgz")) for name in refused)
    # Back on a page of the site, nothing from the files ran in our origin either.
    page.goto(live_server + f"/resources/{resource_id}")
    assert dialogs == []
    assert page.evaluate("document.cookie.includes('pwned')") is False
    # A non-image never opens in the browser: it downloads.
    page.request.post(f"{live_server}/api/v1/resources/{resource_id}/files", headers=headers,
                      multipart={"file": {"name": "notes.txt", "mimeType": "text/html", "buffer": b"Just notes\n"}})
    page.reload()
    with page.expect_download() as download:
        page.locator("#files").get_by_role("link", name="notes.txt").click()
    assert download.value.suggested_filename == "notes.txt"
    assert Path(download.value.path()).read_bytes() == b"Just notes\n"


def test_an_open_resource_leaves_the_screen_when_it_moves_out_of_reach(browser, live_server):
    mover_ctx, reader_ctx = browser.new_context(), browser.new_context()
    mover, reader = mover_ctx.new_page(), reader_ctx.new_page()
    for page in (mover, reader):
        page.set_default_timeout(10_000)
    try:
        sign_in(mover, live_server, "facilitator@demo.hub")
        mover.goto(live_server + "/library")
        headers = {"X-CSRFToken": mover.locator('meta[name="csrf-token"]').get_attribute("content")}
        spaces = mover.request.get(live_server + "/api/v1/spaces?limit=100").json()["items"]
        commons = next(s["id"] for s in spaces if s["slug"] == "commons")
        mesa = next(s["id"] for s in spaces if s["name"] == "Mesa Valley Maternal Health Team")
        made = mover.request.post(f"{live_server}/api/v1/spaces/{commons}/resources", headers=headers,
                                  data={"title": "About to move", "summary": "Watch it go"}).json()

        sign_in(reader, live_server, "participant@demo.hub")  # Riverside, not Mesa Valley
        reader.goto(f"{live_server}/resources/{made['id']}")
        reader.get_by_role("heading", level=1, name="About to move").wait_for()
        reader.locator("body[data-socket='connected']").wait_for(state="attached")
        moved = mover.request.patch(f"{live_server}/api/v1/resources/{made['id']}", headers=headers,
                                    data={"space_id": mesa})
        assert moved.status == 200
        reader.get_by_role("heading", level=1, name="Page not found").wait_for()
        assert reader.get_by_text("About to move").count() == 0
    finally:
        mover_ctx.close()
        reader_ctx.close()


def test_every_other_library_page_is_accessible(page, live_server):
    sign_in(page, live_server, "facilitator@demo.hub")
    page.goto(live_server + "/library")
    page.get_by_role("link", name="Stratifying your measures by race, ethnicity and language (REaL)").first.click()
    resource_url = page.url
    for url in ("/library", "/library?kind=tool&sort=helpful", "/library/components", COHORT + "/library/review",
                COHORT + "/collections/new", resource_url + "/history", resource_url + "/voters",
                resource_url + "/edit", COHORT):
        page.goto(url if url.startswith("http") else live_server + url)
        page.locator("h1").first.wait_for()
        _axe_clean(page)
