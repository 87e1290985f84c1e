"""The access matrix, extended with every forum surface: persona x surface x space kind.

One thread with a reply and a reaction is planted in each space of the `world`; each persona
then looks through every surface. A thread's title must show up exactly where the persona may
read the space (tests/test_access_matrix.py READS), and a private thread must answer exactly
like a missing one."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from hub import policy
from hub.extensions import db
from hub.forums import reactions
from hub.forums.models import Post
from hub.people.models import Team
from tests.helpers import factories as f
from tests.helpers import login, without_request_tokens
from tests.helpers.matrix import PERSONAS, READS, SECRET, SPACES, persona_client as _client, space_named as _space

AUTHORS = {"commons": "participant", "cohort": "participant", "team": "teammate", "other_team": "outsider",
           "affinity": "member", "secret": "member", "other_affinity": "other_facilitator"}


@pytest.fixture
def threads(app, world):
    with app.test_request_context():
        made = {}
        for name in SPACES:
            space, author = _space(world, name), getattr(world, AUTHORS[name])
            thread = f.thread(author, space, f"Thread-in-{name}", f"Body-in-{name}")
            reply = f.reply(author, thread, f"Reply-in-{name}")
            reactions.toggle(author, reply, "heart")
            made[name] = thread
        return made


@pytest.mark.parametrize("persona", PERSONAS)
def test_forum_pages_and_api_show_threads_exactly_where_the_persona_reads(app, world, threads, persona):
    client = _client(app, world, persona)
    signed_in = persona not in ("anon", "deactivated")
    latest_html = client.get("/latest").get_data(as_text=True)
    latest_api = client.get("/api/v1/latest").get_data(as_text=True)
    for name in SPACES:
        thread, reads = threads[name], name in READS[persona]
        title = f"Thread-in-{name}"
        reply = db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.number == 2))
        page = client.get(f"/threads/{thread.id}")
        api = client.get(f"/api/v1/threads/{thread.id}")
        history = client.get(f"/posts/{reply.id}/history")
        who = client.get(f"/api/v1/posts/{reply.id}/reactions")
        forum = client.get(f"/spaces/{_space(world, name).slug}/forum")
        if not signed_in:
            assert page.status_code == forum.status_code == 302 and api.status_code == who.status_code == 401
            continue
        assert (title in latest_html) is reads and (title in latest_api) is reads, (persona, name)
        assert (page.status_code, api.status_code, history.status_code, who.status_code) == \
            ((200,) * 4 if reads else (404,) * 4), (persona, name)
        assert (f"Reply-in-{name}" in page.get_data(as_text=True)) is reads
        if reads:
            assert who.get_json()["items"][0]["people"][0]["name"] == getattr(world, AUTHORS[name]).name
        assert forum.status_code == (200 if reads else 404 if name in SECRET else 403), (persona, name)
        assert (title in forum.get_data(as_text=True)) is reads


@pytest.mark.parametrize("persona", ["participant", "outsider", "removed_member", "other_facilitator", "admin"])
def test_a_private_thread_answers_like_a_missing_one(app, world, threads, persona):
    client = _client(app, world, persona)
    for name in SPACES:
        if name in READS[persona]:
            continue
        thread = threads[name]
        opening = db.session.scalar(select(Post.id).where(Post.thread_id == thread.id, Post.number == 1))
        for private, missing in ((f"/threads/{thread.id}", "/threads/999999"),
                                 (f"/api/v1/threads/{thread.id}", "/api/v1/threads/999999"),
                                 (f"/posts/{opening}/history", "/posts/999999/history"),
                                 (f"/api/v1/posts/{opening}/reactions", "/api/v1/posts/999999/reactions")):
            a, b = client.get(private), client.get(missing)
            assert a.status_code == b.status_code == 404, (persona, name, private)
            assert without_request_tokens(a) == without_request_tokens(b), (persona, name, private)


@pytest.mark.parametrize("persona", ["participant", "member", "facilitator", "admin"])
def test_mention_autocomplete_offers_only_people_who_can_see_the_space(app, world, threads, persona):
    client = _client(app, world, persona)
    viewer = getattr(world, persona)
    for name in SPACES:
        space = _space(world, name)
        answer = client.get(f"/api/v1/spaces/{space.id}/mentionable?q=")
        if name not in READS[persona]:
            assert answer.status_code in (403, 404)
            continue
        items = answer.get_json()["items"]
        offered = {p["id"] for p in items if p["kind"] == "person"}
        readers = policy.audience(space) - {viewer.id}
        assert offered and offered <= readers, (persona, name)
        for team in (i for i in items if i["kind"] == "team"):  # a team handle only if someone in it can read
            members = {m.user_id for m in db.session.get(Team, team["id"]).memberships}
            assert members & readers, (persona, name, team)


def test_who_reacted_leaves_out_people_who_can_no_longer_read(app, world, threads):
    from hub.spaces.models import SpaceMembership
    reply = db.session.scalar(select(Post).where(Post.thread_id == threads["secret"].id, Post.number == 2))
    with app.test_request_context():
        reactions.toggle(world.facilitator, reply, "tada")
    row = db.session.scalar(select(SpaceMembership).where(SpaceMembership.user_id == world.member.id,
                                                          SpaceMembership.space_id == world.secret.id))
    db.session.delete(row)
    db.session.commit()
    client = app.test_client()
    login(client, world.facilitator)
    names = [p["name"] for item in client.get(f"/api/v1/posts/{reply.id}/reactions").get_json()["items"]
             for p in item["people"]]
    assert names == [world.facilitator.name], "the removed member's reaction is neither counted nor named"


def test_unread_counts_and_notifications_follow_the_policy(app, world, threads):
    client = _client(app, world, "outsider")
    counts = client.get("/api/v1/me/reading").get_json()
    readable = [n for n in SPACES if n in READS["outsider"] and AUTHORS[n] != "outsider"]
    assert counts == {"unread": 0, "new": len(readable)}
