"""Edits to published resources: an author's edit waits in the facilitators' review queue while
everyone else keeps the approved version (text, details and files); facilitators approve, ask
for changes or decline it, as they do a submission; their own edits need no review. The API
twin behaves the same."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hub.extensions import db
from hub.library import services as library
from hub.library.models import Resource, ResourceEdit, ResourceFile
from hub.notify.models import Notification
from tests.helpers import api_write
from tests.helpers.library import Upload
from tests.helpers import signed_in
from tests.helpers.library import form_post, make_resource


@pytest.fixture
def published(app, world):
    """Pat's change idea in the cohort, approved by Fay, with a file."""
    with app.test_request_context():
        idea = make_resource(world.participant, world.cohort.space, "Interpreter huddle", body="Five minutes.",
                             url="https://example.org/huddle")
        library.add_file(world.participant, idea, Upload(b"Huddle checklist, first edition\n", "checklist.txt"))
        library.review(world.facilitator, idea, "approve")
    db.session.refresh(idea)
    assert idea.status == "published"
    return idea


def edit_fields(**changes) -> dict:
    fields = {"title": "Interpreter huddle", "summary": "Summary of Interpreter huddle", "body": "Five minutes.",
              "kind": "tool", "url": "https://example.org/huddle", "tags": "", "adapted_from_id": ""}
    return {**fields, **changes}


def notes(person, kind: str) -> list[str]:
    return list(db.session.scalars(select(Notification.text).where(Notification.user_id == person.id,
                                                                   Notification.kind == kind)
                                   .order_by(Notification.id)))


def found(client, words: str) -> list[str]:
    return [hit["url"] for hit in client.get("/api/v1/search", query_string={"q": words}).get_json()["items"]]


def queue(client, space) -> str:
    return client.get(f"/spaces/{space.slug}/library/review").get_data(as_text=True)


def test_an_authors_edit_waits_for_review_while_everyone_keeps_the_approved_version(app, world, published):
    pat, tess, fay = signed_in(app, world.participant), signed_in(app, world.teammate), signed_in(app, world.facilitator)
    rid, cohort = published.id, world.cohort.space
    form = pat.get(f"/resources/{rid}/edit").get_data(as_text=True)
    assert "Your changes go to a facilitator for review" in form and "Send the edit for review" in form
    sent = form_post(pat, f"/resources/{rid}/edit", edit_fields(
        title="Interpreter huddle, bilingual", body="Five minutes.\nIn Spanish too.", url="https://example.net/evil"))
    assert sent.status_code == 302

    # Readers: the approved version, in the page, the listing, the API and search.
    page = tess.get(f"/resources/{rid}").get_data(as_text=True)
    assert "<h1>Interpreter huddle</h1>" in page and "bilingual" not in page and "example.net" not in page
    assert "Proposed edit" not in page
    assert "bilingual" not in tess.get(f"/spaces/{cohort.slug}/library").get_data(as_text=True)
    api = tess.get(f"/api/v1/resources/{rid}").get_json()
    assert (api["title"], api["url"], api["version"], api["pending_edit"]) == (
        "Interpreter huddle", "https://example.org/huddle", 1, None)
    assert found(tess, "bilingual") == [] and found(tess, "huddle") == [f"/resources/{rid}"]

    # The author sees their edit waiting, with what it changes; the facilitators have it queued.
    mine = pat.get(f"/resources/{rid}").get_data(as_text=True)
    assert "<h1>Interpreter huddle</h1>" in mine and "Your edit is waiting for a facilitator" in mine
    assert "+ Interpreter huddle, bilingual" in mine and "+ In Spanish too." in mine and "https://example.net/evil" in mine
    assert "Edits to published resources" in queue(fay, cohort) and f"/resources/{rid}#proposed-edit" in queue(fay, cohort)
    review_page = fay.get(f"/resources/{rid}").get_data(as_text=True)
    assert "Pat Participant proposed this edit" in review_page and "Approve the edit" in review_page
    assert notes(world.facilitator, "library_edit_review_requested") == [
        "Pat Participant proposed an edit to “Interpreter huddle” for review"]
    assert "Pat Participant proposed an edit to “Interpreter huddle” for review" in [
        n["text"] for n in fay.get("/api/v1/notifications").get_json()["items"]]
    assert len(notes(world.participant, "library_edit_submitted")) == 1

    # A second edit carries on from the first: one edit, asked about once.
    form = pat.get(f"/resources/{rid}/edit").get_data(as_text=True)
    assert 'value="Interpreter huddle, bilingual"' in form
    form_post(pat, f"/resources/{rid}/edit", edit_fields(title="Interpreter huddle, bilingual",
                                                         body="Five minutes.\nIn Spanish and Tagalog too."))
    assert db.session.query(ResourceEdit).count() == 1
    assert len(notes(world.facilitator, "library_edit_review_requested")) == 1

    # Changes requested: the note reaches the author; editing again sends it back.
    refused = form_post(fay, f"/resources/{rid}/edit-review", {"decision": "request_changes", "note": ""})
    assert refused.status_code == 422 and "Note to the author is required" in refused.get_data(as_text=True)
    form_post(fay, f"/resources/{rid}/edit-review", {"decision": "request_changes", "note": "Name the languages"})
    mine = pat.get(f"/resources/{rid}").get_data(as_text=True)
    assert "asked for changes to this edit" in mine and "Name the languages" in mine
    assert "Edits to published resources" not in queue(fay, cohort)
    form_post(pat, f"/resources/{rid}/edit", edit_fields(title="Interpreter huddle, bilingual",
                                                         body="Five minutes.\nIn Spanish and Tagalog."))
    assert len(notes(world.facilitator, "library_edit_review_requested")) == 2

    # Approved: now everyone's, as the next version, credited to its author.
    assert form_post(fay, f"/resources/{rid}/edit-review", {"decision": "approve"}).status_code == 302
    page = tess.get(f"/resources/{rid}").get_data(as_text=True)
    assert "<h1>Interpreter huddle, bilingual</h1>" in page and "In Spanish and Tagalog." in page
    assert "Proposed edit" not in pat.get(f"/resources/{rid}").get_data(as_text=True)
    history = tess.get(f"/api/v1/resources/{rid}/versions").get_json()["items"]
    assert [(v["number"], v["editor"]["name"]) for v in history] == [(1, "Pat Participant"), (2, "Pat Participant")]
    assert "Nothing is waiting for review" in queue(fay, cohort)
    assert found(tess, "bilingual") == [f"/resources/{rid}"]
    # "Please review" stays only while there is something to review, like a submission's.
    shown = [n["text"] for n in fay.get("/api/v1/notifications").get_json()["items"]]
    assert not any("proposed an edit" in text for text in shown)
    assert notes(world.participant, "library_edit_review") == [
        "A facilitator asked for changes to your edit of “Interpreter huddle”.",
        "Your edit to “Interpreter huddle, bilingual” was approved and is now in the library."]


