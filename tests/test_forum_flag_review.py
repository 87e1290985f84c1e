"""Issue 17, item 7: a flag reaches the people who review it (the policy's audience), the Flags tab
says how many wait, site staff have one review queue across the spaces they moderate, and flags,
the moderation log and the audit log speak in words rather than codes."""
from __future__ import annotations

import time

from sqlalchemy import select

from hub.extensions import db
from hub.forums import moderation
from hub.notify import services as notify
from hub.notify.models import EmailSettings, Notification
from hub.spaces import membership
from tests.helpers import factories as f
from tests.helpers import opening_post as _opening, post_form, signed_in as _signed_in


def _flag_notes():
    return {n.user_id: n for n in db.session.scalars(select(Notification).where(Notification.kind == "flag"))}


def test_a_flag_in_a_cohort_reaches_the_staff_who_moderate_it(world, ctx):
    """The cohort has no facilitator of its own: its flags reached nobody. Its reviewers are the site
    staff who moderate it (policy.audience of the flag), worded with the reason, never the reporter."""
    thread = f.thread(world.participant, world.cohort.space, "Our data", "Something rude")
    flag = moderation.flag_post(world.teammate, _opening(thread), "off_topic")
    notes = _flag_notes()
    assert set(notes) == {world.facilitator.id, world.other_facilitator.id, world.admin.id}
    note = notes[world.admin.id]
    assert "Tess Teammate flagged a post in “Our data”: Off topic" == note.text and "off_topic" not in note.text
    assert note.link == f"/spaces/{world.cohort.space.slug}/flags#flag-{flag.id}"
    assert note.subject_type == "flag" and note.requires == "flag.review"
    assert [n.text for n in notify.visible(world.admin)] == [note.text]


def test_a_flag_in_an_affinity_space_reaches_its_facilitators_only(world, ctx):
    thread = f.thread(world.member, world.secret, "Circle", "Circle words")
    reply = f.reply(world.facilitator, thread, "A heavy reply")
    moderation.flag_post(world.member, reply, "harmful")
    assert set(_flag_notes()) == {world.facilitator.id}  # not the staff who cannot read the circle
    first = f.thread(world.member, world.secret, "Another", "words")
    moderation.flag_post(world.facilitator, _opening(first), "spam")
    assert len([n for n in db.session.scalars(select(Notification).where(Notification.kind == "flag"))]) == 1, \
        "a flag's reviewer who flagged it is not told of their own flag"


def test_a_flag_email_carries_no_words_from_a_team_space(mail_app, smtp_server):
    from tests.conftest import make_world
    with mail_app.app_context(), mail_app.test_request_context():
        world = make_world()
        db.session.merge(EmailSettings(user_id=world.admin.id, frequency="immediately"))
        db.session.commit()
        thread = f.thread(world.participant, world.team.space, "PROBE-TEAM-FLAG-TITLE", "team words")
        moderation.flag_post(world.teammate, _opening(thread), "privacy", "PROBE-TEAM-FLAG-MESSAGE")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not [m for m in smtp_server.messages if m["To"] == world.admin.email]:
            time.sleep(0.05)
        [message] = [m for m in smtp_server.messages if m["To"] == world.admin.email]
        text = message["Subject"] + (message.get_payload(decode=True) or b"").decode()
        assert "PROBE-TEAM-FLAG" not in text and "Shares private" not in text
        assert notify.unread_count(world.admin) == 1


def test_the_flags_tab_counts_what_waits_and_the_queue_speaks_in_words(app, world, ctx):
    thread = f.thread(world.participant, world.cohort.space, "Counted", "words")
    opening = _opening(thread)
    moderation.flag_post(world.teammate, opening, "harmful")
    moderation.flag_post(world.facilitator, opening, "spam")
    forum_page = f"/spaces/{world.cohort.space.slug}/forum"
    staff = _signed_in(app, world.other_facilitator)
    tabs = staff.get(forum_page).get_data(as_text=True).split('class="space-tabs"')[1].split("</nav>")[0]
    assert 'Flags <span class="tab-count">2<span class="visually-hidden"> waiting for review</span>' in tabs
    assert "Flags" not in _signed_in(app, world.participant).get(forum_page).get_data(as_text=True).split(
        'class="space-tabs"')[1].split("</nav>")[0]
    queue = staff.get(f"/spaces/{world.cohort.space.slug}/flags").get_data(as_text=True)
    assert "Harmful or disrespectful" in queue and "Spam" in queue and ": harmful" not in queue
    api = staff.get(f"/api/v1/spaces/{world.cohort.space.id}/flags").get_json()["items"]
    assert {i["reason_label"] for i in api} == {"Harmful or disrespectful", "Spam"}


