"""Forum access probes from an outside review: surfaces and sequences the access matrix and the
canary sweep do not walk (a reader removed, or an agreement changed, *after* they saw things; a
thread moved after it was quoted; withdrawn replies in unread counts; what a 404 costs).

Each test names the person, the surface and what they must (not) learn."""
from __future__ import annotations

import contextvars
import email as email_lib
from email import policy as email_policy
from pathlib import Path

import pytest
from sqlalchemy import event, select

from hub.extensions import db, socketio
from hub.forums import moderation, reactions
from hub.forums import services as forum
from hub.forums.categories import categories_of
from hub.forums.models import Post
from hub.notify import email
from hub.notify.models import EmailSettings
from hub.spaces import membership
from tests.helpers import factories as f
from tests.helpers import api_write, login, without_request_tokens
from tests.helpers.search import shown_text as _shown_text


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def _signed_in(app, person):
    client = app.test_client()
    login(client, person)
    return client


def _opening(thread) -> Post:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.number == 1))


def _emails(app) -> list[str]:
    outbox = Path(app.config["OUTBOX_DIR"])
    texts = []
    for path in sorted(outbox.glob("*.eml")):
        message = email_lib.message_from_bytes(path.read_bytes(), policy=email_policy.default)
        texts.append(str(message["To"]) + "\n" + str(message["Subject"]) + "\n"
                     + message.get_body(("plain",)).get_content())
    return texts


def _daily(*people) -> None:
    for person in people:
        settings = db.session.get(EmailSettings, person.id) or EmailSettings(user_id=person.id)
        settings.frequency = "daily"
        db.session.add(settings)
    db.session.commit()


def _socket(app, client):
    return contextvars.Context().run(socketio.test_client, app, flask_test_client=client)


# ---------------------------------------------------------------- a member removed, at once

def test_a_removed_member_loses_every_forum_surface_at_once(app, world, ctx):
    """Mo was mentioned and reacted in the circle, opened the thread (so a rendered page of it is
    kept for them) and has a socket open. Once removed: no page, post, history, reaction list,
    notification, unread count, email or live event says a word of the circle."""
    _daily(world.member)
    thread = f.thread(world.facilitator, world.secret, "PROBE-REMOVED-TITLE",
                      f"PROBE-REMOVED-OPENING for @{world.member.username}")
    opening = _opening(thread)
    reactions.toggle(world.member, opening, "heart")
    client = _signed_in(app, world.member)
    assert "PROBE-REMOVED-OPENING" in client.get(f"/threads/{thread.id}").get_data(as_text=True)  # kept now
    assert "PROBE-REMOVED-TITLE" in client.get("/api/v1/notifications").get_data(as_text=True)
    sock = _socket(app, client)
    sock.get_received()

    membership.remove(world.facilitator, world.secret, world.member, "moved on")
    later = f.reply(world.facilitator, thread, "PROBE-REMOVED-LATER reply")

    for url in (f"/threads/{thread.id}", f"/threads/{thread.id}?page=1", f"/posts/{opening.id}",
                f"/posts/{opening.id}/history", f"/posts/{opening.id}/reactions", f"/threads/{thread.id}/unread",
                f"/api/v1/threads/{thread.id}", f"/api/v1/posts/{opening.id}", f"/api/v1/posts/{later.id}",
                f"/api/v1/posts/{opening.id}/revisions", f"/api/v1/posts/{opening.id}/reactions"):
        answer = client.get(url)
        assert answer.status_code == 404, url
        assert "PROBE-REMOVED" not in answer.get_data(as_text=True), url
    for url in ("/notifications", "/api/v1/notifications", "/latest", "/api/v1/latest", "/api/v1/me/reading", "/"):
        assert "PROBE-REMOVED" not in client.get(url, follow_redirects=True).get_data(as_text=True), url
    assert client.get("/api/v1/notifications").get_json()["unread"] == 0
    assert client.get("/api/v1/me/reading").get_json() == {"unread": 0, "new": 0}
    assert "PROBE-REMOVED" not in repr(sock.get_received())
    email.send_digests("daily")
    assert not any("PROBE-REMOVED" in text for text in _emails(app))


