"""The access matrix, extended with every library surface: persona x surface x space kind.

A published resource with a file, a helpful vote and a "we tried this" record is planted in
each space of the `world`; each persona then looks through every surface. A resource shows up
exactly where the persona may read its space (tests/test_access_matrix.py READS), and a
private one answers exactly like a missing one, HTML and API, files included. Then: a resource
moved to a narrower space is withdrawn from everyone who can no longer read it."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from hub import policy
from hub.extensions import db
from hub.library import adoption, curation
from hub.library import services as library
from hub.library.models import Resource, ResourceFile
from hub.people.models import AnonymousUser
from tests.helpers import factories as f
from tests.helpers import api_write, without_request_tokens
from tests.helpers.matrix import PERSONAS, READS, SECRET, SPACES, persona_client as _client, space_named as _space
from tests.helpers import signed_in
from tests.helpers.library import Upload, make_resource

PUBLISHERS = {name: "facilitator" for name in SPACES} | {"other_affinity": "other_facilitator"}


@pytest.fixture
def planted(app, world):
    with app.test_request_context():
        made = {}
        for name in SPACES:
            space = _space(world, name)
            resource = make_resource(getattr(world, PUBLISHERS[name]), space, f"Resource-in-{name}")
            library.add_file(getattr(world, PUBLISHERS[name]), resource, Upload(f"File-in-{name}\n".encode(), "a.txt"))
            adoption.toggle_vote(getattr(world, PUBLISHERS[name]), resource)
            collection = curation.create_collection(getattr(world, PUBLISHERS[name]), space,
                                                    {"title": f"Collection-in-{name}"})
            curation.add_item(getattr(world, PUBLISHERS[name]), collection, resource)
            made[name] = (resource, collection)
        # The clinic team tried the commons and cohort resources (shared) and the team's own.
        for name in ("commons", "cohort", "team"):
            adoption.record(world.participant, made[name][0], {
                "team_id": world.team.id, "tried_on": "2026-02-02", "what_changed": f"Tried-in-{name}"})
        return made


def _file_of(resource):
    return db.session.scalar(select(ResourceFile).where(ResourceFile.resource_id == resource.id))


@pytest.mark.parametrize("persona", PERSONAS)
def test_library_surfaces_show_resources_exactly_where_the_persona_reads(app, world, planted, persona):
    client = _client(app, world, persona)
    signed_in_now = persona not in ("anon", "deactivated")
    everywhere_html = client.get("/library").get_data(as_text=True)
    everywhere_api = client.get("/api/v1/library/resources").get_data(as_text=True)
    for name in SPACES:
        resource, collection = planted[name]
        reads = name in READS[persona]
        stored = _file_of(resource)
        urls = [f"/resources/{resource.id}", f"/api/v1/resources/{resource.id}", f"/library/files/{stored.id}",
                f"/api/v1/files/{stored.id}", f"/resources/{resource.id}/history", f"/resources/{resource.id}/voters",
                f"/api/v1/resources/{resource.id}/adoptions", f"/api/v1/resources/{resource.id}/votes",
                f"/api/v1/resources/{resource.id}/versions", f"/api/v1/resources/{resource.id}/files",
                f"/collections/{collection.id}", f"/api/v1/collections/{collection.id}"]
        answers = [client.get(url) for url in urls]
        if not signed_in_now:
            assert all(a.status_code in (302, 401) for a in answers), (persona, name)
            continue
        assert [a.status_code for a in answers] == [200 if reads else 404] * len(urls), (persona, name)
        assert (f"Resource-in-{name}" in everywhere_html) is reads, (persona, name)
        assert (f"Resource-in-{name}" in everywhere_api) is reads, (persona, name)
        if reads:
            assert answers[2].data == f"File-in-{name}\n".encode()
            assert f"Collection-in-{name}" in client.get(f"/spaces/{_space(world, name).slug}/library").get_data(
                as_text=True)
        space_api = client.get(f"/api/v1/spaces/{_space(world, name).id}/resources")
        # A listed space one cannot read is known to exist (403); a secret one is not (404).
        assert space_api.status_code == (200 if reads else 404 if name in SECRET else 403), (persona, name)
    if signed_in_now:
        commons = client.get(f"/resources/{planted['commons'][0].id}").get_data(as_text=True)
        assert "Tried-in-commons" in commons and "We tried this: 1 team</h2>" in commons


@pytest.mark.parametrize("persona", ["participant", "outsider", "removed_member", "other_facilitator", "admin"])
def test_a_private_resource_answers_exactly_like_a_missing_one(app, world, planted, persona):
    client = signed_in(app, getattr(world, persona))
    resource, collection = planted["secret"]
    stored = _file_of(resource)
    pairs = [(f"/resources/{resource.id}", "/resources/999999"),
             (f"/api/v1/resources/{resource.id}", "/api/v1/resources/999999"),
             (f"/library/files/{stored.id}", "/library/files/999999"),
             (f"/api/v1/files/{stored.id}", "/api/v1/files/999999"),
             (f"/resources/{resource.id}/history", "/resources/999999/history"),
             (f"/resources/{resource.id}/voters", "/resources/999999/voters"),
             (f"/resources/{resource.id}/tried", "/resources/999999/tried"),
             (f"/collections/{collection.id}", "/collections/999999"),
             (f"/api/v1/collections/{collection.id}", "/api/v1/collections/999999")]
    for private, missing in pairs:
        a, b = client.get(private), client.get(missing)
        assert a.status_code == b.status_code == 404, (persona, private)
        assert without_request_tokens(a) == without_request_tokens(b), (persona, private)
    for method, url in (("POST", f"/api/v1/resources/{resource.id}/votes"), ("PATCH", f"/api/v1/resources/{resource.id}"),
                        ("POST", f"/api/v1/resources/{resource.id}/adoptions")):
        assert api_write(client, method, url, {"title": "x"}).status_code == 404, (persona, url)


def test_moving_to_a_narrower_space_withdraws_it_everywhere(app, world):
    outsider, participant, facilitator = world.outsider, world.participant, world.facilitator
    with app.test_request_context():
        idea = make_resource(outsider, world.commons, "Moving idea")
        library.add_file(outsider, idea, Upload(b"moving file\n", "m.txt"))  # before approval: no edit to review
        library.review(facilitator, idea, "approve")
        adoption.record(participant, idea, {"team_id": world.team.id, "tried_on": "2026-01-05",
                                            "what_changed": "Moved-adoption words"})
        adoption.toggle_vote(outsider, idea)
        thread = adoption.discussion(participant, idea)
        kit = curation.create_collection(facilitator, world.commons, {"title": "Commons kit"})
        curation.add_item(facilitator, kit, idea)
    stored = _file_of(idea)
    olu = signed_in(app, outsider)
    notes_before = olu.get("/api/v1/notifications").get_json()["items"]
    assert {n["kind"] for n in notes_before} >= {"library_submitted", "library_review", "library_adopted"}
    assert olu.get(f"/threads/{thread.id}").status_code == 200

    fay = signed_in(app, facilitator)
    moved = api_write(fay, "PATCH", f"/api/v1/resources/{idea.id}", {"space_id": world.team.space.id})
    assert moved.status_code == 200
    for url in (f"/resources/{idea.id}", f"/api/v1/resources/{idea.id}", f"/library/files/{stored.id}",
                f"/api/v1/files/{stored.id}", f"/api/v1/resources/{idea.id}/adoptions", f"/threads/{thread.id}"):
        assert olu.get(url).status_code == 404, url
    assert "Moving idea" not in olu.get("/library").get_data(as_text=True)
    assert "Moving idea" not in olu.get(f"/collections/{kit.id}").get_data(as_text=True)
    assert olu.get(f"/api/v1/collections/{kit.id}").get_json()["resource_ids"] == []
    notes_after = olu.get("/api/v1/notifications").get_json()
    assert [n for n in notes_after["items"] if n["kind"].startswith("library_")] == [] and notes_after["unread"] == 0
    # The team still has it, with its file, adoption and discussion.
    pat = signed_in(app, participant)
    assert "Moved-adoption words" in pat.get(f"/resources/{idea.id}").get_data(as_text=True)
    assert pat.get(f"/library/files/{stored.id}").data == b"moving file\n"
    assert pat.get(f"/threads/{thread.id}").status_code == 200
    assert pat.get(f"/api/v1/collections/{kit.id}").get_json()["resource_ids"] == [idea.id]
    db.session.expire_all()
    with app.test_request_context():
        assert policy.audience(idea) == policy.audience(world.team.space)
        assert outsider.id not in policy.audience(stored)


def test_narrow_history_hides_resources_from_before_joining(app, world):
    from datetime import timedelta
    from hub.extensions import utcnow
    world.secret.history_policy = "from_joining"
    db.session.commit()
    with app.test_request_context():
        old = make_resource(world.facilitator, world.secret, "Before you joined")
    old.created_at = utcnow() - timedelta(days=2)
    db.session.commit()
    from hub.spaces.models import SpaceMembership
    for row in db.session.scalars(select(SpaceMembership).where(SpaceMembership.space_id == world.secret.id)):
        row.joined_at = utcnow() - timedelta(days=3)  # the old members were there before it
    db.session.commit()
    from hub.library import curation
    early = curation.create_collection(world.facilitator, world.secret, {"title": "Collection from before"})
    early.created_at = utcnow() - timedelta(days=2)
    db.session.commit()
    newcomer = f.user("Nia Newcomer")
    f.join_space(newcomer, world.secret)
    with app.test_request_context():
        fresh = make_resource(world.facilitator, world.secret, "After you joined")
    client = signed_in(app, newcomer)
    # Collections are the space's content too: the ones made before joining stay out of reach.
    assert client.get(f"/collections/{early.id}").status_code == 404
    assert client.get(f"/api/v1/collections/{early.id}").status_code == 404
    assert "Collection from before" not in client.get(f"/spaces/{world.secret.slug}/library").get_data(as_text=True)
    assert signed_in(app, world.member).get(f"/collections/{early.id}").status_code == 200
    assert client.get(f"/resources/{old.id}").status_code == 404
    assert client.get(f"/resources/{fresh.id}").status_code == 200
    listing = client.get(f"/spaces/{world.secret.slug}/library").get_data(as_text=True)
    assert "After you joined" in listing and "Before you joined" not in listing
    assert signed_in(app, world.member).get(f"/resources/{old.id}").status_code == 200


def test_drafts_submissions_and_hidden_resources_reach_only_their_people(app, world):
    with app.test_request_context():
        draft = make_resource(world.participant, world.commons, "Commons draft", action="draft")
        submitted = make_resource(world.participant, world.commons, "Commons submission")
        hidden = make_resource(world.facilitator, world.commons, "Hidden later")
        hidden.author_id = world.teammate.id
        db.session.commit()
        library.set_hidden(world.facilitator, hidden, True)
    expectations = {  # persona -> (draft, submitted, hidden)
        "participant": (200, 200, 404), "teammate": (404, 404, 200), "outsider": (404, 404, 404),
        "facilitator": (404, 200, 200), "admin": (404, 200, 200),
    }
    for persona, expected in expectations.items():
        client = signed_in(app, getattr(world, persona))
        got = tuple(client.get(f"/resources/{r.id}").status_code for r in (draft, submitted, hidden))
        assert got == expected, persona
    from hub.people.models import User
    everyone = list(db.session.scalars(select(User)))
    for resource in (draft, submitted, hidden):
        assert policy.audience(resource) == {u.id for u in everyone if policy.can(u, "resource.view", resource)}
    assert not policy.can(AnonymousUser(), "resource.view", draft)


def test_only_a_team_member_records_for_their_own_team(app, world):
    with app.test_request_context():
        tool = make_resource(world.facilitator, world.commons, "Try me")
    pat = signed_in(app, world.participant)
    other = api_write(pat, "POST", f"/api/v1/resources/{tool.id}/adoptions",
                      {"team_id": world.other_team.id, "tried_on": "2026-01-01", "what_changed": "x"})
    assert other.status_code == 422 and "team_id" in other.get_json()["error"]["fields"]
    admin = signed_in(app, world.admin)  # staff without a team have none to record for
    refused = api_write(admin, "POST", f"/api/v1/resources/{tool.id}/adoptions",
                        {"team_id": world.team.id, "tried_on": "2026-01-01", "what_changed": "x"})
    assert refused.status_code == 422


def test_moving_a_published_resource_where_one_cannot_publish_sends_it_for_review(app, world):
    world.other_affinity.agreement_version = 0
    db.session.commit()
    f.join_space(world.facilitator, world.other_affinity)  # a plain member there, not its facilitator
    with app.test_request_context():
        tool = make_resource(world.facilitator, world.commons, "Commons tool")
        library.move(world.facilitator, tool, world.other_affinity)
    db.session.refresh(tool)
    assert (tool.space_id, tool.status) == (world.other_affinity.id, "submitted")
    assert policy.can(world.other_facilitator, "resource.review", tool)


def test_an_editor_who_cannot_see_the_origin_neither_sees_nor_loses_the_lineage(app, world):
    with app.test_request_context():
        origin = make_resource(world.facilitator, world.team.space, "Team original")
        copy = make_resource(world.facilitator, world.commons, "Commons adaptation", adapted_from_id=str(origin.id))
    olu = signed_in(app, world.outsider)  # another team: cannot see the origin
    db.session.refresh(copy)
    copy.author_id = world.outsider.id
    db.session.commit()
    form = olu.get(f"/resources/{copy.id}/edit").get_data(as_text=True)
    assert 'name="adapted_from_id" type="text" value=""' in form and "Team original" not in form
    assert "Team original" not in olu.get(f"/resources/{copy.id}").get_data(as_text=True)
    from tests.helpers.library import form_post
    form_post(olu, f"/resources/{copy.id}/edit", {"title": "Commons adaptation, edited", "summary": "New words",
                                                 "kind": "tool", "adapted_from_id": ""})
    # The author's edit of a published resource waits for review, the lineage kept in it too.
    assert "Team original" not in olu.get(f"/resources/{copy.id}").get_data(as_text=True)
    form_post(signed_in(app, world.facilitator), f"/resources/{copy.id}/edit-review", {"decision": "approve"})
    db.session.expire_all()
    assert (copy.title, copy.adapted_from_id) == ("Commons adaptation, edited", origin.id)
    assert "Team original" in signed_in(app, world.participant).get(f"/resources/{copy.id}").get_data(as_text=True)


def test_a_resource_never_leaves_its_affinity_space(app, world):
    """Its votes, discussion and history were written inside the group: moving it out would
    carry members' names and words with it."""
    from hub.validation import ValidationError
    import pytest as _pytest
    with app.test_request_context():
        inside = make_resource(world.facilitator, world.secret, "Caucus practice")
        with _pytest.raises(ValidationError) as refused:
            library.move(world.facilitator, inside, world.commons)
    assert "affinity" in refused.value.fields["space_id"]
    db.session.refresh(inside)
    assert inside.space_id == world.secret.id


