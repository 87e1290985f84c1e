"""Notification email through a real SMTP server: immediately or as digests, re-checked at the
moment of sending, and never carrying words from team or affinity spaces."""
from __future__ import annotations

import time

import pytest

from hub.extensions import db
from hub.notify import email
from hub.notify.models import EmailSettings
from hub.spaces import membership
from tests.helpers import factories as f


@pytest.fixture
def app(mail_app):
    return mail_app  # the `world` personas live on an app that sends through the SMTP server


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def _prefer(person, frequency):
    db.session.merge(EmailSettings(user_id=person.id, frequency=frequency))
    db.session.commit()


def _mail_to(smtp_server, person, wait=5.0):
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        found = [m for m in smtp_server.messages if m["To"] == person.email]
        if found:
            return found
        time.sleep(0.05)
    return []


def _text(message) -> str:
    return message["Subject"] + "\n" + (message.get_payload(decode=True) or b"").decode()


def test_immediate_email_from_a_cohort_carries_the_words(smtp_server, world, ctx):
    _prefer(world.teammate, "immediately")
    f.thread(world.participant, world.cohort.space, "Readmission data", f"@{world.teammate.username} see the chart")
    [message] = _mail_to(smtp_server, world.teammate)
    assert "Readmission data" in _text(message) and "see the chart" in _text(message)
    assert "/posts/" in _text(message)


def test_immediate_email_from_a_team_or_affinity_space_is_only_a_count_and_a_link(smtp_server, world, ctx):
    _prefer(world.teammate, "immediately")
    _prefer(world.facilitator, "immediately")
    f.thread(world.participant, world.team.space, "Team-only plan", f"@{world.teammate.username} private words")
    f.thread(world.member, world.secret, "Circle-only words", f"@{world.facilitator.username} heavy week")
    for person in (world.teammate, world.facilitator):
        [message] = _mail_to(smtp_server, person)
        text = _text(message)
        assert "private space" in text and "/notifications" in text
        for secret in ("Team-only plan", "private words", "Circle-only words", "heavy week", "Secret Circle",
                       "Clinic Team"):
            assert secret not in text


def test_digests_recheck_the_policy_when_they_are_sent(smtp_server, world, ctx):
    _prefer(world.member, "daily")
    _prefer(world.participant, "daily")
    f.thread(world.facilitator, world.secret, "For the circle", f"@{world.member.username} welcome")
    f.thread(world.teammate, world.cohort.space, "Cohort news", f"@{world.participant.username} look")
    membership.remove(world.facilitator, world.secret, world.member, "left the program")
    assert email.send_digests("daily") == 1, "the removed member's only notification is no longer theirs"
    [digest] = _mail_to(smtp_server, world.participant)
    assert "Cohort news" in _text(digest) and "summary" in _text(digest)
    assert _mail_to(smtp_server, world.member, wait=0.2) == []
    assert email.send_digests("daily") == 0, "a day has not passed; nothing new either"


def test_never_and_weekly_are_respected(smtp_server, world, ctx):
    _prefer(world.participant, "never")
    _prefer(world.teammate, "weekly")
    f.thread(world.facilitator, world.cohort.space, "Session 4", f"@{world.participant.username} @{world.teammate.username}")
    assert email.send_digests("daily") == 0
    assert email.send_digests("weekly") == 1
    assert [m["To"] for m in smtp_server.messages] == [world.teammate.email]