def test_declining_keeps_the_approved_version_and_the_edit_for_its_author(app, world, published):
    pat, tess, fay = signed_in(app, world.participant), signed_in(app, world.teammate), signed_in(app, world.facilitator)
    rid = published.id
    form_post(pat, f"/resources/{rid}/edit", edit_fields(summary="Rewritten summary"))
    form_post(pat, f"/resources/{rid}/files", {}, {"file": (b"Second edition\n", "checklist-2.txt")})
    pending = db.session.scalar(select(ResourceFile).where(ResourceFile.filename == "checklist-2.txt"))
    form_post(fay, f"/resources/{rid}/edit-review", {"decision": "decline", "note": "Keep the original wording"})
    page = tess.get(f"/resources/{rid}").get_data(as_text=True)
    assert "Summary of Interpreter huddle" in page and "Rewritten summary" not in page
    mine = pat.get(f"/resources/{rid}").get_data(as_text=True)
    assert "Your proposed edit was declined" in mine and "Keep the original wording" in mine
    assert "- Summary of Interpreter huddle" in mine and "+ Rewritten summary" in mine
    assert "Proposed edit" not in tess.get(f"/resources/{rid}").get_data(as_text=True)
    # The declined edit's file stays with its author and the facilitators, never the readers.
    assert pat.get(f"/library/files/{pending.id}").data == b"Second edition\n"
    assert tess.get(f"/library/files/{pending.id}").status_code == 404
    assert "checklist-2.txt" not in tess.get(f"/resources/{rid}/history").get_data(as_text=True)
    assert "checklist-2.txt" in fay.get(f"/resources/{rid}/history").get_data(as_text=True)
    assert "proposed in an edit, not taken" in pat.get(f"/resources/{rid}/history").get_data(as_text=True)
    form_post(fay, f"/library/files/{pending.id}/remove", {"action": "erase"})  # moderators free the quota
    assert pat.get(f"/library/files/{pending.id}").status_code == 404
    # Editing again starts from the approved text.
    assert 'Summary of Interpreter huddle</textarea>' in pat.get(f"/resources/{rid}/edit").get_data(as_text=True)


