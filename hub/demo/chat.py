"""Demo chat for `flask hub seed-demo`: channels in the commons, a cohort, a team and both
affinity spaces, a direct conversation, and some messages, written through the real services.
Safe to run again: channels are found by name and messages by their client_id."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from hub.chat import services
from hub.chat.models import Channel, Message
from hub.extensions import db
from hub.people.models import Cohort, Team, User
from hub.spaces.models import Space


def _person(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _channel(actor, space: Space | None, name: str, topic: str = "") -> Channel | None:
    if space is None or actor is None:
        return None
    found = db.session.scalar(select(Channel).where(Channel.space_id == space.id, Channel.name == name))
    return found or services.create_channel(actor, space, {"name": name, "topic": topic})


def _say(channel: Channel | None, author: User | None, key: str, body: str, parent=None):
    if channel is None or author is None:
        return None
    data = {"body": body, "client_id": f"seed-{key}", "parent_id": parent.id if parent is not None else None}
    return services.send(author, channel, data).message


def seed_chat() -> int:
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        _write()
    return db.session.scalar(select(func.count()).select_from(Message)) or 0


def _write() -> None:
    admin, facilitator, coach = _person("admin@demo.hub"), _person("facilitator@demo.hub"), _person("coach@demo.hub")
    pat, maria = _person("participant@demo.hub"), _person("maria.hernández@demo.hub")
    kevin, morgan, aisha = _person("kevin.tran@demo.hub"), _person("member@demo.hub"), _person("aisha.bello@demo.hub")
    hannah = _person("hannah.cohen@demo.hub")
    space = lambda slug: db.session.scalar(select(Space).where(Space.slug == slug))  # noqa: E731
    network = db.session.scalar(select(Cohort).where(Cohort.program == "learning_network"))
    riverside = db.session.scalar(select(Team).where(Team.name == "Riverside Diabetes Equity Team"))

    general = _channel(facilitator, space("commons"), "general", "Say hello, ask anything")
    _say(general, facilitator, "commons-1", "Welcome to chat! Quick questions here; longer ones in Discussions.")
    hello = _say(general, aisha, "commons-2", "Hi all, Aisha from Mesa Valley. Excited to learn with you.")
    _say(general, pat, "commons-3", "Welcome Aisha! :)", parent=hello)

    cohort = _channel(facilitator, network.space if network else None, "cohort-chat",
                      "Learning Network day-to-day")
    _say(cohort, coach, "cohort-1", "Reminder: **run charts** due before Thursday's learning session.")
    _say(cohort, maria, "cohort-2", f"Thanks! @{kevin.username} is finishing ours." if kevin else "Thanks!")

    huddle = _channel(admin, riverside.space if riverside else None, "huddle", "Riverside team huddle")
    _say(huddle, maria, "team-1", "Interpreter scheduling PDSA starts Monday.")
    _say(huddle, kevin, "team-2", "I'll pull the baseline HbA1c numbers by language today.")

    caucus = _channel(facilitator, space("bipoc-caucus"), "caucus-chat", "Between sessions")
    _say(caucus, morgan, "caucus-1", "Checking in before the session: how is everyone doing?")
    _say(caucus, facilitator, "caucus-2", "Glad you asked. Let's hold 10 minutes for this on Thursday.")

    circle = _channel(coach, space("white-accountability"), "check-ins", "Accountability check-ins")
    _say(circle, hannah, "circle-1", "This week I practiced naming my defensiveness out loud. It helped.")

    if pat is not None and maria is not None:
        dm = services.start_dm(pat, [maria])
        _say(dm, pat, "dm-1", "Maria, can we go over the outreach script before the huddle?")
        _say(dm, maria, "dm-2", "Yes: 2pm works for me.")
