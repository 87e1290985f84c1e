"""Issue 17, items 2, 3 and 4, and the chat smalls: what the chat sidebar lists (the policy's
"channel.list"), entries that arrive live, times in the person's zone, the people picker."""
from __future__ import annotations

import re
from datetime import datetime

from hub import policy
from hub.chat import services
from hub.chat.models import Message
from hub.extensions import db
from tests.helpers.chat import channel, chat_socket, emit, received, send
from tests.helpers import api_write, login, post_form


def _sidebar_ids(client) -> list[int]:
    return [c["id"] for c in client.get("/api/v1/channels").get_json()["items"]]


def test_a_facilitator_lists_the_cohort_channels_they_made_or_wrote_in_and_may_leave_and_join(app, make_client, world):
    cohort_space = world.cohort.space
    general = channel(app, cohort_space, "general")  # made by an admin
    fay = make_client()
    login(fay, world.facilitator)
    assert general.id not in _sidebar_ids(fay), "staff oversee every space: reading alone does not list a channel"
    page = fay.get(f"/chat/channels/{general.id}").get_data(as_text=True)
    assert "Join # general" in page and "This channel is not in your list." in page

    made = post_form(fay, f"/spaces/{cohort_space.slug}/chat", {"name": "coaching"}, token_from=f"/spaces/{cohort_space.slug}/chat")
    assert made.status_code == 302
    coaching_id = int(made.headers["Location"].rsplit("/", 1)[1])
    assert coaching_id in _sidebar_ids(fay), "a channel one has just made is in one's list"
    assert "Leave # coaching" in fay.get(made.headers["Location"]).get_data(as_text=True)

    said = api_write(fay, "POST", f"/api/v1/channels/{general.id}/messages", {"body": "Welcome, cohort"})
    assert said.status_code == 201
    assert general.id in _sidebar_ids(fay), "writing in a channel joins it"

    left = api_write(fay, "PUT", f"/api/v1/channels/{general.id}/subscription", {"joined": False})
    assert left.status_code == 200 and left.get_json() == {"channel_id": general.id, "listed": False}
    assert general.id not in _sidebar_ids(fay)
    back = post_form(fay, f"/chat/channels/{general.id}/subscription", {"joined": "1"}, token_from=f"/chat/channels/{general.id}")
    assert back.status_code == 302 and general.id in _sidebar_ids(fay)
    assert fay.get(f"/api/v1/channels/{general.id}/subscription").get_json()["listed"] is True


def test_members_list_their_spaces_channels_until_they_leave_and_joining_never_grants_reading(app, make_client, world):
    general = channel(app, world.team.space, "general")
    huddle = channel(app, world.secret, "huddle", by=world.facilitator)
    pat, olu = make_client(), make_client()
    login(pat, world.participant)
    login(olu, world.outsider)
    assert general.id in _sidebar_ids(pat) and huddle.id not in _sidebar_ids(pat)
    assert api_write(pat, "PUT", f"/api/v1/channels/{general.id}/subscription", {"joined": False}).status_code == 200
    assert general.id not in _sidebar_ids(pat), "a member may take their space's channel out of their list"
    # One may join only what one may read: a team channel and a secret circle's answer as missing.
    for outsider_try in (general.id, huddle.id):
        refused = api_write(olu, "PUT", f"/api/v1/channels/{outsider_try}/subscription", {"joined": True})
        assert refused.status_code == 404
        assert outsider_try not in _sidebar_ids(olu)
    bad = api_write(pat, "PUT", f"/api/v1/channels/{general.id}/subscription", {"joined": "yes"})
    assert bad.status_code == 422 and "joined" in bad.get_json()["error"]["fields"]


def test_a_new_conversation_reaches_the_recipients_open_chat_with_its_first_message(app, make_client, world):
    pat_client = make_client()
    pat = chat_socket(app, pat_client, world.participant)
    olu = chat_socket(app, make_client(), world.outsider)
    pat.get_received("/chat")
    tess_client = make_client()
    login(tess_client, world.teammate)
    made = api_write(tess_client, "POST", "/api/v1/dms", {"user_ids": [world.participant.id]})
    assert made.status_code == 201
    dm_id = made.get_json()["id"]
    # An empty conversation someone else started stays out of Pat's list, as in Slack...
    assert received(pat, "channel_added") == [] and dm_id not in _sidebar_ids(pat_client)
    assert dm_id in _sidebar_ids(tess_client), "...but it is in the list of whoever started it"
    api_write(tess_client, "POST", f"/api/v1/channels/{dm_id}/messages", {"body": "Got a minute?"})
    added = received(pat, "channel_added")
    assert [(a["id"], a["kind"], a["name"], a["unread"], a["url"]) for a in added] == [
        (dm_id, "dm", "Tess Teammate", 1, f"/chat/channels/{dm_id}")], "named for the recipient, with its unread count"
    assert received(olu, "channel_added") == []
    assert dm_id in _sidebar_ids(pat_client)
    # The page joins the new conversation's room and hears what follows.
    assert emit(pat, "join", {"channel_id": dm_id, "after_seq": 1})["unread"] == 1
    api_write(tess_client, "POST", f"/api/v1/channels/{dm_id}/messages", {"body": "About the huddle"})
    assert [m["body"] for m in received(pat)] == ["About the huddle"]
    assert received(pat, "channel_added") == [], "only the first message announces the conversation"
    # Asking again for the same conversation tells no one anything new.
    again = api_write(tess_client, "POST", "/api/v1/dms", {"user_ids": [world.participant.id]})
    assert again.get_json()["id"] == dm_id and received(pat, "channel_added") == []