def test_a_member_who_has_not_accepted_a_changed_agreement_sees_nothing_new_or_old(app, world, ctx):
    """The circle's agreement changes; until Mo accepts it, the circle's threads, notifications,
    counts and digest keep its words from them (they are still a member, so nothing was removed)."""
    _daily(world.member)
    thread = f.thread(world.facilitator, world.secret, "PROBE-AGREEMENT-TITLE",
                      f"PROBE-AGREEMENT-OPENING @{world.member.username}")
    client = _signed_in(app, world.member)
    client.get(f"/threads/{thread.id}")
    membership.update_settings(world.facilitator, world.secret, {"agreement": "A changed agreement"})
    f.reply(world.facilitator, thread, "PROBE-AGREEMENT-REPLY")
    for url in (f"/threads/{thread.id}", f"/api/v1/threads/{thread.id}", f"/posts/{_opening(thread).id}",
                f"/api/v1/spaces/{world.secret.id}/threads", f"/api/v1/spaces/{world.secret.id}/mentionable?q="):
        answer = client.get(url)
        assert answer.status_code in (302, 403, 404), url
        if answer.status_code == 302:  # a page: to the new agreement first (issue 17)
            assert answer.headers["Location"].startswith(f"/spaces/{world.secret.slug}/agreement"), url
        assert "PROBE-AGREEMENT" not in answer.get_data(as_text=True), url
    for url in ("/notifications", "/api/v1/notifications", "/latest", "/api/v1/latest"):
        assert "PROBE-AGREEMENT" not in client.get(url).get_data(as_text=True), url
    assert client.get("/api/v1/me/reading").get_json() == {"unread": 0, "new": 0}
    email.send_digests("daily")
    assert not any("PROBE-AGREEMENT" in text for text in _emails(app))


# ---------------------------------------------------------------- moved threads

def test_a_quote_does_not_keep_a_moved_threads_words_where_it_came_from(app, world, ctx):
    """Pat's commons thread is quoted in another commons thread (whose reply is then edited, so
    the quote is in its history too), then moved into the secret circle. Olu (commons only) must
    no longer read its words: not on the quoting thread's page, in the API (rendered or source),
    in the quoting post's history, or in search. The circle's members still read the thread."""
    source = f.thread(world.participant, world.commons, "Commons question", "PROBE-QUOTED-WORDS about intake")
    quoted = _opening(source)
    other = f.thread(world.teammate, world.commons, "Another commons thread", "Hello")
    quoting = f.reply(world.teammate, other, f"[quote={quoted.id}]\nPROBE-QUOTED-WORDS about intake\n[/quote]\nSame")
    forum.edit_post(world.teammate, quoting, {"body": quoting.body + " here"})
    moderation.move_thread(world.facilitator, source, categories_of(world.secret)[0])
    client = _signed_in(app, world.outsider)
    assert client.get(f"/threads/{source.id}").status_code == 404  # the thread itself is withdrawn
    for url in (f"/threads/{other.id}", f"/api/v1/threads/{other.id}", f"/api/v1/posts/{quoting.id}",
                f"/posts/{quoting.id}/history", f"/api/v1/posts/{quoting.id}/revisions",
                "/search?q=PROBE QUOTED WORDS intake", "/api/v1/search?q=PROBE QUOTED WORDS intake"):
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert "PROBE-QUOTED-WORDS" not in _shown_text(answer.get_data(as_text=True)), url
    assert "Same here" in client.get(f"/threads/{other.id}").get_data(as_text=True), "the reply's own words stay"
    mo = _signed_in(app, world.member)
    assert "PROBE-QUOTED-WORDS" in mo.get(f"/threads/{source.id}").get_data(as_text=True)
    assert "PROBE-QUOTED-WORDS" in _shown_text(mo.get("/search?q=PROBE QUOTED WORDS intake").get_data(as_text=True))


