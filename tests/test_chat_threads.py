"""Threads: a message's replies live in its thread (a panel beside the timeline, ?thread=<id>
without JavaScript), GET /api/v1/messages/{id}/replies pages through them, a reply to a reply
joins its thread, the parent's reply count travels live, and a client that was away gets the
replies it missed when it joins again. A thread one may not see answers like a missing one."""
from __future__ import annotations

import re

from hub.chat import services
from hub.chat.models import Message
from hub.extensions import db
from tests.helpers import factories
from tests.helpers.chat import channel, chat_socket, emit, received, send
from tests.helpers import api_write, login, post_form, without_request_tokens


def _bearer(person) -> dict:
    from hub.auth.tokens import create_token
    return {"Authorization": f"Bearer {create_token(person, 'threads')[1]}"}


def _say(app, person, ch, body, parent=None) -> Message:
    with app.test_request_context():
        return services.send(person, ch, {"body": body, "client_id": f"{body}-{person.id}",
                                          "parent_id": parent.id if parent else None})[0]


def test_the_replies_api_pages_through_a_thread_and_hides_it_like_a_missing_message(app, make_client, world):
    huddle = channel(app, world.team.space)
    root = _say(app, world.participant, huddle, "Who has the run chart?")
    _say(app, world.participant, huddle, "unrelated, on the timeline")
    answers = [_say(app, world.teammate, huddle, f"answer {i}", parent=root) for i in range(5)]
    api, pat = make_client(), _bearer(world.participant)
    first = api.get(f"/api/v1/messages/{root.id}/replies?limit=2", headers=pat).get_json()
    assert [m["body"] for m in first["items"]] == ["answer 0", "answer 1"]
    assert first["next"] == str(answers[1].seq)
    rest = api.get(f"/api/v1/messages/{root.id}/replies?limit=2&after_seq={first['next']}", headers=pat).get_json()
    last = api.get(f"/api/v1/messages/{root.id}/replies?limit=2&after_seq={rest['next']}", headers=pat).get_json()
    assert [m["body"] for m in rest["items"] + last["items"]] == ["answer 2", "answer 3", "answer 4"]
    assert last["next"] is None
    assert all(m["parent_id"] == root.id for m in first["items"] + rest["items"] + last["items"])
    assert api.get(f"/api/v1/messages/{root.id}", headers=pat).get_json()["reply_count"] == 5
    # The timeline view of the history leaves the thread's replies out (the full history keeps them).
    timeline = api.get(f"/api/v1/channels/{huddle.id}/messages?timeline=1", headers=pat).get_json()["items"]
    assert [m["body"] for m in timeline] == ["Who has the run chart?", "unrelated, on the timeline"]
    assert len(api.get(f"/api/v1/channels/{huddle.id}/messages", headers=pat).get_json()["items"]) == 7
    # Someone outside the team: the same 404, the same body, as for a message that never existed.
    olu = _bearer(world.outsider)
    hidden = api.get(f"/api/v1/messages/{root.id}/replies", headers=olu)
    missing = api.get("/api/v1/messages/999999/replies", headers=olu)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json()
    assert "answer" not in hidden.get_data(as_text=True)