def test_a_new_space_channel_appears_live_only_for_people_whose_list_holds_it(app, make_client, world):
    pat = chat_socket(app, make_client(), world.participant)
    olu = chat_socket(app, make_client(), world.outsider)
    mo = chat_socket(app, make_client(), world.member)
    for sock in (pat, olu, mo):
        sock.get_received("/chat")
    made = channel(app, world.team.space, "data-huddle")
    entries = received(pat, "channel_added")
    assert [(e["id"], e["name"], e["space_name"], e["space_kind"]) for e in entries] == [
        (made.id, "data-huddle", "Clinic Team", "team")]
    assert received(olu, "channel_added") == [] and received(mo, "channel_added") == []
    circle = channel(app, world.secret, "circle", by=world.facilitator)
    assert [e["id"] for e in received(mo, "channel_added")] == [circle.id]
    assert received(pat, "channel_added") == [], "a secret circle's channel reaches no one outside it"


def test_writing_in_a_channel_tells_the_writers_other_pages_and_leaving_takes_it_away(app, make_client, world):
    general = channel(app, world.cohort.space, "general")
    fay_client = make_client()
    fay_page, fay_other_page = chat_socket(app, fay_client, world.facilitator), chat_socket(app, fay_client)
    fay_other_page.get_received("/chat")
    assert send(fay_page, general.id, "Hello all")["ok"]
    assert [e["id"] for e in received(fay_other_page, "channel_added")] == [general.id]
    assert api_write(fay_client, "PUT", f"/api/v1/channels/{general.id}/subscription", {"joined": False}).status_code == 200
    assert received(fay_other_page, "channel_removed") == [{"channel_id": general.id}]


def test_chat_times_are_in_the_persons_zone_not_utc(app, make_client, world):
    general = channel(app, world.team.space, "general")
    world.participant.time_zone = "America/Chicago"
    db.session.commit()
    with app.test_request_context():
        message = services.send(world.teammate, general, {"body": "Morning huddle"}).message
    db.session.get(Message, message.id).created_at = datetime(2026, 6, 1, 12, 5)
    db.session.commit()
    pat = make_client()
    login(pat, world.participant)
    page = pat.get(f"/chat/channels/{general.id}").get_data(as_text=True)
    # (CLDR puts a narrow no-break space before AM)
    assert re.search(r'datetime="2026-06-01T12:05:00Z">Jun 1, 2026, 7:05\sAM</time>', page), "Chicago is 5 hours behind"
    assert "2026-06-01 12:05" not in page
    assert '<meta name="time-zone" content="America/Chicago">' in page, "live messages are formatted in the same zone"


def test_the_people_picker_offers_only_people_one_may_message_and_takes_typed_handles(app, make_client, world):
    pat = make_client()
    login(pat, world.participant)
    found = pat.get("/api/v1/dm-candidates?q=tes").get_json()["items"]
    assert [p["name"] for p in found] == ["Tess Teammate"]
    assert pat.get("/api/v1/dm-candidates?q=teammate").get_json()["items"][0]["handle"] == world.teammate.username
    assert pat.get("/api/v1/dm-candidates?q=mo").get_json()["items"] == [], "no one outside one's spaces"
    assert pat.get("/api/v1/dm-candidates?q=%25").get_json()["items"] == [], "a typed % matches only itself"
    made = post_form(pat, "/chat/dm", {"handles": f"@{world.teammate.username}"}, token_from="/chat")
    assert made.status_code == 302
    refused = post_form(pat, "/chat/dm", {"handles": f"@{world.teammate.username}, @{world.member.username}, @nobody"},
                        token_from="/chat")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and f"@{world.member.username}, @nobody" in text
    assert f'value="@{world.teammate.username}, @{world.member.username}, @nobody"' in text, "what was typed stays"
    assert 'href="#f-handles"' in text, "the error summary leads to the field"


def test_a_profile_offers_a_message_button_to_people_who_share_a_space(app, make_client, world):
    pat = make_client()
    login(pat, world.participant)
    page = pat.get(f"/people/{world.teammate.id}").get_data(as_text=True)
    assert "Message<span class=\"visually-hidden\"> Tess Teammate</span>" in page
    assert "visually-hidden\"> Olu Outsider" not in pat.get(f"/people/{world.outsider.id}").get_data(as_text=True)
    assert "Message<span" not in pat.get(f"/people/{world.participant.id}").get_data(as_text=True)


def test_an_empty_channel_says_where_it_starts_and_private_channels_carry_the_mark(app, make_client, world):
    huddle = channel(app, world.secret, "huddle", by=world.facilitator)
    mo = make_client()
    login(mo, world.member)
    page = mo.get(f"/chat/channels/{huddle.id}").get_data(as_text=True)
    assert "This is the start of # huddle." in page and "Say hello" in page
    assert page.count("Members only") >= 2, "the channel's heading and its sidebar entry"
    assert "Members only" in mo.get(f"/spaces/{world.secret.slug}/chat").get_data(as_text=True), "the Chat tab"
    assert policy.can(world.member, "channel.list", huddle)
