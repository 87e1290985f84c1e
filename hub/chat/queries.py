"""Read-side chat helpers; every one starts from the policy (scope or a require)."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload
from werkzeug.exceptions import NotFound

from hub import policy
from hub.chat.models import Channel, ChannelParticipant, Message
from hub.extensions import db
from hub.people.models import User
from hub.spaces.models import Space
from hub.validation import ValidationError

PAGE, MAX_PAGE, MISSED_LIMIT = 50, 200, 500


def _loaded(stmt):
    return stmt.options(selectinload(Message.author), selectinload(Message.reactions),
                        selectinload(Message.channel), selectinload(Message.attachments))


def my_channels(user) -> list[Channel]:
    """The sidebar (hub.policy "channel.list"): space channels by space, then conversations."""
    stmt = (select(Channel).where(policy.sidebar_clause(user)).outerjoin(Space, Space.id == Channel.space_id)
            .options(selectinload(Channel.space), selectinload(Channel.participants).selectinload(
                ChannelParticipant.user))
            .order_by(Channel.kind.desc(), Space.name, Channel.name, Channel.id))
    return list(db.session.scalars(stmt))


def visible_channels(user) -> list[Channel]:
    stmt = (policy.scope(select(Channel), user)
            .options(selectinload(Channel.space), selectinload(Channel.participants).selectinload(
                ChannelParticipant.user)).order_by(Channel.id))
    return list(db.session.scalars(stmt))


def space_channels(user, space: Space) -> list[Channel]:
    policy.require(user, "space.view", space)
    return list(db.session.scalars(policy.scope(select(Channel), user)
                                   .where(Channel.space_id == space.id).order_by(Channel.name)))


def history(user, channel: Channel, before_seq: int | None = None, limit: int = PAGE,
            timeline: bool = False) -> tuple[list[Message], bool]:
    """A page of messages going back from `before_seq` (newest page without it), oldest first.
    With `timeline`, only what the channel's own timeline shows (see timeline_clause)."""
    policy.require(user, "channel.view", channel)
    stmt = select(Message).where(policy.messages_of_channel_clause(user, channel))
    if timeline:
        stmt = stmt.where(timeline_clause(user, channel))
    if before_seq is not None:
        stmt = stmt.where(Message.seq < before_seq)
    rows = list(db.session.scalars(_loaded(stmt).order_by(Message.seq.desc()).limit(limit + 1)))
    more = len(rows) > limit
    return list(reversed(rows[:limit])), more


def timeline_clause(user, channel: Channel):
    """The channel's timeline: messages that start a thread, and replies whose thread this
    reader cannot open (its first message is hidden from them, say written before they joined a
    "from joining" space). Every other reply lives in its thread."""
    parent = aliased(Message)
    shown = exists(select(parent.id).where(parent.id == Message.parent_id,
                                           policy.messages_of_channel_clause(user, channel, parent)))
    return or_(Message.parent_id.is_(None), ~shown)