def test_a_chat_message_does_not_keep_a_moved_threads_words_where_it_came_from(app, world, ctx):
    """Tess quotes Pat's commons post in the commons channel; the thread then moves into the secret
    circle. Olu (commons only) no longer reads the words in the channel's history (page and API),
    the message's permalink or search, and his open chat page is told of the change live; the
    message's own words stay."""
    from hub.chat import services as chat
    from tests.helpers.chat import chat_socket, emit, received
    source = f.thread(world.participant, world.commons, "Commons question", "PROBE-CHAT-QUOTED about intake")
    channel = chat.create_channel(world.admin, world.commons, {"name": "general"})
    message, *_created = chat.send(world.teammate, channel, {
        "body": f"[quote={_opening(source).id}]\nPROBE-CHAT-QUOTED about intake\n[/quote]\nPROBE-CHAT-OWN-WORDS",
        "client_id": "quote-1"})
    olu = app.test_client()
    sock = chat_socket(app, olu, world.outsider)
    assert emit(sock, "join", {"channel_id": channel.id})["ok"]
    sock.get_received("/chat")
    found = olu.get("/api/v1/search?q=PROBE CHAT QUOTED intake").get_json()
    assert any(hit["kind"] == "message" for hit in found["items"]), "before the move, the quote is found"
    moderation.move_thread(world.facilitator, source, categories_of(world.secret)[0])
    live = [m for m in received(sock, "message_edited") if m["id"] == message.id]
    assert live and "PROBE-CHAT-QUOTED" not in str(live[-1]) and "PROBE-CHAT-OWN-WORDS" in str(live[-1])
    for url in (f"/chat/channels/{channel.id}", f"/api/v1/channels/{channel.id}/messages",
                f"/chat/messages/{message.id}", f"/api/v1/messages/{message.id}",
                "/search?q=PROBE CHAT QUOTED intake", "/api/v1/search?q=PROBE CHAT QUOTED intake"):
        answer = olu.get(url, follow_redirects=True)
        assert answer.status_code == 200, url
        assert "PROBE-CHAT-QUOTED" not in _shown_text(answer.get_data(as_text=True)), url
    assert "PROBE-CHAT-OWN-WORDS" in olu.get(f"/api/v1/messages/{message.id}").get_data(as_text=True)
    assert "PROBE-CHAT-QUOTED" in _signed_in(app, world.member).get(f"/threads/{source.id}").get_data(as_text=True)


def test_a_thread_moved_out_of_a_team_space_carries_no_quote_of_what_stays_there(app, world, ctx):
    """A team thread quotes another team thread, then the facilitator moves it to the commons:
    the thread moves, the other thread's words stay behind."""
    stays = f.thread(world.participant, world.team.space, "Stays", "PROBE-STAYS-WORDS in the team")
    moving = f.thread(world.teammate, world.team.space, "Moving out", "Open to all now")
    f.reply(world.teammate, moving, f"[quote={_opening(stays).id}]\nPROBE-STAYS-WORDS\n[/quote]\nPROBE-MOVER-WORDS")
    moderation.move_thread(world.facilitator, moving, categories_of(world.commons)[0])
    page = _signed_in(app, world.outsider).get(f"/threads/{moving.id}").get_data(as_text=True)
    assert "PROBE-MOVER-WORDS" in page and "PROBE-STAYS-WORDS" not in page
    assert "PROBE-STAYS-WORDS" not in _signed_in(app, world.outsider).get(
        f"/api/v1/threads/{moving.id}").get_data(as_text=True)


