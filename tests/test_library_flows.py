"""The library as people use it: submit, review, publish, curate, try, vote, discuss, edit and
keep versions, browse with filters. Pages are driven like a browser (forms with CSRF); the
API twin is checked on the same flows."""
from __future__ import annotations

import io
import re

from sqlalchemy import select

from hub.extensions import db
from hub.library import curation
from hub.library import services as library
from hub.library.demo_pdf import make_pdf
from hub.library.models import Adoption, Component, Resource, ResourceFile
from hub.notify.models import Notification
from tests.helpers import factories as f
from tests.helpers import api_write, csrf_token, signed_in
from tests.helpers.library import form_post, make_resource


def test_participant_submits_with_a_pdf_and_a_facilitator_reviews_it(app, world):
    curation.ensure_default_components()
    component = db.session.scalar(select(Component).order_by(Component.position))
    pat, fay = signed_in(app, world.participant), signed_in(app, world.facilitator)
    cohort = world.cohort.space
    response = form_post(pat, f"/spaces/{cohort.slug}/library/new", {
        "title": "Teach-back in Spanish", "summary": "A script our promotoras use.", "kind": "change_idea",
        "body": "1. Ask\n2. Listen", "tags": "teach-back, language", "component_ids": str(component.id),
        "population": "Spanish-speaking adults", "setting": "Primary care", "languages": "Spanish, English",
        "action": "submit"}, {"file": (make_pdf("Teach-back script", ["Ask the patient to explain"]), "script.pdf")})
    assert response.status_code == 302
    resource = db.session.scalar(select(Resource).where(Resource.title == "Teach-back in Spanish"))
    assert (resource.status, resource.library) == ("submitted", "idea")
    stored = db.session.scalar(select(ResourceFile).where(ResourceFile.resource_id == resource.id))
    assert stored.type_label == "pdf" and "Ask the patient to explain" in stored.extracted_text
    # Not in the library yet: the teammate cannot find it, the facilitator's queue has it.
    assert "Teach-back in Spanish" not in signed_in(app, world.teammate).get("/library").get_data(as_text=True)
    queue = fay.get(f"/spaces/{cohort.slug}/library/review").get_data(as_text=True)
    assert "Teach-back in Spanish" in queue

    # Changes requested: the note needs words; the author sees it and is told.
    refused = form_post(fay, f"/resources/{resource.id}/review", {"decision": "request_changes", "note": ""})
    assert refused.status_code == 422 and "Note to the author is required" in refused.get_data(as_text=True)
    form_post(fay, f"/resources/{resource.id}/review", {"decision": "request_changes", "note": "Add the English version"})
    page = pat.get(f"/resources/{resource.id}").get_data(as_text=True)
    assert "Add the English version" in page and "Changes requested" in page
    form_post(pat, f"/resources/{resource.id}/edit", {"title": "Teach-back in Spanish and English",
                                                      "summary": "A script our promotoras use, in two languages.",
                                                      "kind": "change_idea", "tags": "teach-back"})
    form_post(pat, f"/resources/{resource.id}/submit", {"space_id": str(cohort.id)})
    form_post(fay, f"/resources/{resource.id}/review", {"decision": "approve", "note": ""})
    db.session.refresh(resource)
    assert resource.status == "published" and resource.version == 2
    kinds = list(db.session.scalars(select(Notification.kind).where(Notification.user_id == world.participant.id)
                                    .order_by(Notification.id)))
    assert kinds == ["library_submitted", "library_review", "library_submitted", "library_review"]
    asked = list(db.session.scalars(select(Notification.text).where(Notification.kind == "library_review_requested",
                                                                    Notification.user_id == world.facilitator.id)))
    assert asked == ["Pat Participant submitted “Teach-back in Spanish” for review",
                     "Pat Participant submitted “Teach-back in Spanish and English” for review"]
    assert "Teach-back in Spanish and English" in signed_in(app, world.teammate).get("/library").get_data(as_text=True)
    history = pat.get(f"/resources/{resource.id}/history").get_data(as_text=True)
    assert "<del>" in history and "two languages" in history and "script.pdf" in history


