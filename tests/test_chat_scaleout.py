"""Chat across processes: two gunicorn gevent servers on one PostgreSQL and one Redis, clients
on each. Every message reaches every member exactly once; a removal, a new group agreement or a
site role taken back, made through one server, silences the socket on the other within a second;
when a server dies, its clients reconnect to the other and get what they missed, once."""
from __future__ import annotations

import threading
import time

import pytest
import requests

from tests.helpers.chat import ChatClient, wait_for as _wait
from tests.helpers.servers import cluster, services  # noqa: F401  (fixtures)
from tests.helpers.servers import page_csrf as _csrf, signed_in_session as _session

pytestmark = pytest.mark.services


@pytest.fixture(scope="module", autouse=True)
def _generous_send_limit():
    """The servers inherit this environment: two people send 25 messages each at once here."""
    import os
    before = os.environ.get("HUB_CHAT_SEND_LIMIT")
    os.environ["HUB_CHAT_SEND_LIMIT"] = "1000 per minute"
    yield
    if before is None:
        os.environ.pop("HUB_CHAT_SEND_LIMIT", None)
    else:
        os.environ["HUB_CHAT_SEND_LIMIT"] = before


def _channel(s: requests.Session, base: str, name: str) -> dict:
    return next(c for c in s.get(base + "/api/v1/channels").json()["items"] if c["name"] == name)


def test_every_message_reaches_every_member_once_across_two_servers(cluster):  # noqa: F811
    a, b = cluster
    people = [("participant@demo.hub", a), ("maria.hernández@demo.hub", b), ("kevin.tran@demo.hub", a),
              ("rosa.delgado@demo.hub", b)]
    sessions = [(_session(base, email), base) for email, base in people]
    huddle = _channel(sessions[0][0], a, "huddle")
    clients = [ChatClient(base, s) for s, base in sessions]
    try:
        for client in clients:
            assert client.call("join", {"channel_id": huddle["id"], "after_seq": huddle["last_seq"]})["ok"]
        acks: dict[int, list] = {0: [], 1: []}

        def write(index: int):
            for n in range(25):
                acks[index].append(clients[index].call("send", {"channel_id": huddle["id"], "body": f"{index}-{n}",
                                                                "client_id": f"scale-{index}-{n}"}))

        writers = [threading.Thread(target=write, args=(i,)) for i in (0, 1)]  # one on each server
        for w in writers:
            w.start()
        for w in writers:
            w.join()
        sent = [ack["message"] for i in (0, 1) for ack in acks[i]]
        assert all(ack["ok"] for i in (0, 1) for ack in acks[i])
        ids = {m["id"] for m in sent}
        seqs = sorted(m["seq"] for m in sent)
        assert seqs == list(range(huddle["last_seq"] + 1, huddle["last_seq"] + 51)), "distinct, gapless seqs"
        for client in clients:
            assert _wait(lambda: {m["id"] for m in client.messages()} >= ids), "every message arrived"
        time.sleep(0.5)  # a late duplicate would show here
        for client in clients:
            got = [m["id"] for m in client.messages() if m["id"] in ids]
            assert sorted(got) == sorted(ids), "each exactly once"
        # A retried send (say, after a lost ack) is stored once, whichever server it reaches.
        retry = clients[2].call("send", {"channel_id": huddle["id"], "body": "k", "client_id": "scale-k"})
        retry_elsewhere = ChatClient(b, sessions[2][0])
        again = retry_elsewhere.call("send", {"channel_id": huddle["id"], "body": "k", "client_id": "scale-k"})
        retry_elsewhere.close()
        assert again["duplicate"] is True and again["message"]["id"] == retry["message"]["id"]
        retry = clients[0].call("send", {"channel_id": huddle["id"], "body": "0-0", "client_id": "scale-0-0"})
        assert retry["duplicate"] is True and retry["message"]["id"] == acks[0][0]["message"]["id"]
    finally:
        for client in clients:
            client.close()


def test_a_member_removed_through_one_server_hears_nothing_more_on_the_other(cluster):  # noqa: F811
    a, b = cluster
    member, facilitator = _session(a, "member@demo.hub"), _session(b, "facilitator@demo.hub")
    caucus_chat = _channel(member, a, "caucus-chat")
    me = member.get(a + "/api/v1/me").json()
    listening, speaking = ChatClient(a, member), ChatClient(b, facilitator)
    try:
        for client in (listening, speaking):
            assert client.call("join", {"channel_id": caucus_chat["id"], "after_seq": caucus_chat["last_seq"]})["ok"]
        speaking.call("send", {"channel_id": caucus_chat["id"], "body": "before", "client_id": "rm-before"})
        assert _wait(lambda: [m["body"] for m in listening.messages()] == ["before"])
        removed = facilitator.delete(f"{b}/api/v1/spaces/{caucus_chat['space_id']}/members/{me['id']}",
                                     json={"reason": "chat scale-out test"},
                                     headers={"X-CSRFToken": _csrf(facilitator, b)})
        assert removed.status_code == 204
        asked = time.monotonic()
        assert _wait(lambda: any(n == "channel_access_ended" for n, _d in listening.events), 3)
        assert time.monotonic() - asked < 1.0, "evicted within a second"
        speaking.call("send", {"channel_id": caucus_chat["id"], "body": "after", "client_id": "rm-after"})
        time.sleep(1.0)
        assert [m["body"] for m in listening.messages()] == ["before"], "nothing more arrives"
        refused = listening.call("join", {"channel_id": caucus_chat["id"], "after_seq": 0})
        assert refused["error"]["code"] == "not_found"
    finally:
        listening.close()
        speaking.close()