def test_a_thread_moved_out_of_a_team_space_leaves_its_earlier_texts_with_the_team(app, world, ctx):
    """Tess wrote a team reply, then took words out of it; the facilitator moves the thread to the
    commons. Olu (commons only) reads the reply as it arrived: not its team-era texts (history page,
    API). An edit made after the move is his to compare. Pat, of the team, still reads it all."""
    thread = f.thread(world.participant, world.team.space, "Huddles", "How do you run them?")
    reply = f.reply(world.teammate, thread, "PROBE-TEAM-ERA words about a patient")
    forum.edit_post(world.teammate, reply, {"body": "Words for everyone"})
    moderation.move_thread(world.facilitator, thread, categories_of(world.commons)[0])
    olu, pat = _signed_in(app, world.outsider), _signed_in(app, world.participant)
    history = olu.get(f"/posts/{reply.id}/history")
    revisions = olu.get(f"/api/v1/posts/{reply.id}/revisions").get_json()["items"]
    assert history.status_code == 200 and "Words for everyone" in history.get_data(as_text=True)
    assert "PROBE-TEAM-ERA" not in history.get_data(as_text=True) + str(revisions)
    assert [v["number"] for v in revisions] == [2] and revisions[0]["diff"] == []
    forum.edit_post(world.teammate, db.session.get(Post, reply.id), {"body": "Words for everyone, and more"})
    after = olu.get(f"/api/v1/posts/{reply.id}/revisions").get_json()["items"]
    assert [v["number"] for v in after] == [2, 3] and any(d["kind"] == "added" for d in after[1]["diff"])
    team_view = pat.get(f"/api/v1/posts/{reply.id}/revisions").get_json()["items"]
    assert [v["number"] for v in team_view] == [1, 2, 3] and "PROBE-TEAM-ERA" in str(team_view)
    assert "PROBE-TEAM-ERA" in pat.get(f"/posts/{reply.id}/history").get_data(as_text=True)


def test_a_team_era_revision_keeps_its_quote_of_what_stayed_in_the_team(app, world, ctx):
    """Tess's reply quoted another team thread, then she edited it; the thread moves to the
    commons. The reply's text now gives the quote way to the notice, but its team-era revision,
    read only by those who read the team space too, keeps the words it quoted."""
    stays = f.thread(world.participant, world.team.space, "Stays", "PROBE-STAYED-WORDS in the team")
    moving = f.thread(world.teammate, world.team.space, "Moving", "Open to all")
    reply = f.reply(world.teammate, moving, f"[quote={_opening(stays).id}]\nPROBE-STAYED-WORDS\n[/quote]\nMine")
    forum.edit_post(world.teammate, reply, {"body": reply.body + ", edited"})
    moderation.move_thread(world.facilitator, moving, categories_of(world.commons)[0])
    revisions = _signed_in(app, world.participant).get(f"/api/v1/posts/{reply.id}/revisions").get_json()["items"]
    assert "PROBE-STAYED-WORDS" in revisions[0]["body"] and "PROBE-STAYED-WORDS" not in revisions[-1]["body"]
    outsider = _signed_in(app, world.outsider).get(f"/api/v1/posts/{reply.id}/revisions").get_json()["items"]
    assert len(outsider) == 1 and "PROBE-STAYED-WORDS" not in str(outsider)


def test_a_thread_stays_in_its_affinity_space(app, world, ctx):
    """Its authors, reactions and history would tell the commons who is in the circle: a facilitator
    who moderates both may move it between the circle's categories, never out (page, form, API)."""
    from hub.forums.categories import create_category
    from hub.validation import ValidationError
    thread = f.thread(world.member, world.secret, "PROBE-CIRCLE-TITLE", "Circle words")
    reactions.toggle(world.member, _opening(thread), "heart")
    with pytest.raises(ValidationError) as refused:
        moderation.move_thread(world.facilitator, thread, categories_of(world.commons)[0])
    assert "stays in its affinity space" in refused.value.fields["category_id"]
    facilitator = _signed_in(app, world.facilitator)
    answer = api_write(facilitator, "patch", f"/api/v1/threads/{thread.id}",
                       {"category_id": categories_of(world.commons)[0].id})
    assert answer.status_code == 422 and "category_id" in answer.get_json()["error"]["fields"]
    db.session.refresh(thread)
    assert thread.space_id == world.secret.id
    other_circle = create_category(world.facilitator, world.secret, {"name": "Reading together"})
    page = facilitator.get(f"/threads/{thread.id}").get_data(as_text=True)
    move_form = page.split('id="move-target"')[1].split("</select>")[0]
    assert "Reading together" in move_form and world.commons.name not in move_form
    assert "cannot be moved out again" not in page  # it is in one already
    commons_thread = f.thread(world.participant, world.commons, "In the commons", "words")
    assert "cannot be moved out again" in facilitator.get(f"/threads/{commons_thread.id}").get_data(as_text=True)
    moderation.move_thread(world.facilitator, thread, other_circle)
    assert thread.category_id == other_circle.id
    assert "PROBE-CIRCLE-TITLE" not in _signed_in(app, world.outsider).get("/latest").get_data(as_text=True)


