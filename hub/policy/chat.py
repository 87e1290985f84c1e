"""Chat: who may view, join, post in and manage a channel, start a direct conversation,
view, edit, delete, react to and reply to a message, and open its attachments; their SQL scopes
and audiences.

Channels of a space follow the space (view, post, agreement gating, "from joining" history);
direct conversations are visible to their participants only. Hidden answers like missing:
EXISTENCE_ACTION below makes `require` raise NotFound for a channel or message one may not see.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import and_, exists, false, or_, select
from sqlalchemy.orm import aliased
from werkzeug.exceptions import NotFound

from hub.chat.models import Channel, ChannelParticipant, ChannelSubscription, Message, MessageAttachment
from hub.extensions import db
from hub.people.models import User
from hub.policy.audiences import _active_ids, _joined_at, _space_audience
from hub.policy.core import AUDIENCES, EXISTENCE_ACTION, KNOWN_CHECKS, NEEDS_OBJECT, RULES, SCOPES
from hub.policy.forums import space_facts
from hub.policy.roles import signed_in
from hub.policy.scopes import _SPACE_ALIAS
from hub.policy.spaces import (AgreementPending, _can_manage_space, _membership_clause, _space_view_clause,
                               belongs_clause, pending_agreement_slug)
from hub.spaces.models import Space, SpaceMembership


@dataclass(frozen=True)
class ChannelFacts:
    user_id: int | None
    view: bool
    post: bool
    manage: bool
    cutoff: Any  # joining time in a narrow-history affinity space, else None


def channel_facts(user, channel: Channel) -> ChannelFacts:
    """What the person may do in one channel, asked once (a history page asks about fifty messages)."""
    uid = user.id if signed_in(user) else None
    if channel.kind == "dm":
        view = uid is not None and uid in channel.participant_ids
        return ChannelFacts(uid, view, view and channel.archived_at is None, False, None)
    space = channel.space
    if space is None:
        return ChannelFacts(uid, False, False, False, None)
    facts = space_facts(user, space)
    return ChannelFacts(uid, facts.view, facts.post and channel.archived_at is None, facts.manage, facts.cutoff)


def _message_rules(facts: ChannelFacts, message: Message) -> dict[str, bool]:
    view = facts.view and (facts.cutoff is None or message.created_at >= facts.cutoff)
    live = view and message.deleted_at is None
    own = message.author_id == facts.user_id
    return {
        "message.view": view,
        "message.edit": live and own and facts.post,
        "message.delete": live and (own or facts.manage),
        "message.react": live and facts.post,
        "message.reply": live and facts.post,
    }


def message_permissions(user, channel: Channel, messages) -> dict[int, dict[str, bool]]:
    facts = channel_facts(user, channel)
    return {m.id: _message_rules(facts, m) for m in messages}


def _message_rule(action: str) -> Callable[[Any, Message], bool]:
    return lambda user, message: _message_rules(channel_facts(user, message.channel), message)[action]


def shares_a_space(user, person: User) -> bool:
    """Both belong to (have entered) one space: cohort, team, affinity or explicit membership.
    A community-wide space everyone reads does not count: it would make everyone "share"."""
    if not signed_in(user) or not person.active:
        return False
    both = select(Space.id).where(_membership_clause(user.id), _membership_clause(person.id)).limit(1)
    return db.session.scalar(both) is not None


def _can_start_dm(user, person: User) -> bool:
    return signed_in(user) and person.id != user.id and shares_a_space(user, person)


RULES.update({
    "channel.view": lambda user, channel: channel_facts(user, channel).view,
    "channel.join": lambda user, channel: channel_facts(user, channel).view,
    "channel.post": lambda user, channel: channel_facts(user, channel).post,
    "channel.manage": lambda user, channel: channel_facts(user, channel).manage,
    # In the person's sidebar (and told live when it is new): see _in_sidebar.
    "channel.list": lambda user, channel: _in_sidebar(user, channel),
    # obj: the space a new channel would belong to.
    "channel.create": lambda user, space: _can_manage_space(user, space) and not space.is_archived,
    "dm.start": _can_start_dm,
    **{action: _message_rule(action) for action in ("message.view", "message.edit", "message.delete",
                                                    "message.react", "message.reply")},
    # A message's picture or file: its readers', while the message stands (a deleted one shows no one
    # its words, and no one its files).
    "message_attachment.view": lambda user, attachment: (attachment.message.deleted_at is None
                                                         and _message_rule("message.view")(user, attachment.message)),
})
EXISTENCE_ACTION.update({Channel: "channel.view", Message: "message.view",
                         MessageAttachment: "message_attachment.view"})
NEEDS_OBJECT.update(a for a in RULES if a.split(".")[0] in ("channel", "message", "dm", "message_attachment"))


def _known_channel_ids(user) -> frozenset[int]:
    return frozenset(db.session.scalars(visible_channel_ids(user))) if signed_in(user) else frozenset()


def _require_known_channel(user, channel) -> None:
    """A hidden channel's NotFound costs what a missing one's does: one set query either way
    (before this, only an existing channel went on to the space's membership questions)."""
    if channel is not None and not isinstance(channel, Channel):
        return  # channel.create asks about a space
    known = _known_channel_ids(user)  # asked first: a missing channel costs the same query
    if channel is None or channel.id not in known:
        _refuse(user, channel.id if channel is not None else 0)


def _require_known_message(user, message) -> None:
    """The same for a message: its channel is asked about with the same one query. (A message
    before a newcomer's joining, in a channel they read, is still told apart by the cut-off
    check; they already know the channel, and message ids are a public sequence.)"""
    known = _known_channel_ids(user)
    if message is None or message.channel_id not in known:
        _refuse(user, message.channel_id if message is not None else 0)


def _refuse(user, channel_id: int) -> None:
    """NotFound, unless the person is a member of the channel's space who has yet to accept its
    group agreement (then AgreementPending, to be sent there). One statement either way, for a
    missing channel (id 0) as for a hidden one."""
    slug = db.session.scalar(select(pending_agreement_slug(user, Channel.space_id)).where(Channel.id == channel_id))
    if slug is not None:
        raise AgreementPending(slug)
    raise NotFound()


def _require_known_message_attachment(user, attachment) -> None:
    """An attachment in a channel the person cannot read costs what a missing one does: one statement."""
    found = db.session.scalar(select(MessageAttachment.id).join(Message, Message.id == MessageAttachment.message_id)
                              .where(MessageAttachment.id == (attachment.id if attachment is not None else 0),
                                     Message.channel_id.in_(visible_channel_ids(user))).limit(1)) \
        if signed_in(user) else None
    if found is None:
        raise NotFound()


KNOWN_CHECKS.update({"channel": _require_known_channel, "message": _require_known_message,
                     "message_attachment": _require_known_message_attachment})

_CHANNEL_ALIAS = aliased(Channel)


def _channel_clause(user):
    if not signed_in(user):
        return false()
    viewable = select(Space.id).where(_space_view_clause(user))
    mine = select(ChannelParticipant.channel_id).where(ChannelParticipant.user_id == user.id)
    return or_(and_(Channel.kind == "space", Channel.space_id.in_(viewable)),
               and_(Channel.kind == "dm", Channel.id.in_(mine)))


def visible_channel_ids(user):
    """A subquery of the channels the user may read, for listings and counts to filter on."""
    return select(Channel.id).where(_channel_clause(user))


def _message_after_cutoff_clause(user_id: int):
    """No membership of the person in the message's narrow-history space began after it was written."""
    channel, narrow = _CHANNEL_ALIAS, _SPACE_ALIAS
    later = (select(SpaceMembership.id)
             .join(narrow, narrow.id == SpaceMembership.space_id)
             .join(channel, channel.space_id == SpaceMembership.space_id)
             .where(SpaceMembership.user_id == user_id, narrow.kind == "affinity",
                    narrow.history_policy == "from_joining", SpaceMembership.joined_at > Message.created_at,
                    channel.id == Message.channel_id))
    return ~exists(later.correlate(Message))


def _message_clause(user):
    if not signed_in(user):
        return false()
    return and_(Message.channel_id.in_(visible_channel_ids(user)), _message_after_cutoff_clause(user.id))


def messages_of_channel_clause(user, channel: Channel, model=Message):
    """SQL for the messages of one channel this user may see, with the channel's facts known in
    Python (the same rules as _message_clause, checked by the property test). `model` may be an
    alias of Message (a thread's replies ask about their parent)."""
    facts = channel_facts(user, channel)
    if not facts.view:
        return false()
    clause = model.channel_id == channel.id
    if facts.cutoff is not None:
        clause = and_(clause, model.created_at >= facts.cutoff)
    return clause


def _message_attachment_clause(user):
    if not signed_in(user):
        return false()
    standing = select(Message.id).where(_message_clause(user), Message.deleted_at.is_(None))
    return MessageAttachment.message_id.in_(standing)


SCOPES.update({Channel: _channel_clause, Message: _message_clause, MessageAttachment: _message_attachment_clause})


def _message_audience(message: Message, among=None) -> set[int]:
    """The channel's readers now, minus newcomers of a narrow-history space who joined after the
    message was written."""
    readers = _channel_audience(message.channel, among)
    if message.channel.kind == "space":
        late = _joined_at(message.channel.space)
        readers = {u for u in readers if u not in late or late[u] <= message.created_at}
    return readers


def _channel_audience(channel: Channel, among=None) -> set[int]:
    if channel.kind == "dm":
        return _active_ids(select(User.id).where(User.id.in_(
            select(ChannelParticipant.user_id).where(ChannelParticipant.channel_id == channel.id))), among)
    return _space_audience(channel.space, among) if channel.space is not None else set()


def _message_attachment_audience(attachment: MessageAttachment, among=None) -> set[int]:
    message = attachment.message
    return set() if message.deleted_at is not None else _message_audience(message, among)


AUDIENCES.extend([(Channel, _channel_audience), (Message, _message_audience),
                  (MessageAttachment, _message_attachment_audience)])


# ---------------------------------------------------------------- the sidebar
# A channel is in a person's sidebar when they may read it and: it is their conversation, once
# someone has written in it or if they started it (an empty one started by someone else stays out,
# as in Slack); or they joined it (by choice, by creating it, or by writing in it); or it belongs
# to a space they are in and they have not left it. Staff oversee every team's space, so "may read" alone would list
# forty teams' channels; a facilitator's cohort channel is there once they join or write in it.

def _in_sidebar(user, channel: Channel) -> bool:
    if not channel_facts(user, channel).view:
        return False
    if channel.kind == "dm":
        return channel.last_seq > 0 or channel.created_by_id == user.id
    choice = db.session.scalar(select(ChannelSubscription.joined).where(
        ChannelSubscription.user_id == user.id, ChannelSubscription.channel_id == channel.id))
    if choice is not None:
        return choice
    return db.session.scalar(select(Space.id).where(Space.id == channel.space_id, belongs_clause(user.id))) is not None


def sidebar_clause(user):
    """SQL twin of "channel.list", for the sidebar's one query (checked by the property test)."""
    if not signed_in(user):
        return false()
    chosen = lambda joined: select(ChannelSubscription.channel_id).where(  # noqa: E731
        ChannelSubscription.user_id == user.id, ChannelSubscription.joined.is_(joined))
    belongs = select(Space.id).where(belongs_clause(user.id))
    return and_(_channel_clause(user), or_(
        and_(Channel.kind == "dm", or_(Channel.last_seq > 0, Channel.created_by_id == user.id)),
        # (a choice counts for space channels only, as in _in_sidebar: a conversation is its people's)
        and_(Channel.kind == "space", Channel.id.in_(chosen(True))),
        and_(Channel.kind == "space", Channel.space_id.in_(belongs), Channel.id.not_in(chosen(False)))))


def sidebar_audience(channel: Channel, among=None) -> set[int]:
    """Who has `channel` in their sidebar (of `among`, say the people with chat open now)."""
    readers = _channel_audience(channel, among)
    if not readers:
        return readers
    return {person.id for person in db.session.scalars(select(User).where(User.id.in_(readers)))
            if _in_sidebar(person, channel)}