def test_hiding_a_resource_hides_its_discussion_too(app, world):
    from hub.library import adoption
    with app.test_request_context():
        tool = make_resource(world.facilitator, world.commons, "Tool with a discussion")
        thread = adoption.discussion(world.facilitator, tool)
        outsider = signed_in(app, world.outsider)
        assert outsider.get(f"/threads/{thread.id}").status_code == 200
        library.set_hidden(world.facilitator, tool, True)
        assert outsider.get(f"/threads/{thread.id}").status_code == 404
        assert signed_in(app, world.facilitator).get(f"/threads/{thread.id}").status_code == 200
        library.set_hidden(world.facilitator, tool, False)
        library.delete(world.facilitator, tool)
        assert outsider.get(f"/threads/{thread.id}").status_code == 404


def test_a_move_cannot_take_a_space_past_its_quota(app, world):
    import io
    from werkzeug.datastructures import FileStorage
    from hub.library.demo_pdf import make_pdf
    from hub.validation import ValidationError
    import pytest as _pytest
    app.config["LIBRARY_SPACE_QUOTA_MB"] = 1
    filler = FileStorage(io.BytesIO(b"a,b\n" + b"1,2\n" * 200_000), filename="big.csv", content_type="text/csv")
    small = FileStorage(io.BytesIO(make_pdf("Note", ["words"])), filename="n.pdf", content_type="application/pdf")
    def create(author, space, title, upload, action="submit"):
        return library.create_resource(author, space, {"title": title, "summary": "s", "kind": "tool",
                                                       "action": action}, upload)
    with app.test_request_context():
        create(world.facilitator, world.commons, "Filler", filler)
        draft = create(world.participant, world.team.space, "Team draft",
                       FileStorage(io.BytesIO(b"x,y\n" + b"3,4\n" * 100_000), filename="d.csv"), action="draft")
        with _pytest.raises(ValidationError) as refused:
            library.move(world.participant, draft, world.commons)
        assert "full" in refused.value.fields["space_id"]
        fits = create(world.participant, world.team.space, "Small draft", small, action="draft")
        library.move(world.participant, fits, world.commons)  # a small one still fits
    assert db.session.get(Resource, fits.id).space_id == world.commons.id


