"""Chat access: removal, deactivation and logout-everywhere reach open /chat sockets at once;
DMs only among people who share a space; mentions only of people who can see the channel;
newcomers of a "from joining" space see no earlier messages; hidden answers like missing."""
from __future__ import annotations

import time

from hub.chat import services
from hub.extensions import db
from hub.notify.models import Notification
from hub.spaces import membership
from tests.helpers import factories
from tests.helpers.chat import channel, chat_socket, emit, received, send
from tests.helpers import api_write, login, post_form


def _joined(app, make_client, person, ch):
    sock = chat_socket(app, make_client(), person)
    assert emit(sock, "join", {"channel_id": ch.id, "after_seq": 0})["ok"]
    sock.get_received("/chat")
    return sock


def test_a_member_removed_while_connected_receives_nothing_more(app, make_client, world):
    caucus = channel(app, world.secret, by=world.facilitator)
    fay = _joined(app, make_client, world.facilitator, caucus)
    mo = _joined(app, make_client, world.member, caucus)
    send(fay, caucus.id, "before removal")
    assert [m["body"] for m in received(mo)] == ["before removal"]
    with app.test_request_context():
        started = time.monotonic()
        membership.remove(world.facilitator, world.secret, world.member, "testing removal")
    assert time.monotonic() - started < 1.0
    assert [m["channel_ids"] for m in received(mo, "channel_access_ended")] == [[caucus.id]]
    send(fay, caucus.id, "after removal")
    assert received(mo) == [], "nothing more reaches the removed member"
    again = emit(mo, "join", {"channel_id": caucus.id, "after_seq": 0})
    assert again["error"]["code"] == "not_found"
    assert send(mo, caucus.id, "still here?")["error"]["code"] == "not_found"


def test_an_agreement_change_takes_members_out_until_they_accept(app, make_client, world):
    caucus = channel(app, world.secret, by=world.facilitator)
    fay = _joined(app, make_client, world.facilitator, caucus)
    mo = _joined(app, make_client, world.member, caucus)
    with app.test_request_context():
        membership.update_settings(world.facilitator, world.secret, {"agreement": "New words to accept."})
    send(fay, caucus.id, "after the change")
    assert received(mo) == []
    assert emit(mo, "join", {"channel_id": caucus.id, "after_seq": 0})["error"]["code"] == "not_found"


def test_logout_everywhere_and_deactivation_cut_chat_sockets(app, make_client, world):
    general = channel(app, world.team.space)
    phone, laptop = make_client(), make_client()
    login(laptop, world.participant)
    sock = _joined(app, lambda: phone, world.participant, general)
    post_form(laptop, "/settings/sessions/end-others", token_from="/")
    assert not sock.is_connected("/chat")
    assert not chat_socket(app, phone).is_connected("/chat"), "the ended session cannot reconnect"
    tess = _joined(app, make_client, world.teammate, general)
    admin = make_client()
    login(admin, world.admin)
    post_form(admin, f"/people/{world.teammate.id}/active", {"active": "0"}, token_from="/")
    assert not tess.is_connected("/chat")


def test_direct_messages_are_only_among_people_who_share_a_space_and_only_for_them(app, make_client, world):
    with app.test_request_context():
        dm = services.start_dm(world.participant, [world.teammate])
        assert services.start_dm(world.teammate, [world.participant]).id == dm.id, "one conversation per group"
    pat = _joined(app, make_client, world.participant, dm)
    tess = _joined(app, make_client, world.teammate, dm)
    send(pat, dm.id, "just us")
    assert [m["body"] for m in received(tess)] == ["just us"]
    olu = chat_socket(app, make_client(), world.outsider)
    assert emit(olu, "join", {"channel_id": dm.id, "after_seq": 0}) == \
        emit(olu, "join", {"channel_id": dm.id + 100, "after_seq": 0})
    client = make_client()
    login(client, world.participant)
    refused = api_write(client, "POST", "/api/v1/dms", {"user_ids": [world.outsider.id]})
    assert refused.status_code == 403, "Pat and Olu share no space"
    crowd = [factories.user() for _ in range(8)]
    for person in crowd:
        factories.join_team(person, world.team)
    too_many = api_write(client, "POST", "/api/v1/dms", {"user_ids": [p.id for p in crowd]})
    assert too_many.status_code == 422 and "at most 8" in too_many.get_json()["error"]["message"]
    group = api_write(client, "POST", "/api/v1/dms", {"user_ids": [p.id for p in crowd[:7]]})
    assert group.status_code == 201 and len(group.get_json()["participants"]) == 8


