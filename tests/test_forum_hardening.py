"""Regressions found by an independent access review of the forums: each test failed before its fix."""
from __future__ import annotations

import contextvars

import pytest
from sqlalchemy import select

from hub.extensions import db, socketio
from hub.forums import moderation
from hub.forums.categories import categories_of
from hub.forums.models import Post
from hub.spaces import membership
from hub.validation import ValidationError
from tests.helpers import factories as f
from tests.helpers import api_write, login, without_request_tokens


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def test_a_facilitator_who_has_not_entered_sees_no_flagged_words(app, world, ctx):
    thread = f.thread(world.member, world.secret, "Circle", "CIRCLE-WORDS")
    opening = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    newcomer = f.user("Nadia New-facilitator", "facilitator")
    moderation.flag_post(world.facilitator, opening, "other", "please look")
    membership.update_settings(world.facilitator, world.secret, {"agreement": "A new agreement"})
    f.join_space(newcomer, world.secret, "facilitator")  # appointed, agreement not accepted yet
    client = app.test_client()
    login(client, newcomer)
    assert client.get(f"/spaces/{world.secret.slug}/flags").status_code in (403, 404)
    assert client.get(f"/api/v1/spaces/{world.secret.id}/flags").status_code in (403, 404)


def test_a_narrow_history_facilitator_sees_no_flags_on_posts_from_before(world, ctx):
    world.secret.history_policy = "from_joining"
    db.session.commit()
    thread = f.thread(world.member, world.secret, "Before", "before words")
    opening = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    moderation.flag_post(world.facilitator, opening, "harmful")
    later = f.user("Lou Later", "facilitator")
    f.join_space(later, world.secret, "facilitator")
    assert moderation.open_flags(later, world.secret) == []
    assert len(moderation.open_flags(world.facilitator, world.secret)) == 1


def test_preview_answers_a_secret_space_like_a_missing_one(app, world):
    client = app.test_client()
    login(client, world.participant)
    hidden = api_write(client, "POST", "/api/v1/preview", {"body": "x", "space_id": world.secret.id})
    missing = api_write(client, "POST", "/api/v1/preview", {"body": "x", "space_id": 999_999})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json()


def test_moving_into_a_hidden_or_missing_category_answers_alike(app, world, ctx):
    thread = f.thread(world.participant, world.cohort.space)
    client = app.test_client()
    login(client, world.other_facilitator)  # staff: moderates the cohort, cannot read the secret space
    hidden = api_write(client, "PATCH", f"/api/v1/threads/{thread.id}",
                       {"category_id": categories_of(world.secret)[0].id})
    missing = api_write(client, "PATCH", f"/api/v1/threads/{thread.id}", {"category_id": 999_999})
    assert hidden.status_code == missing.status_code == 404
    assert without_request_tokens(hidden) == without_request_tokens(missing)


def test_a_quote_must_say_what_the_post_says(world, ctx):
    source = f.thread(world.teammate, world.cohort.space, "Idea", "Try teach-back with every patient")
    opening = db.session.scalar(select(Post).where(Post.thread_id == source.id))
    with pytest.raises(ValidationError):
        f.reply(world.participant, source, f"[quote={opening.id}]\nI never use teach-back\n[/quote]")
    fine = f.reply(world.participant, source, f"[quote={opening.id}]\nTry   teach-back\n[/quote]\nAgreed")
    assert "Tess Teammate wrote" in fine.body_html


def test_a_removed_member_cannot_read_their_drafts_back(app, world, ctx):
    client = app.test_client()
    login(client, world.member)
    key = f"thread:{world.secret.id}"
    assert api_write(client, "PUT", f"/api/v1/drafts/{key}", {"body": "quoted circle words"}).status_code == 200
    assert client.get(f"/api/v1/drafts/{key}").get_json()["body"] == "quoted circle words"
    membership.remove(world.facilitator, world.secret, world.member, "moved on")
    assert client.get(f"/api/v1/drafts/{key}").status_code == 404


def test_moving_a_thread_tells_those_who_lost_it(app, world, make_client, ctx):
    thread = f.thread(world.participant, world.commons, "Open then closed")
    sockets = {}
    for persona in ("outsider", "member"):
        client = make_client()
        login(client, getattr(world, persona))
        sockets[persona] = contextvars.Context().run(socketio.test_client, app, flask_test_client=client)
        sockets[persona].get_received()
    moderation.move_thread(world.facilitator, thread, categories_of(world.secret)[0])
    names = {p: [m["name"] for m in s.get_received()] for p, s in sockets.items()}
    assert "forum_changed" in names["outsider"], "the outsider lost it and is told"
    assert "forum_changed" not in names["member"], "the member still reads it"


def test_withdrawn_replies_do_not_stay_unread(app, world, ctx):
    thread = f.thread(world.participant, world.cohort.space)
    client = app.test_client()
    login(client, world.teammate)
    client.get(f"/threads/{thread.id}")
    gone = f.reply(world.participant, thread, "oops")
    from hub.forums import services
    services.delete_post(world.participant, gone)
    assert thread.reply_count == 0
    client.get(f"/threads/{thread.id}")
    from hub.forums import reading
    assert reading.counts(world.teammate)["unread"] == 0


def test_only_local_paths_are_followed_after_mark_read(app, world):
    client = app.test_client()
    login(client, world.participant)
    from tests.helpers import post_form
    answer = post_form(client, "/latest/read", {"next": "/\\evil.example"}, token_from="/latest")
    assert answer.headers["Location"].endswith("/latest")
