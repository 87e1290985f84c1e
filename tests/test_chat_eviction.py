"""Eviction is immediate, whatever takes a channel away: a removal from the space or from the
team that opened it, a new group agreement, a space made narrower, a site role taken back.
Real python-socketio clients against a live server (the demo collaborative, SQLite). None of
these clients ever sends a presence heartbeat, so whatever they stop hearing, they stop hearing
because of the change itself.

How "nothing more" is proved without guessing at a sleep: after the change, the same sender
writes first in the lost channel, then in a channel the listener still reads; the server emits
them in that order, so once the second has arrived the first would have arrived too. The
two-server version (Redis between the processes) is in tests/test_chat_scaleout.py."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.helpers.chat import ChatClient, wait_for
from tests.conftest import free_port
from tests.helpers import wait_until_serving
from tests.helpers.servers import page_csrf as _csrf, signed_in_session as _session

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def hub_server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("eviction")
    port = free_port()
    env = dict(os.environ, HUB_INSTANCE_PATH=str(instance), HUB_BASE_URL=f"http://127.0.0.1:{port}",
               HUB_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000", HUB_LOGIN_LIMIT_PER_ACCOUNT="100 per minute",
               HUB_LOGIN_LIMIT_PER_IP="300 per minute", HUB_CHAT_SEND_LIMIT="1000 per minute")
    for key in [k for k in env if k.startswith(("HUB_DATABASE", "HUB_REDIS", "HUB_SMTP"))]:
        env.pop(key)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["hub", "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    log = open(instance / "server.log", "w")
    server = subprocess.Popen(flask + ["hub", "serve", "--port", str(port)], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    if not wait_until_serving(base):
        server.kill()
        pytest.fail("the server did not start:\n" + (instance / "server.log").read_text()[-3000:])
    yield base
    server.terminate()
    server.wait(timeout=10)
    log.close()


class Hub:
    """The live server, with one signed-in session per person (sign-in is rate limited)."""

    def __init__(self, base: str):
        self.base, self.sessions, self.clients = base, {}, []

    def session(self, email: str) -> requests.Session:
        if email not in self.sessions:
            self.sessions[email] = _session(self.base, email)
        return self.sessions[email]

    def client(self, email: str, *channels: dict) -> ChatClient:
        client = ChatClient(self.base, self.session(email))
        self.clients.append(client)
        for ch in channels:
            assert client.call("join", {"channel_id": ch["id"], "after_seq": ch["last_seq"]})["ok"], ch
        return client

    def channel(self, name: str, reader: str = "participant@demo.hub") -> dict:
        """A channel by name, as listed in the chat sidebar of someone who belongs to its space."""
        listed = self.session(reader).get(self.base + "/api/v1/channels").json()["items"]
        return next(c for c in listed if c["name"] == name)

    def me(self, email: str) -> dict:
        return self.session(email).get(self.base + "/api/v1/me").json()

    def write(self, email: str, method: str, path: str, payload: dict) -> requests.Response:
        s = self.session(email)
        return s.request(method, self.base + path, json=payload, headers={"X-CSRFToken": _csrf(s, self.base)})

    def say(self, client: ChatClient, ch: dict, body: str) -> dict:
        ack = client.call("send", {"channel_id": ch["id"], "body": body, "client_id": f"ev-{time.monotonic_ns()}"})
        assert ack.get("ok"), ack
        return ack["message"]


@pytest.fixture
def hub(hub_server):
    found = Hub(hub_server)
    yield found
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max(1, len(found.clients))) as pool:  # each close waits on its reader thread
        list(pool.map(ChatClient.close, found.clients))


def _bodies(client: ChatClient) -> list[str]:
    return [m["body"] for m in client.messages()]


def _evicted_then_silent(hub: Hub, listener: ChatClient, speaker: ChatClient, lost: list[dict], kept: dict,
                         started: float) -> None:
    """The listener hears channel_access_ended for every lost channel within a second, and after
    that nothing written in them, while a channel it still reads keeps coming through."""
    lost_ids = {ch["id"] for ch in lost}
    assert wait_for(lambda: lost_ids <= {i for e in listener.heard("channel_access_ended") for i in e["channel_ids"]},
                    3), listener.heard("channel_access_ended")
    assert time.monotonic() - started < 1.0, "evicted at once, not at a heartbeat"
    for ch in lost:
        hub.say(speaker, ch, f"after the change in {ch['name']}")
    hub.say(speaker, kept, f"still for you in {kept['name']}")
    assert wait_for(lambda: f"still for you in {kept['name']}" in _bodies(listener)), _bodies(listener)
    assert not [b for b in _bodies(listener) if b.startswith("after the change")], _bodies(listener)
    for ch in lost:
        assert listener.call("join", {"channel_id": ch["id"], "after_seq": 0})["error"]["code"] == "not_found"


def test_a_member_removed_from_an_affinity_space_hears_nothing_more_from_its_channels(hub):
    caucus, general = hub.channel("caucus-chat", "member@demo.hub"), hub.channel("general")
    morgan = hub.client("member@demo.hub", caucus, general)
    renee = hub.client("facilitator@demo.hub", caucus, general)
    hub.say(renee, caucus, "before the removal")
    assert wait_for(lambda: "before the removal" in _bodies(morgan))
    started = time.monotonic()
    removed = hub.write("facilitator@demo.hub", "DELETE",
                        f"/api/v1/spaces/{caucus['space_id']}/members/{hub.me('member@demo.hub')['id']}",
                        {"reason": "eviction test"})
    assert removed.status_code == 204, removed.text
    _evicted_then_silent(hub, morgan, renee, [caucus], general, started)


def test_a_new_group_agreement_takes_members_out_until_they_accept_and_tells_no_one_else(hub):
    circle = hub.channel("check-ins", "hannah.cohen@demo.hub")
    cohort_chat, general = hub.channel("cohort-chat"), hub.channel("general")
    hannah = hub.client("hannah.cohen@demo.hub", circle, cohort_chat)
    jamal = hub.client("coach@demo.hub", circle, cohort_chat)
    pat = hub.client("participant@demo.hub", general)  # never a member: must hear nothing of the circle
    started = time.monotonic()
    changed = hub.write("coach@demo.hub", "PATCH", f"/api/v1/spaces/{circle['space_id']}",
                        {"agreement": "A revised agreement: please read and accept it again."})
    assert changed.status_code == 200, changed.text
    _evicted_then_silent(hub, hannah, jamal, [circle], cohort_chat, started)
    assert pat.heard("channel_access_ended") == [], "a non-member learns nothing about the secret space"
    # The coach wrote the new words (and so accepted them): still in the room.
    assert wait_for(lambda: "after the change in check-ins" in _bodies(jamal))
    accepted = hub.write("hannah.cohen@demo.hub", "POST", f"/api/v1/spaces/{circle['space_id']}/agreement/accept", {})
    assert accepted.status_code in (200, 204), accepted.text
    assert hannah.call("join", {"channel_id": circle["id"], "after_seq": 0})["ok"], "back once accepted"


def test_a_facilitator_whose_role_is_taken_back_leaves_the_team_channels_at_once(hub):
    huddle, general = hub.channel("huddle"), hub.channel("general")
    lucia = hub.client("trainer@demo.hub", huddle, general)  # a facilitator, on no team: reads as staff
    renee = hub.client("facilitator@demo.hub", huddle, general)
    started = time.monotonic()
    changed = hub.write("admin@demo.hub", "PATCH", f"/api/v1/people/{hub.me('trainer@demo.hub')['id']}",
                        {"site_role": "participant"})
    assert changed.status_code == 200, changed.text
    _evicted_then_silent(hub, lucia, renee, [huddle], general, started)


def test_someone_taken_off_a_team_leaves_its_channel_and_its_cohorts_at_once(hub):
    huddle, cohort_chat, general = hub.channel("huddle"), hub.channel("cohort-chat"), hub.channel("general")
    kevin = hub.client("kevin.tran@demo.hub", huddle, cohort_chat, general)
    renee = hub.client("facilitator@demo.hub", huddle, cohort_chat, general)
    teams = hub.session("admin@demo.hub").get(hub.base + "/api/v1/teams?limit=100").json()["items"]
    riverside = next(t for t in teams if t["name"] == "Riverside Diabetes Equity Team")
    started = time.monotonic()
    removed = hub.write("admin@demo.hub", "DELETE",
                        f"/api/v1/teams/{riverside['id']}/members/{hub.me('kevin.tran@demo.hub')['id']}", {})
    assert removed.status_code == 200, removed.text
    _evicted_then_silent(hub, kevin, renee, [huddle, cohort_chat], general, started)


def test_a_community_space_made_narrower_drops_its_new_outsiders_and_keeps_its_readers(hub):
    """Runs last here: the commons stops being open to everyone."""
    general, huddle = hub.channel("general"), hub.channel("huddle")
    pat = hub.client("participant@demo.hub", general, huddle)  # reads the commons only because it was open
    avery = hub.client("admin@demo.hub", general)  # staff: still reads it
    renee = hub.client("facilitator@demo.hub", general, huddle)
    started = time.monotonic()
    changed = hub.write("facilitator@demo.hub", "PATCH", f"/api/v1/spaces/{general['space_id']}",
                        {"visibility": "listed"})
    assert changed.status_code == 200, changed.text
    _evicted_then_silent(hub, pat, renee, [general], huddle, started)
    assert wait_for(lambda: "after the change in general" in _bodies(avery)), "a reader who still may read hears on"
    assert avery.heard("channel_access_ended") == []
