"""The first-week checklist on the home page: introduce yourself, join your team's channel, set
your email preferences, read the community guidelines. Each step is worked out from what the
person has done (a profile or a post, a team channel opened, preferences saved, the guidelines
page read), so it ticks itself; the person may hide the list once they are settled."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from hub import policy
from hub.chat.models import Channel, ChannelRead
from hub.extensions import db
from hub.forums.models import Post
from hub.home.models import ChecklistMark
from hub.notify.models import EmailSettings
from hub.people.models import User
from hub.spaces.models import Space


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    url: str
    done: bool


def _marked(user: User, step: str) -> bool:
    return db.session.get(ChecklistMark, (user.id, step)) is not None


def mark(user: User, step: str) -> None:
    """Remember a step (idempotent). Only signed-in people have a checklist."""
    if policy.signed_in(user) and not _marked(user, step):
        db.session.add(ChecklistMark(user_id=user.id, step=step))
        db.session.commit()


def dismissed(user: User) -> bool:
    return _marked(user, "dismissed")


def guidelines_space() -> Space | None:
    """The community guidelines are the commons' own agreement (edited in its settings)."""
    return db.session.scalar(select(Space).where(Space.kind == "community").order_by(Space.id).limit(1))


def steps(user: User) -> list[Step]:
    introduced = bool((user.bio or "").strip()) or db.session.scalar(
        select(exists().where(Post.author_id == user.id)))
    team_spaces = [m.team.space for m in user.team_memberships if policy.can(user, "space.view", m.team.space)]
    team_channels = select(Channel.id).where(Channel.space_id.in_([s.id for s in team_spaces]))
    joined = bool(team_spaces) and db.session.scalar(select(exists().where(
        ChannelRead.user_id == user.id, ChannelRead.channel_id.in_(team_channels))))
    team_url = url_for("chat.space", slug=team_spaces[0].slug) if team_spaces else url_for("chat.index")
    return [
        Step("introduce", str(_l("Introduce yourself: a few words on your profile, or a reply in your cohort")),
             url_for("people.edit_profile"), bool(introduced)),
        Step("team_channel", str(_l("Join your team's chat channel")), team_url, bool(joined)),
        Step("email", str(_l("Choose how we email you")), url_for("notify.settings"),
             db.session.get(EmailSettings, user.id) is not None),
        Step("guidelines", str(_l("Read the community guidelines")), url_for("home.guidelines"),
             _marked(user, "guidelines")),
    ]
