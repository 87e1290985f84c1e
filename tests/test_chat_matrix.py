"""The chat access matrix: persona x chat surface x space kind, every cell asserted. A channel
one may not read answers exactly like a missing one, on every surface (page, history API,
one message, read state, mention autocomplete, socket join/send, unread counts)."""
from __future__ import annotations

import pytest

from hub import policy
from hub.chat import services
from hub.chat.models import Channel
from hub.extensions import db
from tests.helpers.chat import chat_socket, emit
from tests.helpers import api_write, login, without_request_tokens
from tests.helpers.matrix import PERSONAS, READS, SPACES, space_named as _space

MISSING = 999_999
STAFF = {"facilitator", "other_facilitator", "admin"}
# Who moderates each space's channels: site staff outside affinity spaces, else its facilitators.
STAFF_OF = {"commons": STAFF, "cohort": STAFF, "team": STAFF, "other_team": STAFF, "affinity": {"facilitator"},
            "secret": {"facilitator"}, "other_affinity": {"other_facilitator"}}


@pytest.fixture
def channels(app, world):
    """A channel with one message in every space of the world, written by someone who may."""
    writers = {"commons": world.participant, "cohort": world.participant, "team": world.participant,
               "other_team": world.outsider, "affinity": world.member, "secret": world.member,
               "other_affinity": world.other_facilitator}
    made = {}
    with app.test_request_context():
        for name in SPACES:
            space = _space(world, name)
            creator = world.admin if space.kind != "affinity" else (
                world.other_facilitator if name == "other_affinity" else world.facilitator)
            channel = services.create_channel(creator, space, {"name": f"{name}-room"})
            message = services.send(writers[name], channel, {"body": f"words-in-{name}", "client_id": name}).message
            made[name] = (channel.id, message.id, writers[name].id)
    return made


