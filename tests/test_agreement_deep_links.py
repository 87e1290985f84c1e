"""Issue 17, item 6 (part): a deep link into a space whose new group agreement a member has not
accepted yet leads to the agreement, and back to the link once accepted; to everyone else the
same link answers exactly as a missing one does (same body, same statements)."""
from __future__ import annotations

from hub.spaces import membership
from tests.helpers import factories as f
from tests.helpers.chat import channel
from tests.helpers import post_form, statements, without_request_tokens
from tests.helpers import signed_in
from tests.helpers.library import make_resource


def _new_agreement(app, world):
    with app.test_request_context():
        membership.update_settings(world.facilitator, world.secret, {"agreement": "Our new agreement."})


def _statements(client, url) -> list[str]:
    return statements(client, url)

def test_a_member_following_a_link_is_sent_to_the_new_agreement_and_back(app, world):
    with app.test_request_context():
        thread = f.thread(world.member, world.secret, "Circle thread", "Words")
        resource = make_resource(world.member, world.secret, "Circle tool")
    room = channel(app, world.secret, "circle", by=world.facilitator)
    _new_agreement(app, world)
    mo = signed_in(app, world.member)
    for url in (f"/threads/{thread.id}", f"/resources/{resource.id}", f"/chat/channels/{room.id}"):
        answer = mo.get(url)
        assert answer.status_code == 302, url
        assert answer.headers["Location"].startswith(f"/spaces/{world.secret.slug}/agreement?next="), url
    page = mo.get(f"/spaces/{world.secret.slug}/agreement?next=/threads/{thread.id}")
    assert 'name="next" value="/threads/' in page.get_data(as_text=True)
    accepted = post_form(mo, f"/spaces/{world.secret.slug}/agreement", {"accept": "1", "next": f"/threads/{thread.id}"},
                         token_from=f"/spaces/{world.secret.slug}/agreement")
    assert accepted.headers["Location"] == f"/threads/{thread.id}"
    assert mo.get(f"/threads/{thread.id}").status_code == 200
    api = mo.get(f"/api/v1/threads/{thread.id}")
    assert api.status_code == 200


def test_the_api_says_agreement_pending_and_nobody_else_learns_anything(app, world):
    with app.test_request_context():
        thread = f.thread(world.member, world.secret, "Circle thread", "Words")
    _new_agreement(app, world)
    mo = signed_in(app, world.member)
    answer = mo.get(f"/api/v1/threads/{thread.id}")
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "agreement_pending"
    pat = signed_in(app, world.participant)
    hidden, missing = pat.get(f"/threads/{thread.id}"), pat.get("/threads/999999")
    assert hidden.status_code == missing.status_code == 404
    assert without_request_tokens(hidden) == without_request_tokens(missing)
    for url, gap in ((f"/api/v1/threads/{thread.id}", "/api/v1/threads/999999"),
                     (f"/threads/{thread.id}", "/threads/999999")):
        assert _statements(pat, url) == _statements(pat, gap), url


def test_an_offsite_next_is_ignored(app, world):
    _new_agreement(app, world)
    mo = signed_in(app, world.member)
    accepted = post_form(mo, f"/spaces/{world.secret.slug}/agreement", {"accept": "1", "next": "//evil.example/"},
                         token_from=f"/spaces/{world.secret.slug}/agreement")
    assert accepted.headers["Location"] == f"/spaces/{world.secret.slug}"


def test_private_content_carries_its_lock_on_latest_search_and_notifications(app, world):
    """Issue 17, item 6: the space page's lock and "Members only" follow its content elsewhere."""
    from hub.search import queue as search_queue
    with app.test_request_context():
        f.thread(world.facilitator, world.secret, "Circle planning", f"Hello @{world.member.username}")
    search_queue.drain()
    mo = signed_in(app, world.member)
    for url in ("/latest", "/search?q=circle+planning", "/notifications"):
        page = mo.get(url).get_data(as_text=True)
        assert 'aria-label="Private space"' in page and "Members only" in page, url
    hit = mo.get("/api/v1/search?q=circle+planning").get_json()["items"][0]
    assert hit["space_kind"] == "affinity"