def test_the_commons_moderation_log_keeps_no_title_of_a_thread_moved_into_a_secret_space(app, world, ctx):
    """Staff who moderate the commons but cannot read the circle see, in the commons log (HTML
    and API), that something was pinned, locked and moved, never what."""
    thread = f.thread(world.participant, world.commons, "PROBE-LOGGED-TITLE", "words")
    moderation.set_pinned(world.facilitator, thread, True)
    moderation.set_locked(world.facilitator, thread, True)
    moderation.set_post_hidden(world.facilitator, _opening(thread), True, "off topic")
    moderation.set_post_hidden(world.facilitator, _opening(thread), False)
    moderation.move_thread(world.facilitator, thread, categories_of(world.secret)[0])
    for persona in ("admin", "other_facilitator"):
        client = _signed_in(app, getattr(world, persona))
        page = client.get(f"/spaces/{world.commons.slug}/moderation")
        api = client.get(f"/api/v1/spaces/{world.commons.id}/moderation-log")
        assert page.status_code == api.status_code == 200, persona
        assert "PROBE-LOGGED-TITLE" not in page.get_data(as_text=True) + api.get_data(as_text=True), persona
        assert len(api.get_json()["items"]) >= 5, persona  # the entries are there, without the title
    member_view = _signed_in(app, world.facilitator).get(f"/spaces/{world.secret.slug}/moderation")
    assert "PROBE-LOGGED-TITLE" in member_view.get_data(as_text=True), "the circle's log names it for its facilitator"


def test_a_moved_thread_takes_its_flags_out_of_the_old_review_queue(app, world, ctx):
    thread = f.thread(world.participant, world.commons, "PROBE-FLAGGED-TITLE", "PROBE-FLAGGED-BODY")
    moderation.flag_post(world.teammate, _opening(thread), "other", "PROBE-FLAG-MESSAGE")
    moderation.move_thread(world.facilitator, thread, categories_of(world.secret)[0])
    admin = _signed_in(app, world.admin)
    for url in (f"/spaces/{world.commons.slug}/flags", f"/api/v1/spaces/{world.commons.id}/flags", "/notifications"):
        assert "PROBE-FLAG" not in admin.get(url).get_data(as_text=True), url
    queue = _signed_in(app, world.facilitator).get(f"/spaces/{world.secret.slug}/flags").get_data(as_text=True)
    assert "PROBE-FLAGGED-BODY" in queue, "the circle's facilitator reviews it where it is now"


def test_who_reacted_to_a_moved_thread_names_only_people_who_still_read_it(app, world, ctx):
    thread = f.thread(world.member, world.commons, "Soon private", "Commons words")
    opening = _opening(thread)
    reactions.toggle(world.outsider, opening, "heart")
    reactions.toggle(world.member, opening, "heart")
    moderation.move_thread(world.facilitator, thread, categories_of(world.secret)[0])
    outsider = _signed_in(app, world.outsider)
    assert outsider.get(f"/api/v1/posts/{opening.id}/reactions").status_code == 404
    items = _signed_in(app, world.facilitator).get(f"/api/v1/posts/{opening.id}/reactions").get_json()["items"]
    assert [(i["kind"], i["count"], [p["name"] for p in i["people"]]) for i in items] == \
        [("heart", 1, [world.member.name])]


def test_a_mention_from_commons_moved_into_a_team_space_is_only_counted_in_a_digest(app, world, ctx):
    """Pat is mentioned in a commons thread, which then moves into Pat's team space: Pat may still
    read it, but a team space's words never travel by email."""
    _daily(world.participant)
    thread = f.thread(world.outsider, world.commons, "PROBE-TEAMWARD-TITLE",
                      f"PROBE-TEAMWARD-BODY @{world.participant.username}")
    moderation.move_thread(world.admin, thread, categories_of(world.team.space)[0])
    assert "PROBE-TEAMWARD-TITLE" in _signed_in(app, world.participant).get("/notifications").get_data(as_text=True)
    email.send_digests("daily")
    mine = [t for t in _emails(app) if world.participant.email in t]
    assert mine and all("PROBE-TEAMWARD" not in t for t in mine)
    assert any("private space" in t for t in mine)


