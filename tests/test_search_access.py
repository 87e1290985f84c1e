"""Search in the access matrix: persona x search surface x space kind, and the moments access changes.

Each space gets a canary thread and reply; each persona searches through every surface (the
service, the page, the API, typeahead, similar threads) and must find exactly the canaries of
the spaces tests/test_access_matrix.py says they read, with counts and facets to match.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from hub import search
from hub.extensions import db, utcnow
from hub.forums import moderation
from hub.forums.categories import categories_of
from hub.people.models import AnonymousUser
from hub.spaces import membership
from tests.helpers import factories as f
from tests.helpers import login
from tests.helpers.matrix import PERSONAS, READS, SPACES, space_named as _space


def _word(name: str) -> str:
    return "canary" + name.replace("_", "")


@pytest.fixture
def planted(app, world):
    with app.test_request_context():
        for name in SPACES:
            space = _space(world, name)
            author = world.facilitator if name != "other_affinity" else world.other_facilitator
            thread = f.thread(author, space, f"Thread {_word(name)}", f"Opening {_word(name)} words")
            f.reply(author, thread, f"Reply {_word(name)} words")
    return world


def _user(world, persona):
    return AnonymousUser() if persona == "anon" else getattr(world, persona)


def _surfaces(client, user, word):
    """What each surface shows this persona for one word: the words found, per surface."""
    out = {"service": {h.title.striptags() + " " + h.snippet.striptags() for h in search.search(user, word).hits},
           "similar": {h.title.striptags() for h in search.similar_threads(user, f"Thread {word}", "")}}
    page = client.get(f"/search?q={word}").get_data(as_text=True)
    listed = page.split('<ol class="search-results"', 1)[-1].split("</ol>", 1)[0] if "search-results" in page else ""
    out["page"] = {word} if word in re.sub(r"</?mark>", "", listed) else set()
    for name, url in (("api", f"/api/v1/search?q={word}"), ("typeahead", f"/api/v1/search?q={word[:-2]}&typeahead=1")):
        response = client.get(url)
        items = response.get_json().get("items", []) if response.status_code == 200 else []
        out[name] = {re.sub(r"</?mark>", "", (i["title_html"] or "") + " " + i["snippet_html"]) for i in items}
    return out


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_search_surface_finds_exactly_the_readable_spaces(app, planted, persona):
    user, client = _user(planted, persona), app.test_client()
    if persona not in ("anon", "deactivated"):
        login(client, user)
    for name in SPACES:
        shown = _surfaces(client, user, _word(name))
        readable = name in READS[persona]
        for surface, found in shown.items():
            hit = any(_word(name) in text for text in found)
            assert hit == readable, f"{persona} {'missed' if readable else 'found'} {name} through {surface}"


@pytest.mark.parametrize("persona", ["participant", "member", "facilitator", "admin", "outsider"])
def test_counts_and_facets_count_only_what_the_persona_may_read(planted, persona):
    user = getattr(planted, persona)
    results = search.search(user, " OR ".join(_word(n) for n in SPACES))
    expected_spaces = {f"s{_space(planted, n).id}" for n in READS[persona]}
    assert set(results.facets["space"]) == expected_spaces
    assert results.total == 2 * len(READS[persona]) == sum(results.facets["kind"].values())
    assert results.facets["kind"] == {"thread": len(READS[persona]), "post": len(READS[persona])}


def test_a_removed_member_stops_finding_the_space_at_once(app, planted):
    assert search.search(planted.member, _word("secret")).total == 2
    membership.remove(planted.facilitator, planted.secret, planted.member, "moving on")
    assert search.search(planted.member, _word("secret")).total == 0
    similar = search.similar_threads(planted.member, f"Thread {_word('secret')}", "")
    assert planted.secret.id not in {h.space_id for h in similar}


def test_a_changed_agreement_closes_search_until_accepted_again(app, planted):
    with app.test_request_context():
        membership.update_settings(planted.facilitator, planted.secret, {"agreement": "New agreement text"})
    assert search.search(planted.member, _word("secret")).total == 0
    membership.accept_agreement(planted.member, planted.secret)
    assert search.search(planted.member, _word("secret")).total == 2


def test_newcomers_to_a_from_joining_space_find_only_what_came_after(app, world):
    narrow = f.space("affinity", "Narrow Circle", visibility="secret", history_policy="from_joining")
    founder = f.join_space(world.facilitator, narrow, "facilitator")
    founder.joined_at = utcnow() - timedelta(days=30)
    db.session.commit()
    with app.test_request_context():
        old = f.thread(world.facilitator, narrow, "Before thread quokka", "quokka opening")
        old_reply = f.reply(world.facilitator, old, "quokka early reply")
        newcomer = f.user("Nia Newcomer")
        joined = f.join_space(newcomer, narrow)
        joined.joined_at = utcnow() + timedelta(seconds=1)
        db.session.commit()
        for row in (old, old_reply):
            row.created_at = joined.joined_at - timedelta(minutes=5)
        db.session.commit()
        later_reply = f.reply(world.facilitator, old, "quokka later reply")  # in a thread from before: still cut
        later_reply.created_at = joined.joined_at + timedelta(minutes=1)
        new = f.thread(world.facilitator, narrow, "After thread quokka", "quokka fresh")
        new.created_at = joined.joined_at + timedelta(minutes=2)
        db.session.commit()
    seen = {(h.kind, h.id) for h in search.search(newcomer, "quokka").hits}
    assert seen == {("thread", new.id)}
    assert search.search(newcomer, "quokka").total == 1
    assert search.search(world.facilitator, "quokka").total == 4
    assert search.search(newcomer, "before quokka").did_you_mean is None


def test_hidden_threads_show_only_to_their_author_and_moderators(app, planted):
    with app.test_request_context():
        thread = f.thread(planted.participant, planted.cohort.space, "Wombat thread", "wombat words")
        f.reply(planted.teammate, thread, "wombat reply")
        moderation.set_thread_hidden(planted.facilitator, thread, True, "check")
    assert search.search(planted.outsider, "wombat").total == 0
    # The thread's author still reads it, replies included (the policy's rule); its other readers do not.
    assert {h.kind for h in search.search(planted.participant, "wombat").hits} == {"thread", "post"}
    assert search.search(planted.teammate, "wombat").total == 0
    assert search.search(planted.facilitator, "wombat").total == 2


def test_a_thread_moved_to_a_narrower_space_is_withdrawn_with_its_replies(app, planted):
    with app.test_request_context():
        thread = f.thread(planted.participant, planted.cohort.space, "Numbat plans", "numbat words")
        f.reply(planted.teammate, thread, "numbat reply")
        assert search.search(planted.teammate, "numbat").total == 2
        moderation.move_thread(planted.facilitator, thread, categories_of(planted.team.space)[0])
        assert search.search(planted.teammate, "numbat").total == 2  # the team still reads it
        moderation.move_thread(planted.facilitator, thread, categories_of(planted.secret)[0])
    for persona in ("participant", "teammate", "outsider", "admin", "other_facilitator"):
        assert search.search(getattr(planted, persona), "numbat").total == 0, persona
    assert search.search(planted.member, "numbat").total == 2


def test_deactivated_people_are_found_only_by_admins(app, planted):
    assert search.search(planted.participant, "Dee Deactivated").total == 0
    assert [h.kind for h in search.search(planted.admin, "Dee Deactivated").hits] == ["person"]
    planted.teammate.active = False
    db.session.commit()
    assert search.search(planted.participant, "Tess").total == 0


def test_a_stale_document_is_dropped_by_the_recheck_and_then_refreshed(app, planted):
    """Even if the index lags (here: its queue is emptied by hand), the policy decides."""
    from hub.search import queue as search_queue
    from hub.forums.models import Thread
    thread = db.session.scalars(db.select(Thread).where(Thread.title == f"Thread {_word('cohort')}")).one()
    assert search.search(planted.participant, _word("cohort")).total == 2
    target = categories_of(planted.secret)[0]
    thread.space_id, thread.category_id = planted.secret.id, target.id
    db.session.commit()
    db.session.execute(db.delete(search_queue.SearchQueue))  # the index never hears of the move
    db.session.commit()
    assert search.search(planted.participant, _word("cohort")).hits == []
    assert search_queue.pending_count() >= 1  # the refused hit asked for a refresh
    search_queue.drain()
    assert search.search(planted.participant, _word("cohort")).total == 0
    assert search.search(planted.member, _word("cohort")).total == 2