def changes_since(user, channel: Channel, after_seq: int, limit: int = MISSED_LIMIT) -> tuple[list[Message], bool]:
    """Every message new or changed (edited, deleted, reacted to) after `after_seq`, in the
    order of those changes: what a client that last saw `after_seq` has missed."""
    policy.require(user, "channel.view", channel)
    stmt = select(Message).where(policy.messages_of_channel_clause(user, channel), Message.updated_seq > after_seq)
    rows = list(db.session.scalars(_loaded(stmt).order_by(Message.updated_seq).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def replies(user, message: Message, after_seq: int | None = None, limit: int = MAX_PAGE) -> tuple[list[Message], bool]:
    """A page of a thread: the replies to `message` the person may see, oldest first, after
    `after_seq` (from the first without it); and whether more follow."""
    policy.require(user, "message.view", message)
    stmt = select(Message).where(policy.messages_of_channel_clause(user, message.channel),
                                 Message.parent_id == message.id)
    if after_seq is not None:
        stmt = stmt.where(Message.seq > after_seq)
    rows = list(db.session.scalars(_loaded(stmt).order_by(Message.seq).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def thread_of(user, message: Message) -> Message:
    """The first message of the thread `message` belongs to (itself when it starts one), if the
    person may see it; else NotFound, as for a missing message."""
    root = db.session.get(Message, message.parent_id) if message.parent_id is not None else message
    policy.require(user, "message.view", root)
    return root


def open_thread(user, channel: Channel, message_id: int | None, after_seq: int | None = None):
    """For a channel page with a thread open beside it: the thread's first message, a page of its
    replies, and the after_seq of the next page (None when none). No thread: (None, [], None).
    A message one may not see, or of another channel, is NotFound like a missing one."""
    if not message_id:
        return None, [], None
    message = db.session.get(Message, message_id)
    policy.require(user, "message.view", message)
    if message.channel_id != channel.id:
        raise NotFound()
    root = thread_of(user, message)
    rows, more = replies(user, root, after_seq)
    return root, rows, (rows[-1].seq if more and rows else None)


def mentionable(user, channel: Channel, prefix: str, limit: int = 8) -> list[User]:
    """Mention autocomplete: only people who can see the channel (and the asker may see)."""
    policy.require(user, "channel.view", channel)
    prefix = prefix.strip().lower().lstrip("@")
    stmt = policy.scope(select(User), user).where(User.id.in_(policy.audience(channel)), User.id != user.id)
    if prefix:
        stmt = stmt.where(_starts(User.username, prefix) | _starts(User.name, prefix))
    return list(db.session.scalars(stmt.order_by(User.name).limit(limit)))


def _starts(column, prefix: str, after: str = ""):
    """column (lowercased) starts with `prefix`, or has it right after `after`; LIKE's wildcards
    in what was typed match only themselves."""
    like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return func.lower(column).like(("%" + after if after else "") + like, escape="\\")


def dm_candidates(user, limit: int = 200, prefix: str = "") -> list[User]:
    """People the person may start a conversation with: those sharing a space with them (whose
    name or handle starts with `prefix`, for the people picker)."""
    if not policy.signed_in(user):
        return []
    from hub.spaces.models import SpaceMembership
    from hub.people.models import Team, TeamMembership, Cohort, cohort_teams  # noqa: F401
    spaces = select(Space.id).where(policy.membership_clause(user.id))
    explicit = select(SpaceMembership.user_id).where(SpaceMembership.space_id.in_(spaces))
    teams = (select(TeamMembership.user_id).join(Team, Team.id == TeamMembership.team_id)
             .where(Team.space_id.in_(spaces)))
    cohorts = (select(TeamMembership.user_id).join(cohort_teams, cohort_teams.c.team_id == TeamMembership.team_id)
               .join(Cohort, Cohort.id == cohort_teams.c.cohort_id).where(Cohort.space_id.in_(spaces)))
    stmt = (select(User).where(User.active.is_(True), User.id != user.id,
                               User.id.in_(explicit) | User.id.in_(teams) | User.id.in_(cohorts))
            .order_by(User.name).limit(limit))
    prefix = prefix.strip().lower().lstrip("@")
    if prefix:
        stmt = stmt.where(_starts(User.username, prefix) | _starts(User.name, prefix)
                          | _starts(User.name, prefix, after=" "))  # a family name too
    people = list(db.session.scalars(stmt))
    return [p for p in people if policy.shares_a_space(user, p)]


def dm_people_by_handles(user, text: str) -> list[User]:
    """The people a typed list of handles ("@ana, @ben") names, each someone the person may start
    a conversation with; any other handle is refused by name, with nothing else lost."""
    handles = [h.strip().lstrip("@").lower() for h in re.split(r"[\s,;]+", text or "") if h.strip().lstrip("@")]
    if not handles:
        return []
    found = {p.username.lower(): p for p in db.session.scalars(
        select(User).where(func.lower(User.username).in_(handles), User.active.is_(True)))}
    unknown = [h for h in handles if h not in found or not policy.can(user, "dm.start", found[h])]
    if unknown:
        raise ValidationError({"handles": _("Nobody you share a space with has the handle %(handles)s.",
                                            handles=", ".join("@" + h for h in unknown))})
    return list(found.values())