def test_file_changes_on_a_published_resource_wait_with_the_edit(app, world, published):
    pat, tess, fay = signed_in(app, world.participant), signed_in(app, world.teammate), signed_in(app, world.facilitator)
    rid = published.id
    first = db.session.scalar(select(ResourceFile).where(ResourceFile.resource_id == rid))
    with app.test_request_context():
        library.add_file(world.facilitator, published, Upload(b"Facilitator notes\n", "notes.txt"))  # direct
    notes_file = db.session.scalar(select(ResourceFile).where(ResourceFile.filename == "notes.txt"))
    sent = form_post(pat, f"/resources/{rid}/files", {"replaces_id": str(first.id)},
                     {"file": (b"Huddle checklist, second edition, with zebra cues\n", "checklist.txt")})
    assert sent.headers["Location"].endswith("#proposed-edit")
    form_post(pat, f"/library/files/{notes_file.id}/remove", {})
    replacement = db.session.scalar(select(ResourceFile).where(ResourceFile.resource_id == rid)
                                    .order_by(ResourceFile.id.desc()))

    def current(client):
        return re.findall(r'href="/library/files/(\d+)">', client.get(f"/resources/{rid}").get_data(as_text=True)
                          .split('id="files"')[1].split("</section>")[0])
    assert current(tess) == [str(first.id), str(notes_file.id)]  # nothing changed for readers
    assert tess.get(f"/library/files/{replacement.id}").status_code == 404
    assert tess.get(f"/api/v1/resources/{rid}/files").get_json()["items"][0]["id"] != replacement.id
    assert found(tess, "zebra") == []
    review = fay.get(f"/resources/{rid}").get_data(as_text=True).split('id="proposed-edit"')[1].split("</section>")[0]
    assert "Files it adds" in review and "(replaces checklist.txt)" in review
    assert "Files it takes off" in review and "notes.txt" in review
    assert fay.get(f"/library/files/{replacement.id}").data == b"Huddle checklist, second edition, with zebra cues\n"
    assert notes(world.facilitator, "library_edit_review_requested") == [
        "Pat Participant proposed an edit to “Interpreter huddle” for review"]

    form_post(fay, f"/resources/{rid}/edit-review", {"decision": "approve"})
    assert current(tess) == [str(replacement.id)]
    assert tess.get(f"/library/files/{replacement.id}").data == b"Huddle checklist, second edition, with zebra cues\n"
    assert tess.get(f"/library/files/{first.id}").data == b"Huddle checklist, first edition\n"  # earlier, kept
    assert found(tess, "zebra") == [f"/resources/{rid}"]


def test_a_withdrawn_file_and_an_edit_back_to_the_approved_text_leave_nothing_to_review(app, world, published):
    pat, tess, fay = signed_in(app, world.participant), signed_in(app, world.teammate), signed_in(app, world.facilitator)
    rid = published.id
    form_post(pat, f"/resources/{rid}/edit", edit_fields(summary="A new summary"))
    assert db.session.query(ResourceEdit).count() == 1
    form_post(pat, f"/resources/{rid}/edit", edit_fields())  # back to the approved text
    assert db.session.query(ResourceEdit).count() == 0
    assert "Nothing is waiting for review" in queue(fay, world.cohort.space)
    assert "Proposed edit" not in pat.get(f"/resources/{rid}").get_data(as_text=True)
    # A file sent with an edit, then withdrawn, is kept with its author, and the edit closes.
    form_post(pat, f"/resources/{rid}/edit", edit_fields(summary="With a file"))
    form_post(pat, f"/resources/{rid}/files", {}, {"file": (b"Draft sheet\n", "sheet.txt")})
    sheet = db.session.scalar(select(ResourceFile).where(ResourceFile.filename == "sheet.txt"))
    form_post(pat, f"/library/files/{sheet.id}/remove", {})
    assert "sheet.txt" not in pat.get(f"/resources/{rid}").get_data(as_text=True).split('id="files"')[0]
    form_post(pat, f"/resources/{rid}/edit", edit_fields())
    assert db.session.scalar(select(ResourceEdit.status)) == "withdrawn"
    assert "Nothing is waiting for review" in queue(fay, world.cohort.space)
    assert pat.get(f"/library/files/{sheet.id}").data == b"Draft sheet\n"
    assert tess.get(f"/library/files/{sheet.id}").status_code == 404


def test_curators_edit_published_resources_directly(app, world, published):
    fay, tess = signed_in(app, world.facilitator), signed_in(app, world.teammate)
    rid = published.id
    form = fay.get(f"/resources/{rid}/edit").get_data(as_text=True)
    assert "Save changes" in form and "go to a facilitator for review" not in form
    form_post(fay, f"/resources/{rid}/edit", edit_fields(title="Interpreter huddle (edited by Fay)"))
    assert "<h1>Interpreter huddle (edited by Fay)</h1>" in tess.get(f"/resources/{rid}").get_data(as_text=True)
    assert db.session.query(ResourceEdit).count() == 0
    with app.test_request_context():
        library.add_file(world.facilitator, published, Upload(b"Straight in\n", "direct.txt"))
    direct = db.session.scalar(select(ResourceFile).where(ResourceFile.filename == "direct.txt"))
    assert direct.edit_id is None and tess.get(f"/library/files/{direct.id}").data == b"Straight in\n"
    # An author's edit still waiting is reviewed against what the library shows now.
    pat = signed_in(app, world.participant)
    form_post(pat, f"/resources/{rid}/edit", edit_fields(title="Interpreter huddle, by Pat"))
    review = fay.get(f"/resources/{rid}").get_data(as_text=True)
    assert "- Interpreter huddle (edited by Fay)" in review and "+ Interpreter huddle, by Pat" in review