def test_a_refused_form_keeps_what_was_typed_and_says_what_to_fix(app, world):
    pat = signed_in(app, world.participant)
    response = form_post(pat, f"/spaces/{world.cohort.space.slug}/library/new", {
        "title": "", "summary": "Kept summary words", "kind": "link", "url": "javascript:alert(1)",
        "population": "Kept population", "adapted_from_id": "999999", "action": "submit"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Title is required" in page and "Use a full http or https address" in page
    assert "Choose a published resource you can see" in page
    assert "Kept summary words" in page and 'value="Kept population"' in page
    assert db.session.scalar(select(Resource.id)) is None


def test_facilitators_publish_tools_directly_and_only_staff_keep_the_component_list(app, world):
    with app.test_request_context():
        tool = make_resource(world.facilitator, world.commons, "REaL data stratification guide")
    assert (tool.status, tool.library) == ("published", "tool")
    pat = signed_in(app, world.participant)
    assert pat.get("/library/components").status_code == 403
    fay = signed_in(app, world.facilitator)
    form_post(fay, "/library/components", {"name": "Measure what matters"})
    assert db.session.scalar(select(Component.name)) == "Measure what matters"
    refused = form_post(fay, "/library/components", {"name": "measure what MATTERS"})
    assert refused.status_code == 422 and "already a component" in refused.get_data(as_text=True)


def test_we_tried_this_counts_and_team_only_records(app, world):
    with app.test_request_context():
        tool = make_resource(world.facilitator, world.commons, "Interpreter huddle")
    pat, olu = signed_in(app, world.participant), signed_in(app, world.outsider)
    refused = form_post(pat, f"/resources/{tool.id}/tried", {"team_id": "", "tried_on": "someday",
                                                           "what_changed": "Kept words", "shared": "1"})
    assert refused.status_code == 422 and "Choose one of your teams" in refused.get_data(as_text=True)
    assert "Kept words" in refused.get_data(as_text=True)
    form_post(pat, f"/resources/{tool.id}/tried", {"team_id": str(world.team.id), "tried_on": "2026-03-01",
                                                 "what_changed": "Added a huddle before clinic", "shared": "1",
                                                 "result": "Fewer missed interpreters"})
    form_post(olu, f"/resources/{tool.id}/tried", {"team_id": str(world.other_team.id), "tried_on": "2026-04-01",
                                                 "what_changed": "Hospital-only experiment"})  # not shared
    assert db.session.query(Adoption).count() == 2
    as_pat = pat.get(f"/resources/{tool.id}").get_data(as_text=True)
    as_olu = olu.get(f"/resources/{tool.id}").get_data(as_text=True)
    assert "We tried this: 1 team</h2>" in as_pat and "Hospital-only experiment" not in as_pat
    assert "We tried this: 2 teams" in as_olu and "Hospital-only experiment" in as_olu
    fay_page = signed_in(app, world.facilitator).get(f"/resources/{tool.id}").get_data(as_text=True)
    assert "Hospital-only experiment" in fay_page  # coaches oversee team spaces
    # Sorting by most tried puts it first.
    with app.test_request_context():
        make_resource(world.facilitator, world.commons, "Newer, untried")
    listing = pat.get("/library?sort=tried").get_data(as_text=True)
    assert listing.index("Interpreter huddle") < listing.index("Newer, untried")
    listing = pat.get("/library?sort=newest").get_data(as_text=True)
    assert listing.index("Newer, untried") < listing.index("Interpreter huddle")
    notes = list(db.session.scalars(select(Notification.text).where(Notification.kind == "library_adopted")))
    assert notes == ["Clinic Team tried “Interpreter huddle”"]  # the team-only record told nobody


def test_helpful_votes_discussion_and_lineage(app, world):
    with app.test_request_context():
        tool = make_resource(world.facilitator, world.cohort.space, "Equity dashboard template")
    pat = signed_in(app, world.participant)
    form_post(pat, f"/resources/{tool.id}/vote", {})
    assert "Pat Participant" in pat.get(f"/resources/{tool.id}/voters").get_data(as_text=True)
    assert 'aria-pressed="true"' in pat.get(f"/resources/{tool.id}").get_data(as_text=True)
    response = form_post(pat, f"/resources/{tool.id}/discussion", {})
    thread_url = response.headers["Location"]
    again = form_post(pat, f"/resources/{tool.id}/discussion", {})
    assert again.headers["Location"] == thread_url  # one thread per resource
    thread_page = pat.get(thread_url).get_data(as_text=True)
    assert "Discussion: Equity dashboard template" in thread_page
    adapted = form_post(pat, f"/spaces/{world.cohort.space.slug}/library/new", {
        "title": "Dashboard for our clinic", "summary": "Ours", "kind": "tool", "adapted_from_id": str(tool.id),
        "action": "submit"})
    adaptation = db.session.scalar(select(Resource).where(Resource.title == "Dashboard for our clinic"))
    assert adapted.status_code == 302 and adaptation.adapted_from_id == tool.id
    with app.test_request_context():
        library.review(world.facilitator, adaptation, "approve")
    assert "Dashboard for our clinic" in pat.get(f"/resources/{tool.id}").get_data(as_text=True)
    assert "Equity dashboard template" in pat.get(f"/resources/{adaptation.id}").get_data(as_text=True)


def test_a_removed_members_helpful_vote_stops_counting_at_once(app, world):
    """The count on the page, the listing's counts, the order by most helpful (HTML and API) and
    the who-voted list agree with the policy: a vote counts while its voter may see the resource."""
    secret = world.secret
    leavers = [f.user("Lee Leaver"), f.user("Lou Leaver")]
    for person in leavers:
        f.join_space(person, secret)
    with app.test_request_context():
        popular = make_resource(world.facilitator, secret, "Popular with the leavers")
        steady = make_resource(world.facilitator, secret, "Steady favourite")
    for person in leavers:
        form_post(signed_in(app, person), f"/resources/{popular.id}/vote", {})
    form_post(signed_in(app, world.member), f"/resources/{steady.id}/vote", {})
    fay = signed_in(app, world.facilitator)

    def seen():
        page = fay.get(f"/resources/{popular.id}").get_data(as_text=True)
        count = re.search(r"(\d+) (?:person|people) found it helpful</a>", page).group(1)
        listing = fay.get(f"/spaces/{secret.slug}/library?sort=helpful").get_data(as_text=True)
        order = re.findall(r'class="resource-title"><a [^>]+>([^<]+)<', listing)
        api = fay.get(f"/api/v1/spaces/{secret.id}/resources?sort=helpful").get_json()["items"]
        voters = fay.get(f"/resources/{popular.id}/voters").get_data(as_text=True)
        return (int(count), order, [(r["title"], r["helpful"]) for r in api],
                fay.get(f"/api/v1/resources/{popular.id}").get_json()["helpful"], "Lee Leaver" in voters)

    assert seen() == (2, ["Popular with the leavers", "Steady favourite"],
                      [("Popular with the leavers", 2), ("Steady favourite", 1)], 2, True)
    for person in leavers:
        removed = form_post(fay, f"/spaces/{secret.slug}/members/{person.id}/remove", {"reason": "Left the group"})
        assert removed.status_code == 302
    assert seen() == (0, ["Steady favourite", "Popular with the leavers"],
                      [("Steady favourite", 1), ("Popular with the leavers", 0)], 0, False)
    # Their votes are kept: back in the group (full history), they count again.
    f.join_space(leavers[0], secret)
    assert seen()[0] == 1


def test_collections_are_ordered_featured_and_pinned_to_the_cohort_home(app, world):
    cohort = world.cohort.space
    with app.test_request_context():
        first = make_resource(world.facilitator, cohort, "Collect REaL data")
        second = make_resource(world.facilitator, cohort, "Stratify your measures")
    fay = signed_in(app, world.facilitator)
    response = form_post(fay, f"/spaces/{cohort.slug}/collections/new",
                         {"title": "Starter kit: stratifying your data", "featured": "1"})
    collection_url = response.headers["Location"]
    collection_id = int(collection_url.rsplit("/", 1)[1])
    for resource in (first, second):
        form_post(fay, f"/resources/{resource.id}/curate", {"action": "collect", "collection_id": str(collection_id)})
    form_post(fay, f"/collections/{collection_id}/items/{second.id}", {"action": "up"})
    form_post(fay, f"/collections/{collection_id}/pin", {"pinned": "1"})
    home = signed_in(app, world.participant).get(f"/spaces/{cohort.slug}").get_data(as_text=True)
    assert "Starter kit: stratifying your data" in home
    assert home.index("Stratify your measures") < home.index("Collect REaL data")
    form_post(fay, f"/resources/{first.id}/curate", {"action": "feature"})
    library_page = signed_in(app, world.participant).get(f"/spaces/{cohort.slug}/library").get_data(as_text=True)
    featured = library_page.split('id="featured-heading"')[1].split("</section>")[0]
    assert "Collect REaL data" in featured and "Stratify your measures" not in featured
    # Participants cannot curate.
    pat = signed_in(app, world.participant)
    assert form_post(pat, f"/collections/{collection_id}/pin", {"pinned": "0"}).status_code == 403
    assert pat.get(f"/spaces/{cohort.slug}/collections/new").status_code == 403


def test_browse_filters_by_kind_tag_component_population_setting_and_language(app, world):
    curation.ensure_default_components()
    components = list(db.session.scalars(select(Component.id).order_by(Component.position)))
    with app.test_request_context():
        make_resource(world.facilitator, world.commons, "Spanish intake form", kind="tool", tags="intake",
                      languages="Spanish", setting="Clinic", population="Immigrant families",
                      component_ids=[components[0]])
        make_resource(world.facilitator, world.commons, "Story from the ED", kind="story", setting="Hospital",
                      component_ids=[components[1]])
    pat = signed_in(app, world.participant)

    def titles(query):
        return set(re.findall(r'class="resource-title"><a [^>]+>([^<]+)<', pat.get("/library?" + query).get_data(as_text=True)))
    assert titles("kind=story") == {"Story from the ED"}
    assert titles("tag=intake") == {"Spanish intake form"}
    assert titles(f"component={components[1]}") == {"Story from the ED"}
    assert titles("population=immigrant") == {"Spanish intake form"}
    assert titles("setting=hospital") == {"Story from the ED"}
    assert titles("language=spanish") == {"Spanish intake form"}
    assert titles("") == {"Spanish intake form", "Story from the ED"}
    api = pat.get("/api/v1/library/resources?kind=story").get_json()
    assert [r["title"] for r in api["items"]] == ["Story from the ED"]


def test_team_drafts_stay_in_the_team_until_submitted_to_the_cohort(app, world):
    with app.test_request_context():
        draft = make_resource(world.participant, world.team.space, "Our draft huddle guide", action="draft")
    assert draft.status == "draft"
    tess, olu = signed_in(app, world.teammate), signed_in(app, world.outsider)
    assert tess.get(f"/resources/{draft.id}").status_code == 200
    assert olu.get(f"/resources/{draft.id}").status_code == 404
    pat = signed_in(app, world.participant)
    form_post(pat, f"/resources/{draft.id}/submit", {"space_id": str(world.cohort.space.id)})
    db.session.refresh(draft)
    assert (draft.space_id, draft.status) == (world.cohort.space.id, "submitted")
    # In the cohort, a submission is the author's and the reviewers' until approved.
    assert tess.get(f"/resources/{draft.id}").status_code == 404
    assert signed_in(app, world.facilitator).get(f"/resources/{draft.id}").status_code == 200


def test_api_twin_create_edit_versions_review_adopt_vote_and_collections(app, world):
    fay, pat = signed_in(app, world.facilitator), signed_in(app, world.participant)
    cohort = world.cohort.space
    made = api_write(pat, "POST", f"/api/v1/spaces/{cohort.id}/resources",
                     {"title": "API idea", "summary": "From a script", "kind": "change_idea", "tags": ["api"]})
    assert made.status_code == 201 and made.get_json()["status"] == "submitted"
    rid = made.get_json()["id"]
    bad = api_write(pat, "POST", f"/api/v1/spaces/{cohort.id}/resources", {"title": "", "kind": "nope"})
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) >= {"title", "kind", "summary"}
    assert api_write(pat, "PATCH", f"/api/v1/resources/{rid}", {"summary": "Better words"}).status_code == 200
    versions = pat.get(f"/api/v1/resources/{rid}/versions").get_json()["items"]
    assert [v["number"] for v in versions] == [1, 2] and any(d["kind"] == "added" for d in versions[1]["diff"])
    assert api_write(pat, "POST", f"/api/v1/resources/{rid}/review", {"decision": "approve"}).status_code == 403
    queue = fay.get(f"/api/v1/spaces/{cohort.id}/review-queue").get_json()["items"]
    assert [r["id"] for r in queue] == [rid]
    assert api_write(fay, "POST", f"/api/v1/resources/{rid}/review", {"decision": "approve"}).get_json()["status"] == "published"
    adopted = api_write(pat, "POST", f"/api/v1/resources/{rid}/adoptions",
                        {"team_id": world.team.id, "tried_on": "2026-05-01", "what_changed": "Everything"})
    assert adopted.status_code == 201
    assert len(pat.get(f"/api/v1/resources/{rid}/adoptions").get_json()["items"]) == 1
    assert api_write(pat, "POST", f"/api/v1/resources/{rid}/votes").get_json() == {"on": True}
    assert pat.get(f"/api/v1/resources/{rid}").get_json()["helpful"] == 1
    collection = api_write(fay, "POST", f"/api/v1/spaces/{cohort.id}/collections", {"title": "Kit"}).get_json()
    api_write(fay, "POST", f"/api/v1/collections/{collection['id']}/items", {"resource_id": rid})
    pinned = api_write(fay, "PATCH", f"/api/v1/collections/{collection['id']}", {"pinned": True}).get_json()
    assert pinned["pinned"] is True and pinned["resource_ids"] == [rid]
    upload = pat.post(f"/api/v1/resources/{rid}/files", headers={"X-CSRFToken": csrf_token(pat, "/")},
                      data={"file": (io.BytesIO(b"name,count\nclinic,3\n"), "counts.csv")},
                      content_type="multipart/form-data")
    assert upload.status_code == 201 and upload.get_json()["type"] == "csv"
    listed = pat.get(f"/api/v1/spaces/{cohort.id}/resources").get_json()["items"]
    assert [(r["id"], r["tried"], r["helpful"]) for r in listed] == [(rid, 1, 1)]


def test_replacing_a_file_keeps_the_earlier_one_downloadable(app, world):
    with app.test_request_context():
        tool = make_resource(world.facilitator, world.commons, "Measure definitions")
    fay = signed_in(app, world.facilitator)
    form_post(fay, f"/resources/{tool.id}/files", {}, {"file": (b"Version one\n", "measures.txt")})
    first = db.session.scalar(select(ResourceFile).where(ResourceFile.resource_id == tool.id))
    form_post(fay, f"/resources/{tool.id}/files", {"replaces_id": str(first.id)},
              {"file": (b"Version two\n", "measures.txt")})
    db.session.expire_all()
    files = list(db.session.scalars(select(ResourceFile).where(ResourceFile.resource_id == tool.id)
                                    .order_by(ResourceFile.id)))
    assert [f.superseded_at is not None for f in files] == [True, False] and files[1].replaces_id == first.id
    pat = signed_in(app, world.participant)
    assert pat.get(f"/library/files/{files[0].id}").data == b"Version one\n"
    assert pat.get(f"/library/files/{files[1].id}").data == b"Version two\n"
    page = pat.get(f"/resources/{tool.id}").get_data(as_text=True)
    assert page.count(f"/library/files/{files[1].id}") == 1 and f"/library/files/{files[0].id}" not in page
    history = pat.get(f"/resources/{tool.id}/history").get_data(as_text=True)
    assert f"/library/files/{files[0].id}" in history and "replaced" in history
    # The facilitator erases the earlier file from the history page: it is gone for good.
    assert "Erase for good" in fay.get(f"/resources/{tool.id}/history").get_data(as_text=True)
    assert "Erase for good" not in history  # participants cannot
    form_post(fay, f"/library/files/{files[0].id}/remove", {"action": "erase"})
    assert pat.get(f"/library/files/{files[0].id}").status_code == 404
    form_post(fay, f"/library/files/{files[1].id}/remove", {})
    assert f"/library/files/{files[1].id}" not in pat.get(f"/resources/{tool.id}").get_data(as_text=True)


def test_the_api_answers_junk_types_per_field_never_with_a_crash(app, world):
    fay = signed_in(app, world.facilitator)
    space = world.commons.id
    junk = api_write(fay, "POST", f"/api/v1/spaces/{space}/resources",
                     {"title": ["x"], "summary": {"a": 1}, "kind": 5, "url": 7, "tags": 3, "component_ids": "x"})
    assert junk.status_code == 422
    assert set(junk.get_json()["error"]["fields"]) >= {"title", "summary", "kind", "url"}
    # The document says a title is text: a number is refused by name (hub.api.contract), not turned into one.
    number = api_write(fay, "POST", f"/api/v1/spaces/{space}/resources", {"title": 2026, "summary": "A year"})
    assert number.status_code == 422 and number.get_json()["error"]["fields"] == {"title": "title must be text."}
    made = api_write(fay, "POST", f"/api/v1/spaces/{space}/resources", {"title": "2026", "summary": "A year"})
    assert made.status_code == 201 and made.get_json()["title"] == "2026"
    rid = made.get_json()["id"]
    assert api_write(fay, "PATCH", f"/api/v1/resources/{rid}", {"hidden": "yes"}).status_code == 422
    tried = api_write(signed_in(app, world.participant), "POST", f"/api/v1/resources/{rid}/adoptions",
                      {"team_id": world.team.id, "tried_on": ["2026"], "what_changed": None, "result": [1]})
    assert tried.status_code == 422 and set(tried.get_json()["error"]["fields"]) == {"tried_on", "what_changed", "result"}
    draft = api_write(fay, "POST", f"/api/v1/spaces/{space}/resources",
                      {"title": "Draft", "summary": "s", "action": "draft"}).get_json()["id"]
    listed = api_write(fay, "POST", f"/api/v1/resources/{draft}/submit", ["not", "an", "object"])
    assert listed.status_code == 422 and listed.get_json()["error"]["fields"] == {
        "body": "Send a JSON object in the request body."}, "a declared body is an object (hub.api.contract)"
    submitted = api_write(fay, "POST", f"/api/v1/resources/{draft}/submit", {})
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "published"
    assert api_write(fay, "POST", f"/api/v1/spaces/{space}/collections", {"title": None}).status_code == 422
    assert api_write(fay, "POST", "/api/v1/library/components", {"name": {"x": 1}}).status_code == 422
