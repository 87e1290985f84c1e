"""Issue 17, item 15: live threads. A reply to the thread being read arrives as the post itself (its
event names it; the page asks for it as its reader sees it); reactions toggle in place from the API's
answer, behind one "React" button; and a post's author hears of reactions unless they turned that off."""
from __future__ import annotations

import contextvars

from sqlalchemy import select

from hub.extensions import db, socketio
from hub.forums import reactions
from hub.notify import services as notify
from hub.notify.models import Notification
from tests.helpers import factories as f
from tests.helpers import api_write, opening_post as _opening, post_form, signed_in as _signed_in


def test_a_reply_event_names_the_post_and_the_page_can_fetch_it_as_its_reader_sees_it(app, world, ctx):
    thread = f.thread(world.participant, world.cohort.space, "Live one", "Opening")
    client = _signed_in(app, world.participant)
    sock = contextvars.Context().run(socketio.test_client, app, flask_test_client=client)
    sock.get_received()
    reply = f.reply(world.teammate, thread, "Arriving **live**")
    [event] = [m["args"][0] for m in sock.get_received() if m["name"] == "forum_activity"]
    assert event == {"thread_id": thread.id, "space_id": world.cohort.space.id, "number": 2, "post_id": reply.id}
    item = client.get(f"/posts/{reply.id}/item")
    html = item.get_data(as_text=True)
    assert item.status_code == 200 and html.startswith('<li class="post" id="post-2" data-number="2">')
    assert "<strong>live</strong>" in html and "Tess Teammate" in html
    assert f'href="/posts/{reply.id}/flag"' in html and f'href="/posts/{reply.id}/edit"' not in html
    assert 'class="react-picker"' in html and 'class="unread-marker"' in html
    author = _signed_in(app, world.teammate).get(f"/posts/{reply.id}/item").get_data(as_text=True)
    assert f'href="/posts/{reply.id}/edit"' in author and f'href="/posts/{reply.id}/flag"' not in author
    # Someone who cannot read the thread gets what a missing post gives.
    outsider = _signed_in(app, world.outsider)
    hidden, missing = outsider.get(f"/posts/{reply.id}/item"), outsider.get("/posts/999999/item")
    assert hidden.status_code == missing.status_code == 404
    sock.disconnect()


def test_one_react_button_holds_the_choices(app, world, ctx):
    """Five buttons sat under every post; now one disclosure ("React") holds them, still a form
    that posts without JS, each choice saying whether it is on."""
    thread = f.thread(world.participant, world.cohort.space, "Picker", "Opening")
    reactions.toggle(world.teammate, _opening(thread), "heart")
    page = _signed_in(app, world.teammate).get(f"/threads/{thread.id}").get_data(as_text=True)
    post = page.split('id="post-1"')[1].split("</li>\n")[0]
    picker = post.split('<details class="react-picker">')[1].split("</details>")[0]
    assert picker.startswith("<summary>React</summary>")
    assert f'<form method="post" action="/posts/{_opening(thread).id}/react"' in picker
    assert picker.count('name="kind"') == 5 and 'aria-pressed="true" aria-label="React with heart"' in picker
    assert post.count('name="kind"') == 5, "no reaction buttons outside the picker"
    no_js = post_form(_signed_in(app, world.teammate), f"/posts/{_opening(thread).id}/react", {"kind": "tada"},
                      token_from=f"/threads/{thread.id}")
    assert no_js.status_code == 302


def test_the_reaction_api_answers_with_the_counts_now(app, world, ctx):
    thread = f.thread(world.participant, world.cohort.space, "Counts", "Opening")
    opening = _opening(thread)
    reactions.toggle(world.participant, opening, "heart")
    client = _signed_in(app, world.teammate)
    on = api_write(client, "POST", f"/api/v1/posts/{opening.id}/reactions", {"kind": "heart"},
                   token_from=f"/threads/{thread.id}").get_json()
    assert on == {"kind": "heart", "on": True, "reactions": {"heart": {"count": 2, "mine": True}}}
    off = api_write(client, "POST", f"/api/v1/posts/{opening.id}/reactions", {"kind": "heart"},
                    token_from=f"/threads/{thread.id}").get_json()
    assert off == {"kind": "heart", "on": False, "reactions": {"heart": {"count": 1, "mine": False}}}


def test_a_posts_author_hears_of_reactions_once_while_unread(world, ctx):
    thread = f.thread(world.participant, world.cohort.space, "Our win", "Up 12 points")
    opening = _opening(thread)
    reactions.toggle(world.participant, opening, "heart")  # one's own reaction tells nobody
    assert notify.visible(world.participant) == []
    reactions.toggle(world.teammate, opening, "tada")
    [note] = notify.visible(world.participant)
    assert note.kind == "reaction" and note.text == "Tess Teammate reacted 🎉 to your post in “Our win”"
    assert note.link == f"/posts/{opening.id}" and note.subject_type == "post"
    reactions.toggle(world.facilitator, opening, "heart")
    assert len(notify.visible(world.participant)) == 1, "one note waits for the post's reactions"
    notify.mark_read(world.participant)
    reactions.toggle(world.facilitator, opening, "heart")  # taken back: nothing to tell
    reactions.toggle(world.facilitator, opening, "lightbulb")
    assert [n.read_at is None for n in notify.visible(world.participant)] == [True, False]


def test_reaction_notifications_can_be_turned_off(app, world, ctx):
    thread = f.thread(world.participant, world.cohort.space, "Quiet please", "Opening")
    client = _signed_in(app, world.participant)
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert '<input type="checkbox" name="reaction" checked>' in page
    saved = post_form(client, "/notifications/settings", {"frequency": "daily"}, token_from="/notifications/settings")
    assert saved.status_code == 302  # the box left unticked: reactions off
    assert client.get("/api/v1/me/notification-settings").get_json() == {"reaction": False}
    reactions.toggle(world.teammate, _opening(thread), "heart")
    assert db.session.scalar(select(Notification.id).where(Notification.kind == "reaction")) is None
    on = api_write(client, "PUT", "/api/v1/me/notification-settings", {"reaction": True})
    assert on.get_json() == {"reaction": True}
    reactions.toggle(world.facilitator, _opening(thread), "pray")
    assert [n.kind for n in notify.visible(world.participant)] == ["reaction"]
    bad = api_write(client, "PUT", "/api/v1/me/notification-settings", {"mentions": False})
    assert bad.status_code == 422