def test_the_api_twin_holds_the_edit_and_its_review(app, world, published):
    pat, tess, fay = signed_in(app, world.participant), signed_in(app, world.teammate), signed_in(app, world.facilitator)
    olu = signed_in(app, world.outsider)
    rid, cohort = published.id, world.cohort.space
    held = api_write(pat, "PATCH", f"/api/v1/resources/{rid}", {"title": "API-edited huddle", "tags": ["language"]})
    assert held.status_code == 202
    body = held.get_json()
    assert (body["title"], body["tags"], body["version"]) == ("Interpreter huddle", [], 1)
    pending = body["pending_edit"]
    assert (pending["status"], pending["title"], pending["tags"], pending["changed_fields"]) == (
        "submitted", "API-edited huddle", ["language"], ["tags"])
    assert {"kind": "added", "line": "API-edited huddle"} in pending["diff"]
    assert tess.get(f"/api/v1/resources/{rid}").get_json()["pending_edit"] is None
    assert tess.get(f"/api/v1/resources/{rid}").get_json()["title"] == "Interpreter huddle"
    items = fay.get(f"/api/v1/spaces/{cohort.id}/review-queue").get_json()["items"]
    assert [(i["id"], i["review"], i["edit_id"]) for i in items] == [(rid, "edit", pending["id"])]
    # Only the space's moderators review it; for someone who cannot see it, it does not exist.
    assert api_write(pat, "POST", f"/api/v1/resources/{rid}/edit-review", {"decision": "approve"}).status_code == 403
    assert api_write(tess, "POST", f"/api/v1/resources/{rid}/edit-review", {"decision": "approve"}).status_code == 404
    assert api_write(olu, "POST", f"/api/v1/resources/{rid}/edit-review", {"decision": "approve"}).status_code == 404
    bad = api_write(fay, "POST", f"/api/v1/resources/{rid}/edit-review", {"decision": "maybe"})
    assert bad.status_code == 422 and "decision" in bad.get_json()["error"]["fields"]
    approved = api_write(fay, "POST", f"/api/v1/resources/{rid}/edit-review", {"decision": "approve"})
    assert approved.status_code == 200
    assert (approved.get_json()["title"], approved.get_json()["version"]) == ("API-edited huddle", 2)
    assert tess.get(f"/api/v1/resources/{rid}").get_json()["tags"] == ["language"]
    # Nothing is left to review; a curator's own PATCH is applied at once.
    assert api_write(fay, "POST", f"/api/v1/resources/{rid}/edit-review", {"decision": "approve"}).status_code == 404
    direct = api_write(fay, "PATCH", f"/api/v1/resources/{rid}", {"summary": "Fay's summary"})
    assert direct.status_code == 200 and direct.get_json()["summary"] == "Fay's summary"
    assert direct.get_json()["pending_edit"] is None


def test_an_edit_before_publication_needs_no_second_review(app, world):
    """Drafts and submissions are not in the library yet: their author edits them freely."""
    with app.test_request_context():
        idea = make_resource(world.participant, world.cohort.space, "Still a submission")
    pat = signed_in(app, world.participant)
    form_post(pat, f"/resources/{idea.id}/edit", edit_fields(title="Still a submission, edited"))
    db.session.refresh(idea)
    assert (idea.title, idea.status) == ("Still a submission, edited", "submitted")
    assert db.session.query(ResourceEdit).count() == 0
    assert db.session.scalar(select(Resource.version).where(Resource.id == idea.id)) == 2


def test_an_edit_note_is_judged_private_by_where_its_resource_is_now(app, world, published):
    """Emails carry words only from community and cohort spaces, judged at sending: a resource
    moved into a team space after an edit was proposed makes that edit's note private."""
    from hub.notify.email import is_private
    pat = signed_in(app, world.participant)
    form_post(pat, f"/resources/{published.id}/edit", edit_fields(title="Interpreter huddle, bilingual"))
    note = db.session.scalar(select(Notification).where(Notification.user_id == world.facilitator.id,
                                                        Notification.kind == "library_edit_review_requested"))
    assert note.subject_type == "resource_edit" and not is_private(note), "a cohort resource: its words may go"
    with app.test_request_context():
        library.move(world.admin, published, world.team.space)
    db.session.commit()
    assert note.space_id == world.cohort.space.id, "the note still names the space it was written in"
    assert is_private(note), "now in a team space: a count and a link only"