def _client(app, world, persona):
    client = app.test_client()
    if persona not in ("anon", "deactivated"):
        login(client, getattr(world, persona))
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_chat_pages_and_api(app, world, channels, persona):
    client = _client(app, world, persona)
    surfaces = ["/chat/channels/{c}", "/api/v1/channels/{c}", "/api/v1/channels/{c}/messages",
                "/api/v1/messages/{m}", "/api/v1/channels/{c}/read", "/api/v1/channels/{c}/mentionable?q=",
                "/api/v1/channels/{c}/presence", "/api/v1/messages/{m}/replies", "/api/v1/channels/{c}/subscription"]
    for name in SPACES:
        channel_id, message_id, author_id = channels[name]
        reads = name in READS[persona]
        for surface in surfaces:
            url = surface.format(c=channel_id, m=message_id)
            response = client.get(url)
            if persona in ("anon", "deactivated"):
                assert response.status_code in (302, 401), (persona, url)
                continue
            if reads:
                assert response.status_code == 200, (persona, name, url)
                continue
            missing = client.get(surface.format(c=MISSING, m=MISSING))
            assert response.status_code == missing.status_code == 404, (persona, name, url)
            assert without_request_tokens(response) == without_request_tokens(missing), (persona, name, url)
            assert f"words-in-{name}" not in response.get_data(as_text=True)
        if persona not in ("anon", "deactivated"):
            page = client.get(f"/chat/channels/{channel_id}").get_data(as_text=True)
            assert (f"words-in-{name}" in page) is reads, (persona, name)


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in ("anon", "deactivated")])
def test_chat_writes_and_listings(app, world, channels, persona):
    client = _client(app, world, persona)
    listed = {c["id"]: c for c in client.get("/api/v1/channels").get_json()["items"]}
    for name in SPACES:
        channel_id, message_id, author_id = channels[name]
        reads = name in READS[persona]
        sent = api_write(client, "POST", f"/api/v1/channels/{channel_id}/messages",
                         {"body": f"{persona} writes", "client_id": f"{persona}-{name}"})
        reacted = api_write(client, "POST", f"/api/v1/messages/{message_id}/reactions", {"kind": "heart"})
        read = api_write(client, "POST", f"/api/v1/channels/{channel_id}/read", {"seq": 1})
        managed = api_write(client, "PATCH", f"/api/v1/channels/{channel_id}", {"topic": f"{persona} was here"})
        if reads:
            assert sent.status_code == 201 and reacted.status_code == 200 and read.status_code == 200, (persona, name)
            may_manage = policy.can(getattr(world, persona), "channel.manage", db.session.get(Channel, channel_id))
            assert managed.status_code == (200 if may_manage else 403), (persona, name)
            assert may_manage is (persona in STAFF_OF[name]), (persona, name)
        else:
            for response in (sent, reacted, read, managed):
                assert response.status_code == 404, (persona, name)
            assert channel_id not in listed
        # The sidebar lists the channels of spaces one belongs to (staff open others from the space).
        if channel_id in listed:
            assert reads and listed[channel_id]["unread"] >= 0


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in ("anon", "deactivated")])
def test_chat_socket_join_send_and_missed(app, world, channels, persona):
    sock = chat_socket(app, app.test_client(), getattr(world, persona))
    assert sock.is_connected("/chat")
    missing_join = emit(sock, "join", {"channel_id": MISSING, "after_seq": 0})
    missing_send = emit(sock, "send", {"channel_id": MISSING, "body": "x", "client_id": "m"})
    for name in SPACES:
        channel_id, message_id, author_id = channels[name]
        reads = name in READS[persona]
        joined = emit(sock, "join", {"channel_id": channel_id, "after_seq": 0})
        sent = emit(sock, "send", {"channel_id": channel_id, "body": "socket words", "client_id": f"s-{name}"})
        edited = emit(sock, "edit", {"message_id": message_id, "body": "changed"})
        if reads:
            assert joined["ok"] and [m["body"] for m in joined["missed"]][0] == f"words-in-{name}", (persona, name)
            assert sent["ok"], (persona, name)
            if author_id == getattr(world, persona).id:
                assert edited["ok"]
            else:
                assert edited["error"]["code"] == "forbidden", "only its author edits a message"
        else:
            assert joined == missing_join and sent == missing_send, (persona, name)
            assert edited == emit(sock, "edit", {"message_id": MISSING, "body": "changed"})
    received = [m for m in sock.get_received("/chat") if m["name"] in ("message", "typing", "presence")]
    texts = str(received)
    for name in SPACES:
        if name not in READS[persona]:
            assert f"words-in-{name}" not in texts



def test_a_hidden_channel_or_message_costs_the_same_queries_as_a_missing_one(app, world, channels):
    """Timing must not tell a hidden channel from a missing one (bench/not_found_timing.py measures
    it): a 404 for either runs the same statements, on the page, in the API and on the socket."""
    import re

    from sqlalchemy import event
    outsider = _client(app, world, "outsider")
    channel_id, message_id, _author = channels["secret"]
    sock = chat_socket(app, app.test_client(), world.outsider)

    def statements(call) -> list[str]:
        seen: list[str] = []

        def keep(_conn, _cursor, statement, *_args):
            seen.append(re.sub(r"\s+", " ", statement))
        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            call()
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
        return seen

    for surface in ("/chat/channels/{c}", "/api/v1/channels/{c}/messages", "/api/v1/messages/{m}",
                    "/api/v1/messages/{m}/replies"):
        hidden = statements(lambda: outsider.get(surface.format(c=channel_id, m=message_id)))
        missing = statements(lambda: outsider.get(surface.format(c=MISSING, m=MISSING)))
        assert hidden == missing, (surface, hidden, missing)
    hidden = statements(lambda: emit(sock, "join", {"channel_id": channel_id, "after_seq": 0}))
    missing = statements(lambda: emit(sock, "join", {"channel_id": MISSING, "after_seq": 0}))
    assert hidden == missing
