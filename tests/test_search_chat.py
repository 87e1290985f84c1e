"""Chat messages in search: a space channel's messages for the space's readers, a direct
conversation's only for its participants; edits and deletions searchable at once."""
from __future__ import annotations

import pytest

from hub import search
from hub.chat import services as chat
from tests.helpers.chat import channel


def found(user, text):
    return [(h.kind, h.id) for h in search.search(user, text).hits]


def say(app, person, where, body):
    with app.test_request_context():
        message, *_created = chat.send(person, where, {"body": body, "client_id": f"c-{body[:20]}"})
    return message


@pytest.fixture
def channels(app, world):
    return {"cohort": channel(app, world.cohort.space, "cohort-talk"),
            "secret": channel(app, world.secret, "caucus", by=world.facilitator)}


def test_space_channel_messages_follow_the_space(app, world, channels):
    note = say(app, world.participant, channels["cohort"], "The pangolin dashboard is live")
    assert found(world.teammate, "pangolin") == [("message", note.id)]
    assert found(world.outsider, "pangolin") == []
    assert ("message", note.id) in found(world.teammate, "dashboard type:message")
    secret = say(app, world.member, channels["secret"], "Caucus pangolin check-in")
    assert found(world.member, "pangolin check-in") == [("message", secret.id)]
    assert ("message", secret.id) not in found(world.participant, "pangolin")
    assert ("message", secret.id) not in found(world.admin, "pangolin")


def test_direct_conversations_reach_only_their_participants(app, world):
    with app.test_request_context():
        dm = chat.start_dm(world.participant, [world.teammate])
    note = say(app, world.participant, dm, "Private tapir question")
    assert found(world.teammate, "tapir") == [("message", note.id)]
    assert found(world.participant, "tapir") == [("message", note.id)]
    for persona in ("outsider", "facilitator", "admin", "member"):
        assert found(getattr(world, persona), "tapir") == [], persona


def test_edits_and_deletions_are_searchable_at_once(app, world, channels):
    note = say(app, world.participant, channels["cohort"], "Meeting about axolotl data")
    with app.test_request_context():
        chat.edit(world.participant, note, {"body": "Meeting about okapi data"})
    assert found(world.teammate, "axolotl") == [] and found(world.teammate, "okapi") == [("message", note.id)]
    with app.test_request_context():
        chat.delete(world.participant, note)
    assert found(world.teammate, "okapi") == []
