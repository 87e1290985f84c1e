"""Issue 17, item 13 and two smaller things: an accepted invitation that named a team fills in the
organization, the time zone is the one the person confirmed, a first-week checklist on Home
ticks itself, and Home and Forums are two pages (returning people still land on Latest)."""
from __future__ import annotations

from hub.auth import services as accounts
from hub.chat.models import ChannelRead
from hub.extensions import db
from hub.people.models import User
from tests.helpers import factories as f
from tests.helpers.chat import channel
from tests.helpers import api_write, login, post_form
from tests.helpers import signed_in


def _invite(app, world, team=None):
    with app.test_request_context():
        _invitation, plain = accounts.create_invitation(world.facilitator, "newcomer@example.org", "participant",
                                                        team.id if team else None)
    return plain


def test_an_invitation_naming_a_team_fills_in_its_organization_and_the_confirmed_zone(app, world):
    plain = _invite(app, world, world.team)
    client = app.test_client()
    page = client.get(f"/invite/{plain}").get_data(as_text=True)
    assert 'data-from-browser="1"' in page and world.team.organization.name in page
    done = post_form(client, f"/invite/{plain}", {"name": "Nia Newcomer", "password": "a long new password",
                                                  "confirm": "a long new password", "time_zone": "America/Chicago"},
                     token_from=f"/invite/{plain}")
    assert done.status_code == 302
    person = db.session.scalar(db.select(User).where(User.email == "newcomer@example.org"))
    assert person.organization_id == world.team.organization_id
    assert person.time_zone == "America/Chicago"


def test_a_wrong_zone_is_refused_with_what_was_typed_kept(app, world):
    plain = _invite(app, world)
    client = app.test_client()
    refused = post_form(client, f"/invite/{plain}", {"name": "Nia Newcomer", "password": "a long new password",
                                                     "confirm": "a long new password", "time_zone": "Mars/Olympus"},
                        token_from=f"/invite/{plain}")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Choose a time zone from the list" in page and 'value="Nia Newcomer"' in page


def test_the_first_week_checklist_ticks_itself_and_can_be_hidden(app, world):
    pat = signed_in(app, world.participant)
    steps = {s["key"]: s["done"] for s in pat.get("/api/v1/me/checklist").get_json()["items"]}
    assert steps == {"introduce": False, "team_channel": False, "email": False, "guidelines": False}
    assert "Your first week" in pat.get("/").get_data(as_text=True)
    huddle = channel(app, world.team.space, "huddle")
    db.session.add(ChannelRead(user_id=world.participant.id, channel_id=huddle.id, last_read_seq=0))
    db.session.commit()
    api_write(pat, "PATCH", "/api/v1/me", {"bio": "I lead quality at the clinic."})
    api_write(pat, "PUT", "/api/v1/me/email-settings", {"frequency": "weekly"})
    assert pat.get("/guidelines").status_code == 200
    steps = {s["key"]: s["done"] for s in pat.get("/api/v1/me/checklist").get_json()["items"]}
    assert all(steps.values()), steps
    assert "All done" in pat.get("/").get_data(as_text=True)
    post_form(pat, "/checklist/dismiss", {}, token_from="/")
    assert "Your first week" not in pat.get("/").get_data(as_text=True)
    assert pat.get("/api/v1/me/checklist").get_json()["dismissed"] is True


def test_the_guidelines_are_the_commons_agreement(app, world):
    from hub.spaces import membership
    with app.test_request_context():
        membership.update_settings(world.admin, world.commons, {"agreement": "Be *kind* to each other."})
    page = app.test_client().get("/guidelines").get_data(as_text=True)
    assert "<em>kind</em>" in page


def test_home_and_forums_are_two_pages_and_returning_people_land_on_latest(app, world):
    with app.test_request_context():
        thread = f.thread(world.teammate, world.commons, "Something to read")
    client = app.test_client()
    login(client, world.participant)
    assert "Welcome, Pat Participant" in client.get("/").get_data(as_text=True), "Home is the overview"
    client.get(f"/threads/{thread.id}")  # now Pat has read something
    again = app.test_client()
    landed = login(again, world.participant)
    assert again.get(landed.headers["Location"]).headers["Location"].endswith("/latest")