def test_mentions_reach_only_people_who_can_see_the_channel(app, make_client, world):
    general = channel(app, world.team.space)
    pat = _joined(app, make_client, world.participant, general)
    db.session.refresh(world.outsider)
    refused = send(pat, general.id, f"hey @{world.outsider.username}")
    assert refused["error"]["code"] == "invalid" and "Olu Outsider" in refused["error"]["message"]
    ok = send(pat, general.id, f"hey @{world.teammate.username} look")
    assert ok["ok"] and f"/people/{world.teammate.id}" in ok["message"]["body_html"]
    notes = db.session.query(Notification).filter_by(user_id=world.teammate.id, kind="chat_mention").all()
    assert len(notes) == 1 and "Pat Participant mentioned you" in notes[0].text
    tess = make_client()
    login(tess, world.teammate)
    listed = tess.get("/api/v1/notifications").get_json()["items"]
    assert any(n["kind"] == "chat_mention" for n in listed)
    assert tess.get(notes[0].link).status_code == 302


def test_newcomers_of_a_from_joining_space_see_no_earlier_messages(app, make_client, world):
    world.secret.history_policy = "from_joining"
    db.session.commit()
    caucus = channel(app, world.secret, by=world.facilitator)
    fay = _joined(app, make_client, world.facilitator, caucus)
    early = send(fay, caucus.id, "before the newcomer")["message"]
    time.sleep(0.01)
    newcomer = factories.user("Nia Newcomer")
    factories.join_space(newcomer, world.secret)
    later = send(fay, caucus.id, "after the newcomer")["message"]
    nia = chat_socket(app, make_client(), newcomer)
    missed = emit(nia, "join", {"channel_id": caucus.id, "after_seq": 0})["missed"]
    assert [m["id"] for m in missed] == [later["id"]]
    client = make_client()
    login(client, newcomer)
    assert client.get(f"/api/v1/messages/{early['id']}").status_code == 404
    assert [m["id"] for m in client.get(f"/api/v1/channels/{caucus.id}/messages").get_json()["items"]] == [later["id"]]
    page = client.get(f"/chat/channels/{caucus.id}").get_data(as_text=True)
    assert "after the newcomer" in page and "before the newcomer" not in page


def test_someone_taken_off_a_team_hears_nothing_more_from_its_channel(app, make_client, world):
    from hub.people import services as people
    huddle = channel(app, world.team.space)
    cohort_room = channel(app, world.cohort.space, name="cohort-room")
    pat = _joined(app, make_client, world.participant, huddle)
    tess = _joined(app, make_client, world.teammate, huddle)
    assert emit(tess, "join", {"channel_id": cohort_room.id, "after_seq": 0})["ok"]
    people.remove_team_member(world.admin, world.team, world.teammate)
    assert sorted(e["space_id"] for e in received(tess, "channel_access_ended")) == sorted(
        [world.team.space.id, world.cohort.space.id])
    send(pat, huddle.id, "team only now")
    send(pat, cohort_room.id, "cohort only now")
    assert received(tess) == []


def test_a_direct_message_notifies_only_participants_who_do_not_have_chat_open(app, make_client, world):
    from hub.notify.models import Notification
    kim = factories.user("Kim Colleague")
    factories.join_team(kim, world.team)
    with app.test_request_context():
        dm = services.start_dm(world.participant, [world.teammate, kim])
    pat = _joined(app, make_client, world.participant, dm)
    _joined(app, make_client, world.teammate, dm)  # Tess has chat open; Kim does not
    send(pat, dm.id, "quick question")
    notes = db.session.query(Notification).filter_by(kind="chat_dm").all()
    assert [(n.user_id, n.text) for n in notes] == [(kim.id, "Pat Participant sent you a direct message")]
    client = make_client()
    login(client, kim)
    assert [n["kind"] for n in client.get("/api/v1/notifications").get_json()["items"]] == ["chat_dm"]