def test_site_staff_review_every_space_they_moderate_in_one_queue(app, world, ctx):
    cohort_thread = f.thread(world.participant, world.cohort.space, "Cohort words", "words")
    commons_thread = f.thread(world.outsider, world.commons, "Commons words", "words")
    circle_thread = f.thread(world.member, world.secret, "PROBE-CIRCLE-FLAGGED", "words")
    moderation.flag_post(world.teammate, _opening(cohort_thread), "off_topic")
    commons_flag = moderation.flag_post(world.participant, _opening(commons_thread), "other", "Please look")
    moderation.flag_post(world.member, f.reply(world.facilitator, circle_thread, "reply"), "harmful")
    admin = _signed_in(app, world.admin)
    page = admin.get("/flags")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "2 flags wait for review in the spaces you moderate." in text
    assert world.cohort.space.name in text and world.commons.name in text and "Off topic" in text
    assert "PROBE-CIRCLE-FLAGGED" not in text, "an admin does not read the circle"
    assert "Review queue" in admin.get("/latest").get_data(as_text=True)
    api = admin.get("/api/v1/flags").get_json()["items"]
    assert [(i["space"]["name"], i["reason_label"]) for i in api] == [(world.cohort.space.name, "Off topic"),
                                                                      (world.commons.name, "Something else")]
    mine = _signed_in(app, world.facilitator).get("/api/v1/flags").get_json()["items"]
    assert len(mine) == 3, "the circle's facilitator reviews its flags too"
    participant = _signed_in(app, world.participant)
    assert participant.get("/flags").status_code == 403 and participant.get("/api/v1/flags").status_code == 403
    assert "Review queue" not in participant.get("/latest").get_data(as_text=True)
    done = post_form(admin, f"/flags/{commons_flag.id}/resolve", {"action": "dismiss", "next": "/flags"},
                     token_from="/flags")
    assert done.status_code == 302 and done.headers["Location"].endswith("/flags")
    assert len(admin.get("/api/v1/flags").get_json()["items"]) == 1
    evil = post_form(admin, f"/flags/{api[0]['id']}/resolve", {"action": "dismiss", "next": "//evil.example"},
                     token_from="/flags")
    assert "evil.example" not in evil.headers["Location"]


def test_the_moderation_and_audit_logs_speak_in_words(app, world, ctx):
    thread = f.thread(world.participant, world.commons, "Logged", "words")
    flag = moderation.flag_post(world.teammate, _opening(thread), "harmful")
    moderation.resolve_flag(world.facilitator, flag, "dismiss")
    staff = _signed_in(app, world.admin)
    log = staff.get(f"/spaces/{world.commons.slug}/moderation").get_data(as_text=True)
    assert "dismissed a flag" in log and "Harmful or disrespectful" in log and "<td>harmful</td>" not in log
    entry = staff.get(f"/api/v1/spaces/{world.commons.id}/moderation-log").get_json()["items"][0]
    assert entry["action"] == "flag_dismiss" and entry["action_label"] == "dismissed a flag"
    outsider = world.outsider
    asked = membership.request_to_join(outsider, world.affinity, "Hello")
    membership.decide(world.facilitator, asked, True, "Welcome")
    facilitator = _signed_in(app, world.facilitator)
    audit = facilitator.get(f"/spaces/{world.affinity.slug}/audit").get_data(as_text=True)
    assert "approved a request to join" in audit and "request_approved" not in audit
    assert "asked to join" in audit and "join_requested" not in audit
    items = facilitator.get(f"/api/v1/spaces/{world.affinity.id}/audit").get_json()["items"]
    assert {"request_approved": "approved a request to join"}.items() <= {i["action"]: i["action_label"]
                                                                           for i in items}.items()