def test_the_openapi_document_describes_the_thread_endpoint(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    replies = paths["/messages/{message_id}/replies"]["get"]
    assert {p["name"] for p in replies["parameters"]} >= {"message_id", "after_seq", "limit"}
    assert "404" in replies["summary"] or "missing" in replies["summary"]
    assert "timeline" in {p["name"] for p in paths["/channels/{channel_id}/messages"]["get"]["parameters"]}


def test_a_reply_to_a_reply_joins_the_thread_and_a_hidden_parent_is_refused(app, make_client, world):
    huddle = channel(app, world.team.space)
    other = channel(app, world.other_team.space, name="elsewhere")
    root = _say(app, world.participant, huddle, "start")
    reply = _say(app, world.teammate, huddle, "first reply", parent=root)
    tess = chat_socket(app, make_client(), world.teammate)
    nested = emit(tess, "send", {"channel_id": huddle.id, "body": "to the reply", "client_id": "n1",
                                 "parent_id": reply.id})
    assert nested["ok"] and nested["message"]["parent_id"] == root.id, "threads are one level deep"
    db.session.expire_all()
    assert db.session.get(Message, root.id).reply_count == 2
    secret = _say(app, world.outsider, other, "in another team")
    refused = emit(tess, "send", {"channel_id": huddle.id, "body": "sneaky", "client_id": "n2",
                                  "parent_id": secret.id})
    assert refused["error"]["code"] == "invalid" and "parent_id" in refused["error"]["fields"]


def test_a_thread_opens_beside_the_timeline_and_takes_replies_without_javascript(app, make_client, world):
    huddle = channel(app, world.team.space)
    root = _say(app, world.participant, huddle, "Shall we try the new **script**?")
    pat = make_client()
    login(pat, world.participant)
    page = f"/chat/channels/{huddle.id}"
    timeline = pat.get(page).get_data(as_text=True)
    assert f'href="{page}?thread={root.id}"' in timeline and "Reply in thread" in timeline
    assert 'id="chat-thread"' in timeline and re.search(r'<section class="chat-thread"[^>]*\shidden>', timeline)
    opened = pat.get(f"{page}?thread={root.id}").get_data(as_text=True)
    panel = opened[opened.index('id="chat-thread"'):]
    assert 'aria-labelledby="chat-thread-title"' in opened and "<strong>script</strong>" in panel
    assert f'name="parent_id" value="{root.id}"' in panel
    made = post_form(pat, page + "/messages", {"body": "Yes, from Monday", "parent_id": str(root.id)}, token_from=page)
    reply = db.session.scalar(db.select(Message).where(Message.parent_id == root.id))
    assert made.status_code == 302 and made.headers["Location"].endswith(f"{page}?thread={root.id}#r-{reply.id}")
    after = pat.get(made.headers["Location"]).get_data(as_text=True)
    assert "Yes, from Monday" in after[after.index('id="chat-thread-replies"'):]
    assert "Yes, from Monday" not in after[:after.index('id="chat-thread"')], "not on the timeline"
    assert ">1 reply</a>" in after
    app.config["CHAT_MAX_CHARS"] = 10
    refused = post_form(pat, page + "/messages", {"body": "far too long a reply", "parent_id": str(root.id)},
                        token_from=page)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    panel = text[text.index('id="chat-thread"'):]
    assert "far too long a reply</textarea>" in panel and "at most 10 characters" in panel
    assert 'href="#f-thread-body"' in panel, "the error summary points at the thread's composer"
    # The permalink of a reply opens its thread.
    link = pat.get(f"/chat/messages/{reply.id}")
    assert link.status_code == 302 and f"thread={root.id}" in link.headers["Location"]
    assert link.headers["Location"].endswith(f"#r-{reply.id}")


def test_a_thread_one_may_not_see_answers_like_a_missing_one_on_the_page(app, make_client, world):
    huddle = channel(app, world.team.space)
    other = channel(app, world.other_team.space, name="elsewhere")
    root = _say(app, world.participant, huddle, "ours")
    theirs = _say(app, world.outsider, other, "theirs")
    pat = make_client()
    login(pat, world.participant)
    page = f"/chat/channels/{huddle.id}"
    hidden, missing = pat.get(f"{page}?thread={theirs.id}"), pat.get(f"{page}?thread=999999")
    assert hidden.status_code == missing.status_code == 404
    assert without_request_tokens(hidden) == without_request_tokens(missing)
    assert pat.get(f"{page}?thread={root.id}").status_code == 200


def test_replies_and_the_reply_count_travel_live_and_are_replayed_after_a_reconnect(app, make_client, world):
    huddle = channel(app, world.team.space)
    pat, tess_client = chat_socket(app, make_client(), world.participant), make_client()
    tess = chat_socket(app, tess_client, world.teammate)
    for sock in (pat, tess):
        assert emit(sock, "join", {"channel_id": huddle.id, "after_seq": 0})["ok"]
    root = send(pat, huddle.id, "thread starter")["message"]
    tess.get_received("/chat")
    first = emit(pat, "send", {"channel_id": huddle.id, "body": "live reply", "client_id": "lr1",
                               "parent_id": root["id"]})["message"]
    heard = tess.get_received("/chat")
    assert [(m["name"], (m["args"] if m["name"] == "message" else m["args"][0])["id"]) for m in heard] == [
        ("message", first["id"]), ("message_edited", root["id"])]
    edited = heard[1]["args"][0]
    assert edited["reply_count"] == 1 and edited["updated_seq"] == first["seq"]
    seen = max(first["seq"], edited["updated_seq"])
    tess.disconnect("/chat")
    missed_reply = emit(pat, "send", {"channel_id": huddle.id, "body": "while you were away", "client_id": "lr2",
                                      "parent_id": root["id"]})["message"]
    back = chat_socket(app, tess_client)
    missed = emit(back, "join", {"channel_id": huddle.id, "after_seq": seen})["missed"]
    assert [(m["id"], m["parent_id"]) for m in missed if m["parent_id"]] == [(missed_reply["id"], root["id"])]
    assert [m["reply_count"] for m in missed if m["id"] == root["id"]] == [2], "the parent's new count too"
    assert received(back) == []


def test_a_reply_in_a_direct_conversation_lives_in_its_thread(app, make_client, world):
    with app.test_request_context():
        dm = services.start_dm(world.participant, [world.teammate])
    root = _say(app, world.participant, dm, "quick one")
    _say(app, world.teammate, dm, "sure", parent=root)
    tess = make_client()
    login(tess, world.teammate)
    page = tess.get(f"/chat/channels/{dm.id}?thread={root.id}").get_data(as_text=True)
    assert "sure" in page[page.index('id="chat-thread-replies"'):]
    olu = factories.user("Outside Person")
    factories.join_team(olu, world.team)  # shares a space, but is not in the conversation
    other = make_client()
    login(other, olu)
    assert other.get(f"/api/v1/messages/{root.id}/replies").status_code == 404
    over_api = api_write(tess, "POST", f"/api/v1/channels/{dm.id}/messages",
                         {"body": "and more", "client_id": "dm-t1", "parent_id": root.id})
    assert over_api.status_code == 201 and over_api.get_json()["parent_id"] == root.id
