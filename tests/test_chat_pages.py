"""The chat pages work without JavaScript: a space's Chat tab, adding a channel, starting a
conversation, sending from the form, permalinks; refusals keep what was typed."""
from __future__ import annotations

from hub.chat.models import Channel, Message
from hub.extensions import db
from tests.helpers.chat import channel
from tests.helpers import login, post_form


def test_facilitators_add_channels_from_the_space_chat_tab_and_members_cannot(app, make_client, world):
    fay, mo = make_client(), make_client()
    login(fay, world.facilitator)
    login(mo, world.member)
    tab = fay.get(f"/spaces/{world.secret.slug}/chat")
    assert tab.status_code == 200 and "Add a channel" in tab.get_data(as_text=True)
    made = post_form(fay, f"/spaces/{world.secret.slug}/chat", {"name": "Check-ins", "topic": "weekly"},
                     token_from=f"/spaces/{world.secret.slug}/chat")
    assert made.status_code == 302
    created = db.session.scalar(db.select(Channel).where(Channel.space_id == world.secret.id))
    assert created.name == "Check-ins" and created.slug == "check-ins"
    twice = post_form(fay, f"/spaces/{world.secret.slug}/chat", {"name": "Check-ins"},
                      token_from=f"/spaces/{world.secret.slug}/chat")
    assert twice.status_code == 422 and "already has a channel" in twice.get_data(as_text=True)
    member_tab = mo.get(f"/spaces/{world.secret.slug}/chat").get_data(as_text=True)
    assert "Check-ins" in member_tab and "Add a channel" not in member_tab
    refused = post_form(mo, f"/spaces/{world.secret.slug}/chat", {"name": "mine"}, token_from="/chat")
    assert refused.status_code == 403
    outsider = make_client()
    login(outsider, world.outsider)
    assert outsider.get(f"/spaces/{world.secret.slug}/chat").status_code == 404
    # The space's tabs now offer Chat.
    assert f'href="/spaces/{world.secret.slug}/chat"' in mo.get(f"/spaces/{world.secret.slug}").get_data(as_text=True)


def test_send_from_the_form_keeps_refused_words_and_permalinks_find_the_message(app, make_client, world):
    huddle = channel(app, world.team.space)
    app.config["CHAT_MAX_CHARS"] = 20
    pat = make_client()
    login(pat, world.participant)
    page = f"/chat/channels/{huddle.id}"
    assert post_form(pat, page + "/messages", {"body": "Hello team"}, token_from=page).status_code == 302
    refused = post_form(pat, page + "/messages", {"body": "far too long for this channel"}, token_from=page)
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "at most 20 characters" in text and "far too long for this channel</textarea>" in text
    message = db.session.scalar(db.select(Message))
    assert message.body == "Hello team"
    link = pat.get(f"/chat/messages/{message.id}")
    assert link.status_code == 302 and link.headers["Location"].endswith(f"#m-{message.id}")
    assert "Hello team" in pat.get(link.headers["Location"]).get_data(as_text=True)


def test_starting_a_conversation_from_the_chat_home(app, make_client, world):
    pat = make_client()
    login(pat, world.participant)
    home = pat.get("/chat").get_data(as_text=True)
    assert "Tess Teammate" in home and "Mo Member" not in home, "only people who share a space are offered"
    made = post_form(pat, "/chat/dm", {"user_ids": [str(world.teammate.id)]}, token_from="/chat")
    assert made.status_code == 302
    conversation = pat.get(made.headers["Location"]).get_data(as_text=True)
    assert "Tess Teammate" in conversation and "only its 2 people can read it" in conversation
    empty = post_form(pat, "/chat/dm", {}, token_from="/chat")
    assert empty.status_code == 422 and "Choose at least one person" in empty.get_data(as_text=True)


def test_moderators_archive_and_reopen_a_channel_whose_history_stays_readable(app, make_client, world):
    from tests.helpers import api_write
    huddle = channel(app, world.secret, by=world.facilitator)
    fay, mo = make_client(), make_client()
    login(fay, world.facilitator)
    login(mo, world.member)
    said = api_write(mo, "POST", f"/api/v1/channels/{huddle.id}/messages", {"body": "before", "client_id": "a1"})
    assert said.status_code == 201
    assert api_write(mo, "PATCH", f"/api/v1/channels/{huddle.id}", {"archived": True}).status_code == 403
    assert api_write(fay, "PATCH", f"/api/v1/channels/{huddle.id}", {"archived": "yes"}).status_code == 422
    archived = post_form(fay, f"/chat/channels/{huddle.id}/archive", {"archived": "1"},
                         token_from=f"/spaces/{world.secret.slug}/chat")
    assert archived.status_code == 302
    refused = api_write(mo, "POST", f"/api/v1/channels/{huddle.id}/messages", {"body": "after", "client_id": "a2"})
    assert refused.status_code == 403
    assert "before" in mo.get(f"/chat/channels/{huddle.id}").get_data(as_text=True)
    assert "can read this channel but not write" in mo.get(f"/chat/channels/{huddle.id}").get_data(as_text=True)
    renamed = api_write(fay, "PATCH", f"/api/v1/channels/{huddle.id}", {"archived": False, "name": "Circle",
                                                                          "topic": "weekly"})
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Circle"
    again = api_write(mo, "POST", f"/api/v1/channels/{huddle.id}/messages", {"body": "after", "client_id": "a3"})
    assert again.status_code == 201


def test_a_reply_lives_in_its_thread_unless_the_reader_cannot_open_the_thread(app, make_client, world):
    import time
    from hub.chat import services
    from tests.helpers import factories
    world.secret.history_policy = "from_joining"
    db.session.commit()
    caucus = channel(app, world.secret, by=world.facilitator)
    with app.test_request_context():
        first = services.send(world.facilitator, caucus, {"body": "an early thought", "client_id": "p1"}).message
        time.sleep(0.01)
        newcomer = factories.user("Nia Newcomer")
        factories.join_space(newcomer, world.secret)
        services.send(world.member, caucus, {"body": "answering it", "client_id": "p2", "parent_id": first.id})
    mo, nia = make_client(), make_client()
    login(mo, world.member)
    login(nia, newcomer)
    timeline = mo.get(f"/chat/channels/{caucus.id}").get_data(as_text=True)
    assert "an early thought" in timeline and "answering it" not in timeline, "the reply is in the thread"
    assert f'href="/chat/channels/{caucus.id}?thread={first.id}"' in timeline and ">1 reply</a>" in timeline
    opened = mo.get(f"/chat/channels/{caucus.id}?thread={first.id}").get_data(as_text=True)
    assert "answering it" in opened and 'id="r-' in opened
    # Nia joined after the first message: she cannot open its thread, so the reply stays on her
    # timeline, naming no parent.
    page = nia.get(f"/chat/channels/{caucus.id}").get_data(as_text=True)
    assert "answering it" in page and "Fay Facilitator" not in page and "an early thought" not in page
    assert nia.get(f"/chat/channels/{caucus.id}?thread={first.id}").status_code == 404
