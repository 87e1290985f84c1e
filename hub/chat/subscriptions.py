"""Joining and leaving a space channel: what puts it in, or takes it out of, a person's sidebar
(hub.policy "channel.list" reads the choice). Joining never grants reading: one may join only a
channel one may already read. Creating a channel or writing in it joins it, as in Slack."""
from __future__ import annotations

from flask_babel import gettext as _

from hub import policy
from hub.chat import fanout
from hub.chat.models import Channel, ChannelSubscription
from hub.extensions import db, utcnow
from hub.validation import ValidationError


def _choose(user_id: int, channel_id: int, joined: bool) -> bool:
    """Record the person's choice (uncommitted); True when it changes what was recorded."""
    row = db.session.get(ChannelSubscription, (user_id, channel_id))
    if row is None:
        db.session.add(ChannelSubscription(user_id=user_id, channel_id=channel_id, joined=joined))
        return True
    if row.joined is not joined:
        row.joined, row.at = joined, utcnow()
        return True
    return False


def stage_joined(user_id: int, channel: Channel) -> bool:
    """Inside a write's transaction: the person has joined `channel` (a space channel). True when
    that is news (they had not joined, or had left), so the write tells their other pages."""
    return channel.kind == "space" and _choose(user_id, channel.id, True)


def set_joined(actor, channel: Channel | None, joined) -> bool:
    """Join (True) or leave (False) a space channel; returns whether it is in the sidebar now."""
    policy.require(actor, "channel.join", channel)
    if not isinstance(joined, bool):
        raise ValidationError({"joined": _("joined must be true or false.")})
    if channel.kind != "space":
        raise ValidationError({"joined": _("A direct conversation is always in its people's lists.")})
    _choose(actor.id, channel.id, joined)
    db.session.commit()
    listed = policy.can(actor, "channel.list", channel)
    # ---- after commit: the person's other chat pages add or drop the entry
    fanout.after_listing_changed(actor, channel, listed)
    return listed