def test_a_lost_eviction_is_caught_at_the_next_heartbeat(app, make_client, world):
    """Redis down at the moment of removal: the forwarded leave_room never arrives. The
    socket's next heartbeat asks the policy again and leaves the channel."""
    from hub.spaces.models import SpaceMembership
    caucus = channel(app, world.secret, by=world.facilitator)
    fay = _joined(app, make_client, world.facilitator, caucus)
    mo = _joined(app, make_client, world.member, caucus)
    db.session.execute(db.delete(SpaceMembership).where(SpaceMembership.space_id == world.secret.id,
                                                        SpaceMembership.user_id == world.member.id))
    db.session.commit()  # removed, with no eviction at all
    assert emit(mo, "presence", {"status": "online"})["ok"]
    assert [e["channel_ids"] for e in received(mo, "channel_access_ended")] == [[caucus.id]]
    send(fay, caucus.id, "after the lost eviction")
    assert received(mo) == []


def test_a_newcomer_hears_nothing_about_messages_from_before_they_joined(app, make_client, world):
    """In a "from joining" space, an edit, a reaction, a deletion or a new reply count of an
    earlier message carries that message to the channel's room: a newcomer's sockets are left
    out of those events, while a reply written after they joined reaches them."""
    world.secret.history_policy = "from_joining"
    db.session.commit()
    caucus = channel(app, world.secret, by=world.facilitator)
    fay = _joined(app, make_client, world.facilitator, caucus)
    early = send(fay, caucus.id, "written before the newcomer")["message"]
    time.sleep(0.01)
    newcomer = factories.user("Nia Newcomer")
    factories.join_space(newcomer, world.secret)
    nia = _joined(app, make_client, newcomer, caucus)
    mo = _joined(app, make_client, world.member, caucus)
    assert emit(fay, "edit", {"message_id": early["id"], "body": "edited, still early"})["ok"]
    assert emit(fay, "react", {"message_id": early["id"], "kind": "heart"})["ok"]
    reply = emit(fay, "send", {"channel_id": caucus.id, "body": "a reply after she joined", "client_id": "late-r",
                               "parent_id": early["id"]})
    assert reply["ok"], reply
    heard = [(m["name"], (m["args"] if m["name"] == "message" else m["args"][0])) for m in nia.get_received("/chat")]
    assert [(name, data["body"]) for name, data in heard] == [("message", "a reply after she joined")], heard
    assert not [d for _n, d in heard if d["id"] == early["id"]], "nothing about the earlier message"
    old_member = {name for name, data in
                  ((m["name"], m["args"] if m["name"] == "message" else m["args"][0]) for m in mo.get_received("/chat"))
                  if data.get("id") == early["id"]}
    assert old_member == {"message_edited", "reaction"}, "a member from before hears all of it"
    assert emit(fay, "delete", {"message_id": early["id"]})["ok"]
    assert [m["name"] for m in nia.get_received("/chat")] == []


def test_a_refused_mention_in_a_direct_conversation_speaks_of_the_conversation(app, make_client, world):
    kim = factories.user("Kim Colleague")
    factories.join_team(kim, world.team)  # shares the team with Pat, but is not in the conversation
    with app.test_request_context():
        dm = services.start_dm(world.participant, [world.teammate])
    pat = _joined(app, make_client, world.participant, dm)
    refused = send(pat, dm.id, f"asking @{kim.username} too")["error"]
    assert refused["code"] == "invalid"
    assert refused["message"] == ("These people aren't in this conversation, so they can't be mentioned here: "
                                  "Kim Colleague. Remove the mention, or start a conversation that includes them.")
    team_handle = world.other_team.space.slug
    nobody = send(pat, dm.id, f"hello @{team_handle}")["error"]["message"]
    assert nobody == f"Nobody from Hospital Team is in this conversation, so @{team_handle} reaches no one."
    quoted = send(pat, dm.id, "[quote=1]\nwords\n[/quote]")["error"]["message"]
    assert "direct conversation" in quoted
    assert not [m for m in (refused["message"], nobody, quoted) if "space" in m]
    client = make_client()
    login(client, world.participant)
    over_api = api_write(client, "POST", f"/api/v1/channels/{dm.id}/messages",
                         {"body": f"@{kim.username} ?", "client_id": "dm-api-1"})
    assert over_api.status_code == 422 and "aren't in this conversation" in over_api.get_json()["error"]["message"]
    ok = send(pat, dm.id, f"@{world.teammate.username} just us")
    assert ok["ok"] and f"/people/{world.teammate.id}" in ok["message"]["body_html"]
    general = channel(app, world.team.space)
    in_space = send(_joined(app, make_client, world.teammate, general), general.id, f"@{world.outsider.username}")
    assert "can't see this space" in in_space["error"]["message"], "a space channel keeps the space's words"
