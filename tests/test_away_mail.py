"""Issue 17, item 9: email works out of the box. Mentions, direct messages and replies to your own
threads are emailed to people who are away (no page of the hub open, not read for a few minutes),
by default; digests stay a choice; `hub serve` runs the due mail and digests itself."""
from __future__ import annotations

import email as email_lib
from datetime import timedelta
from email import policy as email_policy
from pathlib import Path

from hub.realtime import SocketConnection
from hub.extensions import db, utcnow
from hub.notify import schedule
from hub.notify import services as notify
from hub.notify.away import send_due_mail
from hub.notify.models import Notification
from tests.helpers import factories as f

LATER = timedelta(minutes=11)


def _mail(app) -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(Path(app.config["OUTBOX_DIR"]).glob("*.eml")):
        message = email_lib.message_from_bytes(path.read_bytes(), policy=email_policy.default)
        found.append((str(message["To"]), str(message["Subject"]), message.get_body(("plain",)).get_content()))
    return found


def _mention(world, who, where=None):
    thread = f.thread(world.teammate, where or world.commons, "Teach-back", "Opening words")
    return f.reply(world.teammate, thread, f"What do you think, @{who.username}?")


def test_a_mention_reaches_an_away_person_by_email_once_after_the_delay(app, world, ctx):
    _mention(world, world.participant)
    assert send_due_mail() == 0, "not before the delay: they may read it in the meantime"
    assert send_due_mail(utcnow() + LATER) == 1
    sent = [m for m in _mail(app) if m[0] == world.participant.email]
    assert len(sent) == 1 and "mentioned you" in sent[0][1] and "What do you think" in sent[0][2]
    assert send_due_mail(utcnow() + LATER) == 0, "never twice"


def test_nobody_is_emailed_what_they_read_or_while_a_page_is_open_or_after_turning_it_off(app, world, ctx):
    note_post = _mention(world, world.participant)
    assert note_post is not None
    notify.mark_all_read(world.participant)
    _mention(world, world.facilitator)
    db.session.add(SocketConnection(sid="open-page", user_id=world.facilitator.id))
    _mention(world, world.member)
    notify.update_email_settings(world.member, {"when_away": False})
    db.session.commit()
    assert send_due_mail(utcnow() + LATER) == 0
    assert _mail(app) == [] or all(m[0] not in (world.participant.email, world.facilitator.email, world.member.email)
                                   for m in _mail(app))


def test_a_reply_counts_on_your_own_thread_only_and_private_words_stay_out(app, world, ctx):
    own = f.thread(world.participant, world.commons, "Mine", "My opening")
    f.reply(world.teammate, own, "A reply to Pat's thread")
    watched = f.thread(world.teammate, world.commons, "Theirs", "Their opening")
    from hub.notify.models import Watch
    db.session.add(Watch(user_id=world.participant.id, thread_id=watched.id, level="watching"))
    db.session.commit()
    f.reply(world.facilitator, watched, "A reply to a thread Pat only watches")
    team_thread = f.thread(world.teammate, world.team.space, "Team only", "Team words")
    f.reply(world.teammate, team_thread, f"@{world.participant.username} TEAM-SECRET-WORDS")
    assert send_due_mail(utcnow() + LATER) == 2  # Pat, and Tess for the reply to her own thread
    (to, _subject, body), = [m for m in _mail(app) if m[0] == world.participant.email]
    assert "A reply to Pat's thread" in body and "only watches" not in body
    assert "TEAM-SECRET-WORDS" not in body and "private space" in body
    replies = db.session.scalars(db.select(Notification).where(
        Notification.user_id == world.participant.id, Notification.kind == "reply")).all()
    assert sorted(n.emailed_at is None for n in replies) == [False, True], "the watched one waits for the digest"


def test_the_settings_page_and_api_turn_it_off_and_on(app, world):
    from tests.helpers import api_write, post_form
    from tests.helpers import signed_in
    pat = signed_in(app, world.participant)
    assert pat.get("/api/v1/me/email-settings").get_json() == {"frequency": "daily", "when_away": True}
    post_form(pat, "/notifications/settings", {"frequency": "weekly"}, token_from="/notifications/settings")
    assert pat.get("/api/v1/me/email-settings").get_json() == {"frequency": "weekly", "when_away": False}
    assert api_write(pat, "PUT", "/api/v1/me/email-settings", {"when_away": True}).get_json() == \
        {"frequency": "weekly", "when_away": True}
    assert api_write(pat, "PUT", "/api/v1/me/email-settings", {"when_away": "yes"}).status_code == 422


def test_the_serve_loop_sends_due_mail_and_digests_itself(app, world, ctx, monkeypatch):
    _mention(world, world.participant)
    for note in db.session.scalars(db.select(Notification)):
        note.created_at = utcnow() - LATER
    db.session.commit()
    monkeypatch.setattr(db.session, "remove", lambda: None)  # keep the test's own session
    schedule.run_once(app)
    assert any(m[0] == world.participant.email for m in _mail(app))
