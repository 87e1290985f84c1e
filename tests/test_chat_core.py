"""Chat over the /chat socket: stored before the ack, per-channel seq, no doubles, what was missed."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from hub.chat.models import Message
from hub.extensions import db
from tests.helpers.chat import channel, chat_socket, emit, received, send


def test_a_sent_message_is_stored_before_the_ack_and_reaches_the_other_member_once(app, make_client, world):
    general = channel(app, world.team.space)
    pat = chat_socket(app, make_client(), world.participant)
    tess = chat_socket(app, make_client(), world.teammate)
    assert emit(pat, "join", {"channel_id": general.id, "after_seq": 0})["ok"]
    assert emit(tess, "join", {"channel_id": general.id, "after_seq": 0})["ok"]
    tess.get_received("/chat")
    ack = send(pat, general.id, "Hello **team**")
    assert ack["ok"] and ack["message"]["seq"] == 1 and "<strong>team</strong>" in ack["message"]["body_html"]
    stored = db.session.scalar(select(Message).where(Message.id == ack["message"]["id"]))
    assert stored is not None and stored.body == "Hello **team**"
    got = received(tess)
    assert [m["id"] for m in got] == [ack["message"]["id"]]
    assert got[0]["author"] == {"id": world.participant.id, "name": "Pat Participant", "avatar_url": None}
    assert send(pat, general.id, "Second")["message"]["seq"] == 2


def test_a_retried_send_is_stored_once(app, make_client, world):
    general = channel(app, world.team.space)
    pat = chat_socket(app, make_client(), world.participant)
    first = send(pat, general.id, "Only once", client_id="retry-1")
    again = send(pat, general.id, "Only once", client_id="retry-1")
    assert first["ok"] and again["ok"] and again["duplicate"] is True
    assert again["message"]["id"] == first["message"]["id"]
    assert db.session.scalar(select(func.count()).select_from(Message)) == 1


def test_join_after_seq_returns_what_was_missed_in_order_including_edits_and_deletions(app, make_client, world):
    general = channel(app, world.team.space)
    pat = chat_socket(app, make_client(), world.participant)
    sent = [send(pat, general.id, f"message {i}")["message"] for i in range(5)]
    assert emit(pat, "edit", {"message_id": sent[1]["id"], "body": "message 1, corrected"})["ok"]
    assert emit(pat, "delete", {"message_id": sent[2]["id"]})["ok"]
    tess = chat_socket(app, make_client(), world.teammate)
    ack = emit(tess, "join", {"channel_id": general.id, "after_seq": sent[2]["seq"]})
    by_id = {m["id"]: m for m in ack["missed"]}
    assert set(by_id) == {sent[1]["id"], sent[2]["id"], sent[3]["id"], sent[4]["id"]}
    assert "corrected" in by_id[sent[1]["id"]]["body_html"] and by_id[sent[1]["id"]]["edited_at"]
    assert by_id[sent[2]["id"]]["deleted"] and by_id[sent[2]["id"]]["body_html"] == ""
    updated = [m["updated_seq"] for m in ack["missed"]]
    assert updated == sorted(updated) and len(set(updated)) == len(updated)
    everything = emit(tess, "join", {"channel_id": general.id, "after_seq": 0})["missed"]
    assert sorted(m["seq"] for m in everything) == [1, 2, 3, 4, 5]


def test_concurrent_senders_get_distinct_increasing_seqs(app, world):
    general = channel(app, world.team.space)
    # Plain ids: the world's rows belong to this thread's session and must not load in others.
    people = [p.id for p in (world.participant, world.teammate, world.facilitator, world.admin)]
    channel_id = general.id
    errors = []

    def write(person_id, n):
        from hub.chat import services
        from hub.people.models import User
        from hub.chat.models import Channel
        try:
            with app.app_context(), app.test_request_context():
                me, where = db.session.get(User, person_id), db.session.get(Channel, channel_id)
                for i in range(n):
                    services.send(me, where, {"body": f"{me.name} {i}", "client_id": f"{me.id}-{i}"})
        except Exception as err:  # noqa: BLE001 (reported below)
            errors.append(err)

    app.config["CHAT_SEND_LIMIT"] = "1000 per minute"
    threads = [threading.Thread(target=write, args=(p, 8)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = sorted(db.session.scalars(select(Message.seq).where(Message.channel_id == channel_id)))
    assert seqs == list(range(1, 33))


def test_too_long_and_too_fast_are_refused_with_a_clear_error(app, make_client, world):
    general = channel(app, world.team.space)
    app.config["CHAT_MAX_CHARS"] = 50
    app.config["CHAT_SEND_LIMIT"] = "3 per minute"
    pat = chat_socket(app, make_client(), world.participant)
    long = send(pat, general.id, "x" * 51)
    assert long["error"]["code"] == "invalid" and "50" in long["error"]["fields"]["body"]
    oks = [send(pat, general.id, f"ok {i}", client_id=f"rl-{i}") for i in range(3)]
    assert all(a["ok"] for a in oks)
    refused = send(pat, general.id, "one too many", client_id="rl-3")
    assert refused["error"]["code"] == "rate_limited" and refused["error"]["retry_after"] >= 1
    assert "too fast" in refused["error"]["message"]
    # The accepted ones are all there, and a retry of an accepted one still answers (not limited).
    assert send(pat, general.id, "ok 0", client_id="rl-0")["duplicate"] is True
    assert db.session.scalar(select(func.count()).select_from(Message)) == 3


def test_strangers_and_anonymous_sockets_get_nothing(app, make_client, world):
    caucus = channel(app, world.secret, by=world.facilitator)
    assert not chat_socket(app, make_client()).is_connected()
    olu = chat_socket(app, make_client(), world.outsider)
    hidden = emit(olu, "join", {"channel_id": caucus.id, "after_seq": 0})
    missing = emit(olu, "join", {"channel_id": caucus.id + 999, "after_seq": 0})
    assert hidden == missing and hidden["error"]["code"] == "not_found"
    assert send(olu, caucus.id, "let me in") == send(olu, caucus.id + 999, "let me in")
    mo = chat_socket(app, make_client(), world.member)
    emit(mo, "join", {"channel_id": caucus.id, "after_seq": 0})
    send(mo, caucus.id, "only for us")
    assert received(olu) == []


def test_presence_and_typing_only_among_people_who_share_a_channel(app, make_client, world):
    from hub.chat import services
    general = channel(app, world.team.space)
    pat = chat_socket(app, make_client(), world.participant)
    tess = chat_socket(app, make_client(), world.teammate)
    olu = chat_socket(app, make_client(), world.outsider)
    joined = emit(pat, "join", {"channel_id": general.id, "after_seq": 0})
    assert {(p["name"], p["status"]) for p in joined["present"]} >= {("Pat Participant", "online"),
                                                                     ("Tess Teammate", "online")}
    assert "Olu Outsider" not in {p["name"] for p in joined["present"]}, "not a reader of this channel"
    emit(tess, "join", {"channel_id": general.id, "after_seq": 0})
    assert emit(tess, "presence", {"status": "away"})["status"] == "away"
    beat = emit(pat, "presence", {"status": "online", "channel_id": general.id})
    assert {p["name"]: p["status"] for p in beat["present"]}["Tess Teammate"] == "away"
    assert emit(olu, "presence", {"status": "online", "channel_id": general.id})["error"]["code"] == "not_found"
    for sock in (pat, tess, olu):
        sock.get_received("/chat")
    assert emit(pat, "typing", {"channel_id": general.id})["ok"]
    assert [t["user"]["name"] for t in received(tess, "typing")] == ["Pat Participant"]
    assert received(olu, "typing") == []
    assert emit(olu, "typing", {"channel_id": general.id})["error"]["code"] == "not_found"
    # In a direct conversation, arrivals and departures are pushed.
    with app.test_request_context():
        dm = services.start_dm(world.participant, [world.teammate])
    emit(pat, "join", {"channel_id": dm.id, "after_seq": 0})
    pat.get_received("/chat")
    tess.disconnect(namespace="/chat")
    assert {"user_id": world.teammate.id, "name": "Tess Teammate", "status": "offline"} in received(pat, "presence")


def test_sends_go_ahead_when_the_limit_storage_is_down_and_heartbeats_reveal_missed_writes(app, make_client, world,
                                                                                           monkeypatch):
    from hub.extensions import limiter
    general = channel(app, world.team.space)
    pat = chat_socket(app, make_client(), world.participant)

    def down(*_args, **_kwargs):
        raise ConnectionError("redis is down")
    monkeypatch.setattr(limiter.limiter, "test", down)
    ack = send(pat, general.id, "still goes out")
    assert ack["ok"] and ack["message"]["seq"] == 1
    beat = emit(pat, "presence", {"status": "online", "channel_id": general.id})
    assert beat["last_seq"] == 1, "a client that saw less than this fetches what it missed"


def test_a_send_is_acknowledged_when_telling_the_others_fails(app, make_client, world, monkeypatch):
    """The message is stored first: an emit that raises afterwards (a message queue gone) is
    logged, the writer still gets the ack, and a reader catches up by seq."""
    from hub.extensions import socketio
    general = channel(app, world.team.space)
    pat = chat_socket(app, make_client(), world.participant)

    def broken(*_args, **_kwargs):
        raise ConnectionError("message queue unreachable")
    monkeypatch.setattr(socketio, "emit", broken)
    ack = send(pat, general.id, "Stored anyway", client_id="emit-fails")
    monkeypatch.undo()
    assert ack["ok"] and ack["message"]["body"] == "Stored anyway"
    tess = chat_socket(app, make_client(), world.teammate)
    missed = emit(tess, "join", {"channel_id": general.id, "after_seq": 0})["missed"]
    assert [m["id"] for m in missed] == [ack["message"]["id"]]
