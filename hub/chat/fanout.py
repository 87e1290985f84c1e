"""After a chat write is committed: who hears about it.

Messages go to the channel's room: only sockets the policy admitted join it (hub.chat.events),
and removal, deactivation and logout-everywhere take sockets out of it on every process
(hub.chat.presence.evict / end). Mentions and replies notify people the policy lets see the
message now (checked again by hub.notify at every later use)."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from hub import policy
from hub.realtime import channel_room, user_room
from hub.chat import payloads, presence
from hub.chat.models import Channel, Message
from hub.extensions import db, socketio
from hub.notify import services as notify
from hub.notify import subjects
from hub.people.models import User

NAMESPACE = "/chat"

# A chat note is about its message (re-checked against it at every use); a direct message has no
# space, and its words stay out of email as every chat message's do (no excerpt).
subjects.register(subjects.Subject("message", Message, space_of=lambda m: m.channel.space))
for _kind in ("chat_mention", "chat_dm", "in_dm", "chat_reply"):
    subjects.register_direct(_kind)


def _text(message: str, **values):
    return lambda: _(message, **values)


def _emit_to_channel(event: str, message: Message) -> None:
    """An event about an existing message (edited, deleted, reacted to, replied to) carries that
    message to its channel's room, minus the sockets of readers the policy does not let see it:
    newcomers of a "from joining" space, for a message written before they joined."""
    socketio.emit(event, payloads.message_json(message), to=channel_room(message.channel_id),
                  skip_sid=_sockets_not_shown(message) or None, namespace=NAMESPACE)


def _sockets_not_shown(message: Message) -> list[str]:
    live = presence.live_sockets()
    if not live:
        return []
    people = {user_id for _sid, user_id in live}
    readers = policy.audience(message.channel, among=people)
    hidden = readers - policy.audience(message, among=readers) if readers else set()
    return sorted(sid for sid, user_id in live if user_id in hidden)


def _where(message: Message) -> str:
    channel = message.channel
    return channel.name if channel.kind == "space" else _("a direct conversation")


def after_send(actor, message: Message, prepared, payload: dict, in_dm: bool, joined_now: bool) -> None:
    """`payload` is the message as the send built it (no reload when nothing else is needed)."""
    socketio.emit("message", payload, to=channel_room(payload["channel_id"]), namespace=NAMESPACE)
    parent = db.session.get(Message, payload["parent_id"]) if payload["parent_id"] is not None else None
    if parent is not None:
        _emit_to_channel("message_edited", parent)  # its reply count changed
    mentioned = {p.id for p in prepared.people} | {p.id for p in prepared.team_people}
    if mentioned:
        _notify_mentions(actor, message, mentioned)
    if parent is not None and parent.author_id != actor.id:
        _notify(actor, message, {parent.author_id}, "chat_reply",
                _text("%(name)s replied to your message in %(where)s", name=actor.name, where=_where(message)))
    if joined_now:  # writing in a channel joins it
        after_listing_changed(actor, message.channel, True)
    channel = db.session.get(Channel, payload["channel_id"]) if in_dm else None
    if channel is not None and payload["seq"] == 1:  # its first message: now in the others' sidebars
        after_channel_created(channel)
    if channel is not None:
        # People of the conversation who do not have chat open hear of it (the others see it live).
        others = channel.participant_ids - {actor.id} - mentioned
        away = others - set(presence.statuses(others)) if others else set()
        if away:
            _notify(actor, message, away, "chat_dm", _text("%(name)s sent you a direct message", name=actor.name))


def after_edit(actor, message: Message, prepared, mentioned_before: set[int]) -> None:
    _emit_to_channel("message_edited", message)
    _notify_mentions(actor, message, {p.id for p in prepared.people} - mentioned_before)


def after_change(event: str, message: Message) -> None:
    _emit_to_channel(event, message)


def after_channel_created(channel: Channel) -> None:
    """Everyone with chat open whose sidebar now holds the channel (a new channel's space; of a new
    conversation, only whoever started it, until its first message) gets its entry live, with its
    unread count (hub/chat/events.py)."""
    live = {user_id for _sid, user_id in presence.live_sockets()}
    for user_id in policy.sidebar_audience(channel, among=live) if live else ():
        _emit_entry(db.session.get(User, user_id), channel)


def after_listing_changed(user, channel: Channel, listed: bool) -> None:
    """The person joined, wrote in or left a channel: their own pages add or drop its entry."""
    if listed:
        _emit_entry(user, channel)
    else:
        socketio.emit("channel_removed", {"channel_id": channel.id}, to=user_room(user.id), namespace=NAMESPACE)


def _emit_entry(user, channel: Channel) -> None:
    from hub.chat import reading
    unread = reading.unread_counts(user, [channel.id]).get(channel.id, 0)
    socketio.emit("channel_added", payloads.sidebar_entry(channel, user, unread), to=user_room(user.id),
                  namespace=NAMESPACE)


def after_read(user, channel: Channel, last_read_seq: int) -> None:
    """Every open chat page of the person updates its badge for the channel."""
    from hub.chat import reading
    socketio.emit("read", {"channel_id": channel.id, "last_read_seq": last_read_seq,
                           "unread": reading.unread_counts(user, [channel.id]).get(channel.id, 0)},
                  to=user_room(user.id), namespace=NAMESPACE)


def _notify_mentions(actor, message: Message, ids: set[int]) -> None:
    _notify(actor, message, ids, "chat_mention",
            _text("%(name)s mentioned you in %(where)s", name=actor.name, where=_where(message)))


def _notify(actor, message: Message, ids: set[int], kind: str, text) -> None:
    ids = set(ids) - {actor.id}
    if not ids:
        return
    targets = ids & policy.audience(message, among=ids)
    if not targets:
        return
    channel = message.channel
    notify.notify(targets, kind, text, url_for("chat.permalink", message_id=message.id),
                  channel.space if channel.kind == "space" else None, requires="message.view", subject=message)