def _silenced_across_servers(listening, speaking, lost: dict, kept: dict, asked: float, key: str) -> None:
    """Evicted within a second on the other server; then a message in the lost channel never
    arrives, while one sent after it in a channel still readable does (emitted in that order)."""
    assert _wait(lambda: lost["id"] in {i for n, d in listening.events if n == "channel_access_ended"
                                        for i in d["channel_ids"]}, 3)
    assert time.monotonic() - asked < 1.0, "evicted within a second"
    speaking.call("send", {"channel_id": lost["id"], "body": "after", "client_id": f"{key}-after"})
    speaking.call("send", {"channel_id": kept["id"], "body": "still yours", "client_id": f"{key}-kept"})
    assert _wait(lambda: "still yours" in [m["body"] for m in listening.messages()])
    assert "after" not in [m["body"] for m in listening.messages()], "nothing more arrives"
    assert listening.call("join", {"channel_id": lost["id"], "after_seq": 0})["error"]["code"] == "not_found"


def test_a_new_agreement_made_on_one_server_takes_members_out_on_the_other(cluster):  # noqa: F811
    a, b = cluster
    hannah, jamal = _session(a, "hannah.cohen@demo.hub"), _session(b, "coach@demo.hub")
    circle, cohort_chat = _channel(hannah, a, "check-ins"), _channel(hannah, a, "cohort-chat")
    listening, speaking = ChatClient(a, hannah), ChatClient(b, jamal)
    try:
        for client in (listening, speaking):
            for ch in (circle, cohort_chat):
                assert client.call("join", {"channel_id": ch["id"], "after_seq": ch["last_seq"]})["ok"]
        changed = jamal.patch(f"{b}/api/v1/spaces/{circle['space_id']}", json={"agreement": "Revised: accept again."},
                              headers={"X-CSRFToken": _csrf(jamal, b)})
        assert changed.status_code == 200, changed.text
        _silenced_across_servers(listening, speaking, circle, cohort_chat, time.monotonic(), "agreement")
    finally:
        listening.close()
        speaking.close()


def test_a_site_role_taken_back_on_one_server_takes_the_person_out_on_the_other(cluster):  # noqa: F811
    a, b = cluster
    lucia, avery = _session(a, "trainer@demo.hub"), _session(b, "admin@demo.hub")
    renee = _session(b, "facilitator@demo.hub")
    huddle, general = _channel(_session(a, "rosa.delgado@demo.hub"), a, "huddle"), _channel(lucia, a, "general")
    listening, speaking = ChatClient(a, lucia), ChatClient(b, renee)
    try:
        for client in (listening, speaking):
            for ch in (huddle, general):
                assert client.call("join", {"channel_id": ch["id"], "after_seq": ch["last_seq"]})["ok"]
        me = lucia.get(a + "/api/v1/me").json()
        changed = avery.patch(f"{b}/api/v1/people/{me['id']}", json={"site_role": "participant"},
                              headers={"X-CSRFToken": _csrf(avery, b)})
        assert changed.status_code == 200, changed.text
        _silenced_across_servers(listening, speaking, huddle, general, time.monotonic(), "role")
    finally:
        listening.close()
        speaking.close()


def test_when_a_server_dies_its_clients_reconnect_to_the_other_and_miss_nothing(cluster):  # noqa: F811
    """Runs last in this module: it leaves server A dead."""
    a, b = cluster
    reader_session, writer_session = _session(a, "kevin.tran@demo.hub"), _session(b, "participant@demo.hub")
    huddle = _channel(reader_session, a, "huddle")
    reader, writer = ChatClient(a, reader_session), ChatClient(b, writer_session)
    try:
        assert reader.call("join", {"channel_id": huddle["id"], "after_seq": huddle["last_seq"]})["ok"]
        assert writer.call("join", {"channel_id": huddle["id"], "after_seq": huddle["last_seq"]})["ok"]
        first = writer.call("send", {"channel_id": huddle["id"], "body": "before the crash", "client_id": "crash-0"})
        assert _wait(lambda: [m["id"] for m in reader.messages()] == [first["message"]["id"]])
        last_seen = max(m["updated_seq"] for m in reader.messages())
        # Kill server A (started by this module's cluster fixture): its master and workers, by pid.
        import subprocess
        port = a.rsplit(":", 1)[1]
        pids = subprocess.run(["fuser", f"{port}/tcp"], capture_output=True, text=True).stdout.split()
        assert pids, "server A's processes were found"
        for pid in pids:
            subprocess.run(["kill", "-9", pid])
        assert _wait(lambda: not reader.sio.connected, 10), "the reader lost its server"
        during = [writer.call("send", {"channel_id": huddle["id"], "body": f"during {i}", "client_id": f"crash-{i}"})
                  for i in range(1, 6)]
        reconnected = ChatClient(b, reader_session)
        missed = reconnected.call("join", {"channel_id": huddle["id"], "after_seq": last_seen})["missed"]
        assert [m["id"] for m in missed] == [d["message"]["id"] for d in during], "what it missed, once, in order"
        reconnected.close()
    finally:
        reader.close()
        writer.close()
