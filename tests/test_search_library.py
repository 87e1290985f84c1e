"""Library resources in search: found by their words and their attachments' text, by exactly
the people the library's policy shows them to, and withdrawn the moment that changes."""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

from hub import search
from hub.library import services as library
from hub.library.demo_pdf import make_pdf
from tests.helpers import login


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def found(user, text):
    return [(h.kind, h.id) for h in search.search(user, text).hits]


def make(author, space, title, action="submit", upload=None, **fields):
    data = {"title": title, "summary": f"Summary of {title}", "kind": "tool", "action": action, **fields}
    return library.create_resource(author, space, data, upload)


def test_a_published_tool_is_found_by_its_words_and_its_pdf(app, world, ctx):
    pdf = FileStorage(io.BytesIO(make_pdf("Protocol", ["The capybara protocol for outreach calls"])),
                      filename="protocol.pdf", content_type="application/pdf")
    tool = make(world.facilitator, world.cohort.space, "Outreach call toolkit", upload=pdf,
                body="Scripts for **interpreter** scheduling", tags="outreach, language-access")
    assert tool.status == "published"
    for query in ("capybara", "outreach toolkit", "interpreter scheduling", "tag:language-access", "type:resource"):
        assert ("resource", tool.id) in found(world.participant, query), query
    assert found(world.outsider, "capybara") == []  # not in that cohort
    client = app.test_client()
    login(client, world.participant)
    data = client.get("/api/v1/search?q=capybara").get_json()
    assert data["items"][0]["url"] == f"/resources/{tool.id}" and data["items"][0]["kind_label"] == "Resource"


def test_submissions_drafts_and_review_reach_only_their_people(app, world, ctx):
    idea = make(world.participant, world.cohort.space, "Wombat reminder texts")
    assert idea.status == "submitted"
    assert found(world.participant, "wombat") == [("resource", idea.id)]  # the author
    assert found(world.facilitator, "wombat") == [("resource", idea.id)]  # its reviewers
    assert found(world.teammate, "wombat") == []
    draft = make(world.participant, world.cohort.space, "Numbat survey", action="draft")
    assert found(world.participant, "numbat") == [("resource", draft.id)]
    assert found(world.facilitator, "numbat") == [] and found(world.teammate, "numbat") == []
    library.review(world.facilitator, idea, "approve")
    assert found(world.teammate, "wombat") == [("resource", idea.id)]
    team_draft = make(world.participant, world.team.space, "Quokka huddle plan", action="draft")
    assert found(world.teammate, "quokka") == [("resource", team_draft.id)]  # a team shares its drafts


def test_moved_hidden_and_deleted_resources_leave_at_once(app, world, ctx):
    tool = make(world.facilitator, world.commons, "Kiwifruit checklist")
    assert found(world.outsider, "kiwifruit") == [("resource", tool.id)]
    library.move(world.facilitator, tool, world.secret)
    assert found(world.outsider, "kiwifruit") == [] and found(world.participant, "kiwifruit") == []
    assert found(world.member, "kiwifruit") == [("resource", tool.id)]
    library.set_hidden(world.facilitator, tool, True)
    assert found(world.member, "kiwifruit") == []
    assert found(world.facilitator, "kiwifruit") == [("resource", tool.id)]
    library.delete(world.facilitator, tool)
    assert found(world.facilitator, "kiwifruit") == []
