"""Chat across processes: two gunicorn gevent servers on one PostgreSQL and one Redis, clients
on each. Every message reaches every member exactly once; a removal made through one server
silences the removed member's socket on the other within a second; when a server dies, its
clients reconnect to the other and get what they missed, once."""
from __future__ import annotations

import threading
import time

import pytest
import requests

from tests.test_scaleout import _csrf, _session, cluster, services  # noqa: F401  (fixtures)

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


class ChatClient:
    def __init__(self, base: str, session: requests.Session):
        import socketio
        self.events: list[tuple[str, dict]] = []
        self.lock = threading.Lock()
        self.sio = socketio.Client(reconnection=False)
        for name in ("message", "message_edited", "channel_access_ended"):
            self.sio.on(name, self._keeper(name), namespace="/chat")
        cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
        self.sio.connect(base, headers={"Cookie": cookie}, transports=["websocket"], namespaces=["/chat"])

    def _keeper(self, name):
        def keep(data):
            with self.lock:
                self.events.append((name, data))
        return keep

    def call(self, event: str, data: dict):
        return self.sio.call(event, data, namespace="/chat", timeout=10)

    def messages(self):
        with self.lock:
            return [data for name, data in self.events if name == "message"]

    def close(self):
        if self.sio.connected:
            self.sio.disconnect()


def _channel(s: requests.Session, base: str, name: str) -> dict:
    return next(c for c in s.get(base + "/api/v1/channels").json()["items"] if c["name"] == name)


def _wait(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


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