def test_a_team_drafts_history_and_old_files_stay_with_the_team_when_it_is_submitted(app, world):
    """Pat drafts in the team space (first drafts with words he then takes out, and a file he
    replaces), then submits it to the commons, where it is published. Olu (commons only) reads
    the text and file as they arrived: not the team's earlier versions (history page, API), nor
    the replaced file (history page, download, API). Tess, of the team, still reads it all."""
    from werkzeug.datastructures import FileStorage
    with app.test_request_context():
        draft = library.create_resource(world.participant, world.team.space, {
            "title": "Huddle guide", "summary": "PROBE-FIRST-DRAFT with a patient's initials", "kind": "tool",
            "action": "draft"}, FileStorage(io.BytesIO(b"PROBE-OLD-FILE\n"), filename="notes.txt"))
        old_file = db.session.scalar(select(ResourceFile).where(ResourceFile.resource_id == draft.id))
        library.update_resource(world.participant, draft, {"title": "Huddle guide", "kind": "tool",
                                                           "summary": "PROBE-SECOND-DRAFT still naming a clinic"})
        new_file = library.add_file(world.participant, draft,
                                    FileStorage(io.BytesIO(b"Clean notes\n"), filename="notes.txt"), old_file)
        library.update_resource(world.participant, draft, {"title": "Huddle guide", "kind": "tool",
                                                           "summary": "Shared words for every clinic"})
        library.submit(world.participant, draft, world.commons)
        library.review(world.facilitator, draft, "approve")
    olu, tess = signed_in(app, world.outsider), signed_in(app, world.teammate)
    assert olu.get(f"/resources/{draft.id}").status_code == 200
    history = olu.get(f"/resources/{draft.id}/history").get_data(as_text=True)
    versions = olu.get(f"/api/v1/resources/{draft.id}/versions").get_json()["items"]
    assert "Shared words for every clinic" in history
    for shown in (history, str(versions)):
        assert "PROBE-FIRST-DRAFT" not in shown and "PROBE-SECOND-DRAFT" not in shown
    assert [v["number"] for v in versions] == [3] and versions[0]["diff"] == []
    assert f"/library/files/{old_file.id}" not in history
    assert olu.get(f"/library/files/{old_file.id}").status_code == 404
    assert olu.get(f"/api/v1/files/{old_file.id}").status_code == 404
    assert olu.get(f"/api/v1/files/{new_file.id}").data == b"Clean notes\n"
    # The earlier file is the team space's: it counts there, and its facilitators may erase it.
    from hub.library.files import space_usage
    assert space_usage(world.team.space.id) == old_file.size
    assert space_usage(world.commons.id) == new_file.size
    assert "Erase for good" in signed_in(app, world.facilitator).get(
        f"/resources/{draft.id}/history").get_data(as_text=True)
    team_history = tess.get(f"/resources/{draft.id}/history").get_data(as_text=True)
    assert "PROBE-FIRST-DRAFT" in team_history and f"/library/files/{old_file.id}" in team_history
    assert [v["number"] for v in tess.get(f"/api/v1/resources/{draft.id}/versions").get_json()["items"]] == [1, 2, 3]
    assert tess.get(f"/library/files/{old_file.id}").data == b"PROBE-OLD-FILE\n"