# ---------------------------------------------------------------- unread counts and withdrawn replies

def test_unread_counts_leave_out_replies_the_reader_cannot_see(app, world, ctx):
    """Tess has read a cohort thread. A reply is posted and deleted by its author, another is
    hidden by a facilitator, before Tess looks again. Nothing there is Tess's to read, so
    nothing may be counted unread: not the Latest badge, not the listing, not the API."""
    thread = f.thread(world.participant, world.cohort.space, "Quiet thread", "Opening")
    tess = _signed_in(app, world.teammate)
    tess.get(f"/threads/{thread.id}")
    gone = f.reply(world.participant, thread, "PROBE-DELETED-REPLY")
    forum.delete_post(world.participant, gone)
    hidden = f.reply(world.participant, thread, "PROBE-HIDDEN-REPLY")
    moderation.set_post_hidden(world.facilitator, hidden, True, "off topic")
    assert tess.get("/api/v1/me/reading").get_json()["unread"] == 0
    listed = {t["id"]: t for t in tess.get("/api/v1/latest").get_json()["items"]}
    assert listed[thread.id]["unread"] == 0
    assert tess.get(f"/api/v1/threads/{thread.id}").get_json()["unread"] == 0
    assert "unread" not in tess.get(f"/spaces/{world.cohort.space.slug}/forum").get_data(as_text=True).split(
        "Quiet thread")[1].split("</li>")[0]
    # The facilitator, who may read both, is told about them.
    fay = _signed_in(app, world.facilitator)
    fay.get(f"/threads/{thread.id}?page=1")
    assert fay.get("/api/v1/me/reading").get_json()["unread"] == 0


def test_reply_counts_leave_out_hidden_and_deleted_replies_and_take_them_back(app, world, ctx):
    """A listing's "n replies" must not tell of a reply only moderators may read."""
    thread = f.thread(world.participant, world.cohort.space, "Counted thread", "Opening")
    shown = f.reply(world.teammate, thread, "A reply everyone reads")
    hidden = f.reply(world.participant, thread, "PROBE-HIDDEN-REPLY")
    gone = f.reply(world.participant, thread, "PROBE-DELETED-REPLY")
    tess = _signed_in(app, world.teammate)

    def counted() -> tuple[int, str]:
        api = tess.get(f"/api/v1/threads/{thread.id}").get_json()["reply_count"]
        listing = tess.get(f"/spaces/{world.cohort.space.slug}/forum").get_data(as_text=True)
        return api, listing.split("Counted thread")[1].split("</li>")[0]

    assert counted()[0] == 3
    moderation.set_post_hidden(world.facilitator, hidden, True, "off topic")
    forum.delete_post(world.participant, gone)
    api, row = counted()
    assert api == 1 and "1 reply" in row
    forum.restore_post(world.facilitator, gone)
    moderation.set_post_hidden(world.facilitator, hidden, False)
    moderation.set_post_hidden(world.facilitator, hidden, False)  # twice: counted once
    assert counted()[0] == 3
    forum.delete_post(world.teammate, shown)
    moderation.set_post_hidden(world.facilitator, shown, True)  # hidden as well: still not counted twice
    assert counted()[0] == 2


# ---------------------------------------------------------------- quotes, previews, drafts: missing vs hidden

def test_quoting_a_secret_post_is_refused_exactly_like_quoting_a_missing_one(app, world, ctx):
    secret = f.thread(world.member, world.secret, "Circle", "PROBE-CIRCLE-WORDS here")
    post_id = _opening(secret).id
    commons = f.thread(world.participant, world.commons, "Commons", "Hi")
    pat = _signed_in(app, world.participant)
    answers = []
    for quoted in (post_id, 999_999):
        body = f"[quote={quoted}]\nPROBE-CIRCLE-WORDS\n[/quote]\n"
        answers.append((api_write(pat, "POST", "/api/v1/preview", {"body": body, "space_id": world.commons.id}),
                        api_write(pat, "POST", f"/api/v1/threads/{commons.id}/posts", {"body": body})))
    (preview_a, reply_a), (preview_b, reply_b) = answers
    assert preview_a.status_code == preview_b.status_code == reply_a.status_code == reply_b.status_code == 422
    assert preview_a.get_json() == preview_b.get_json() and reply_a.get_json() == reply_b.get_json()
    # A member of both may not carry the circle's words into the commons either.
    mo = _signed_in(app, world.member)
    refused = api_write(mo, "POST", f"/api/v1/threads/{commons.id}/posts",
                        {"body": f"[quote={post_id}]\nPROBE-CIRCLE-WORDS\n[/quote]\n"})
    assert refused.status_code == 422 and "PROBE-CIRCLE-WORDS" not in refused.get_data(as_text=True)


def test_drafts_and_filters_naming_a_secret_place_answer_like_missing_ones(app, world, ctx):
    secret = f.thread(world.member, world.secret, "Circle", "words")
    category = categories_of(world.secret)[0]
    pat = _signed_in(app, world.participant)
    pairs = [(f"/api/v1/drafts/thread:{world.secret.id}", "/api/v1/drafts/thread:999999"),
             (f"/api/v1/drafts/reply:{secret.id}", "/api/v1/drafts/reply:999999"),
             (f"/latest?space={world.secret.slug}", "/latest?space=no-such-space"),
             (f"/spaces/{world.secret.slug}/c/{category.slug}", f"/spaces/no-such-space/c/{category.slug}"),
             (f"/api/v1/spaces/{world.commons.id}/threads?category_id={category.id}",
              f"/api/v1/spaces/{world.commons.id}/threads?category_id=999999"),
             (f"/api/v1/spaces/{world.secret.id}/mentionable?q=m", "/api/v1/spaces/999999/mentionable?q=m"),
             (f"/api/v1/search/similar?title=words&space_id={world.secret.id}",
              "/api/v1/search/similar?title=words&space_id=999999")]
    for hidden, missing in pairs:
        a, b = pat.get(hidden), pat.get(missing)
        assert a.status_code == b.status_code == 404, hidden
        assert without_request_tokens(a) == without_request_tokens(b), hidden
    for hidden, missing in ((f"/api/v1/categories/{category.id}/watch", "/api/v1/categories/999999/watch"),
                            (f"/api/v1/threads/{secret.id}/watch", "/api/v1/threads/999999/watch"),
                            (f"/api/v1/threads/{secret.id}/read", "/api/v1/threads/999999/read")):
        method = "POST" if hidden.endswith("/read") else "PUT"
        a, b = api_write(pat, method, hidden, {"level": "watching"}), api_write(pat, method, missing, {"level": "watching"})
        assert a.status_code == b.status_code == 404 and a.get_json() == b.get_json(), hidden


# ---------------------------------------------------------------- what a 404 costs

def _statements(client, url) -> int:
    seen = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(seen)


def test_a_hidden_thread_or_post_costs_what_a_missing_one_costs(app, world, ctx):
    """Ids are a public sequence: Pat must not tell a secret thread from a gap by how much work
    the 404 takes (the chat and space lookups already answer both with the same queries)."""
    secret = f.thread(world.member, world.secret, "Circle", "words")
    post_id = _opening(secret).id
    pat = _signed_in(app, world.participant)
    pat.get("/api/v1/me")  # warm up
    costs = {}
    for hidden, missing in ((f"/api/v1/threads/{secret.id}", "/api/v1/threads/999999"),
                            (f"/api/v1/posts/{post_id}", "/api/v1/posts/999999"),
                            (f"/posts/{post_id}", "/posts/999999"),
                            (f"/posts/{post_id}/history", "/posts/999999/history"),
                            (f"/threads/{secret.id}", "/threads/999999")):
        costs[hidden] = (_statements(pat, hidden), _statements(pat, missing))
    assert all(a == b for a, b in costs.values()), "\n".join(f"{k}: {v}" for k, v in costs.items())
