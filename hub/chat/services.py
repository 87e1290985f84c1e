"""Every chat write. Each takes the acting person, asks the policy, validates, commits, and only
then (in one after-commit call to hub.chat.fanout per write) emits and notifies. One listener
writes too: the search queue's after-flush hook (hub.search.queue, fed by hub/chat/search_docs.py)
queues every new, edited or deleted message for the index in the same transaction.

No loss, no doubles: a message is stored (and committed) before anyone is told, takes the next
value of its channel's counter inside the same transaction (so `seq` follows commit order, on
PostgreSQL through the counter row's lock, on SQLite through the database write lock), and is
unique per (author, client_id): a retried send returns the stored message instead of a second.
Pictures and files come with a send as `files` (hub.chat.attachments), stored with the message.
"""
from __future__ import annotations

import uuid
from typing import NamedTuple

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import NotFound

from hub import policy
from hub.chat import attachments, fanout, payloads, subscriptions
from hub.chat.models import MAX_DM_PEOPLE, Channel, ChannelParticipant, ChannelRead, Message, MessageReaction
from hub.chat.ratelimit import check_send_rate
from hub.extensions import db, utcnow
from hub.forums.mentions import Wording, prepare, quotes_any, render_as_written, thread_moving, without_quotes
from hub.forums.models import REACTIONS
from hub.people.models import User
from hub.spaces.models import Space
from hub.spaces.services import slugify
from hub.validation import ValidationError, require_text

WRITE_ATTEMPTS = 6


class _NoSpace:
    """What a direct conversation offers the mention parser as its space: nothing can be quoted."""
    id = None


def _next_seq(channel_id: int) -> int:
    return db.session.execute(update(Channel).where(Channel.id == channel_id)
                              .values(last_seq=Channel.last_seq + 1).returning(Channel.last_seq)).scalar_one()


def _body(data: dict, errors: dict, required: bool = True) -> str:
    """A message's words: needed unless pictures or files say it instead."""
    return require_text(errors, "body", data.get("body"), _("Message"), current_app.config["CHAT_MAX_CHARS"],
                        required=required)


# A direct conversation's refusals speak of the conversation, not of a space.
IN_A_CONVERSATION = Wording(
    cannot_see=lambda names: _("These people aren't in this conversation, so they can't be mentioned here: "
                               "%(names)s. Remove the mention, or start a conversation that includes them.",
                               names=names),
    reaches_nobody=lambda team, handle: _("Nobody from %(team)s is in this conversation, so @%(handle)s "
                                          "reaches no one.", team=team, handle=handle),
    quote_refused=lambda: _("Forum posts can't be quoted in a direct conversation. Remove the quote, or link "
                            "to the post instead."),
)


def _prepare(actor, channel: Channel, body: str):
    can_see = lambda person: policy.can(person, "channel.view", channel)  # noqa: E731
    if channel.kind == "space":
        return prepare(actor, channel.space, body, can_see)
    return prepare(actor, _NoSpace(), body, can_see, IN_A_CONVERSATION)


def _client_id(data: dict) -> str:
    value = str(data.get("client_id") or "").strip()
    if not value:
        return "srv-" + uuid.uuid4().hex
    if len(value) > 64:
        raise ValidationError({"client_id": _("client_id must be at most 64 characters.")})
    return value


def _stored(actor, client_id: str) -> Message | None:
    return db.session.scalar(select(Message).where(Message.author_id == actor.id, Message.client_id == client_id))


# ---------------------------------------------------------------- channels

def create_channel(actor, space: Space | None, data: dict) -> Channel:
    policy.require(actor, "channel.create", space)
    errors: dict[str, str] = {}
    name = require_text(errors, "name", data.get("name"), _("Channel name"), 80)
    topic = require_text(errors, "topic", data.get("topic"), _("Topic"), 300, required=False)
    slug = slugify(name)[:80] if name else ""
    if name and not slug:
        errors["name"] = _("Use some letters or numbers in the channel name.")
    if slug and db.session.scalar(select(Channel.id).where(Channel.space_id == space.id, Channel.slug == slug)):
        errors["name"] = _("This space already has a channel with that name.")
    if errors:
        raise ValidationError(errors)
    channel = Channel(kind="space", space_id=space.id, name=name, slug=slug, topic=topic, created_by_id=actor.id)
    db.session.add(channel)
    db.session.flush()
    subscriptions.stage_joined(actor.id, channel)  # its maker has it in their sidebar, member or not
    db.session.commit()
    # ---- after commit: it appears live in the sidebars that now hold it
    fanout.after_channel_created(channel)
    return channel


def update_channel(actor, channel: Channel | None, data: dict) -> Channel:
    """The space's moderators rename a channel, change its topic, archive or reopen it (an
    archived channel keeps its history readable and takes no new messages)."""
    policy.require(actor, "channel.manage", channel)
    errors: dict[str, str] = {}
    if "name" in data:
        name = require_text(errors, "name", data.get("name"), _("Channel name"), 80)
        slug = slugify(name)[:80] if name else ""
        taken = db.session.scalar(select(Channel.id).where(Channel.space_id == channel.space_id, Channel.slug == slug,
                                                           Channel.id != channel.id)) if slug else None
        if name and (not slug or taken):
            errors["name"] = _("This space already has a channel with that name.") if taken else \
                _("Use some letters or numbers in the channel name.")
        if not errors:
            channel.name, channel.slug = name, slug
    if "topic" in data:
        channel.topic = require_text(errors, "topic", data.get("topic"), _("Topic"), 300, required=False)
    if "archived" in data:
        if not isinstance(data["archived"], bool):
            errors["archived"] = _("archived must be true or false.")
        else:
            channel.archived_at = utcnow() if data["archived"] else None
    if errors:
        db.session.rollback()
        raise ValidationError(errors)
    db.session.commit()
    return channel


def start_dm(actor, people) -> Channel:
    """The conversation among the actor and `people` (one per group of people: asking again
    returns the same one). Everyone must share a space with the actor."""
    policy.require(actor, "directory.view")
    others = {p.id: p for p in people if p is not None and p.id != actor.id}
    if not others:
        raise ValidationError({"user_ids": _("Choose at least one person to talk with.")})
    if len(others) + 1 > MAX_DM_PEOPLE:
        raise ValidationError({"user_ids": _("A conversation has at most %(n)d people.", n=MAX_DM_PEOPLE)})
    for person in others.values():
        policy.require(actor, "dm.start", person)
    ids = sorted({actor.id, *others})
    key = ",".join(str(i) for i in ids)
    found = db.session.scalar(select(Channel).where(Channel.dm_key == key))
    if found is not None:
        return found
    channel = Channel(kind="dm", dm_key=key, created_by_id=actor.id,
                      participants=[ChannelParticipant(user_id=i) for i in ids])
    db.session.add(channel)
    try:
        db.session.commit()
    except IntegrityError:  # someone started the same conversation a moment ago
        db.session.rollback()
        found = db.session.scalar(select(Channel).where(Channel.dm_key == key))
        if found is None:
            raise
        return found
    # ---- after commit: it appears live in its people's sidebars
    fanout.after_channel_created(channel)
    return channel


# ---------------------------------------------------------------- messages

class Sent(NamedTuple):
    """What a send answers: the message, whether this call stored it (a retried client_id finds
    the stored one), and the message as every client sees it (built while writing: after the
    commit each value would be read again)."""
    message: Message
    created: bool
    payload: dict


def send(actor, channel: Channel | None, data: dict, files=()) -> Sent:
    """Store a message (with `files` attached). Writing in a space channel also joins it
    (hub.chat.subscriptions.stage_joined, in the same transaction)."""
    policy.require(actor, "channel.post", channel)
    client_id = _client_id(data)
    existing = _stored(actor, client_id)
    if existing is not None:
        return _resent(existing, channel)
    errors: dict[str, str] = {}
    accepted = attachments.accept(files, errors)
    body = _body(data, errors, required=not accepted)
    parent = _parent(actor, channel, data.get("parent_id"), errors)
    if errors:
        raise ValidationError(errors)
    check_send_rate(actor.id)
    prepared = _prepare(actor, channel, body)
    channel_id, parent_id = channel.id, parent.id if parent is not None else None
    for attempt in range(WRITE_ATTEMPTS):
        stored_ids: list[int] = []
        try:
            now = utcnow()
            seq = _next_seq(channel_id)
            message = Message(channel_id=channel_id, seq=seq, updated_seq=seq, author_id=actor.id, client_id=client_id,
                              parent_id=parent_id, body=body, body_html=str(prepared.html), created_at=now)
            db.session.add(message)
            if parent_id is not None:
                db.session.execute(update(Message).where(Message.id == parent_id).values(
                    reply_count=Message.reply_count + 1, updated_seq=seq))
            # The sender has read their own message (one statement; a first read mark is made by mark_read).
            db.session.execute(update(ChannelRead).where(ChannelRead.user_id == actor.id,
                                                         ChannelRead.channel_id == channel_id,
                                                         ChannelRead.last_read_seq < seq).values(last_read_seq=seq))
            joined_now = subscriptions.stage_joined(actor.id, channel)
            db.session.flush()
            stored = attachments.stage(actor, message, accepted)
            stored_ids = [row.id for row in stored]  # (the bytes go if the commit does not happen)
            # Built before the commit, while every value is at hand: after it, each would be reloaded.
            payload, in_dm = payloads.new_message_json(message, actor, stored), channel.kind == "dm"
            db.session.commit()
            break
        except (IntegrityError, OperationalError):
            db.session.rollback()
            attachments.unstore(stored_ids)
            existing = _stored(actor, client_id)
            if existing is not None:  # the same send, stored by a concurrent retry
                return Sent(existing, False, payloads.message_json(existing))
            if attempt == WRITE_ATTEMPTS - 1:
                raise
    # ---- after commit: emit, notify, tell the writer's pages of a channel it joined. The message
    # is stored: a failure to tell others (Redis gone, say) is logged and the writer still gets
    # the ack; readers fetch what they missed by seq (a heartbeat's last_seq, or a seq gap).
    try:
        fanout.after_send(actor, message, prepared, payload, in_dm=in_dm, joined_now=joined_now)
    except Exception:  # noqa: BLE001
        db.session.rollback()
        current_app.logger.exception("Chat message %s is stored, but telling others failed", payload["id"])
    return Sent(message, True, payload)


def _resent(existing: Message, channel: Channel) -> Sent:
    if existing.channel_id != channel.id:
        raise ValidationError({"client_id": _("This client_id was already used for another message.")})
    return Sent(existing, False, payloads.message_json(existing))


def _parent(actor, channel: Channel, parent_id, errors: dict) -> Message | None:
    if parent_id in (None, ""):
        return None
    try:
        parent = db.session.get(Message, int(parent_id))
    except (TypeError, ValueError):
        parent = None
    if parent is not None and parent.parent_id is not None:  # threads are one level: a reply joins its thread
        parent = db.session.get(Message, parent.parent_id)
    if parent is None or parent.channel_id != channel.id or not policy.can(actor, "message.reply", parent):
        errors["parent_id"] = _("You can reply only to a message in this channel that you can see.")
        return None
    return parent


def _touch(message: Message) -> None:
    """Give a changed message a fresh place in its channel's order of changes."""
    message.updated_seq = _next_seq(message.channel_id)


def edit(actor, message: Message | None, data: dict) -> Message:
    policy.require(actor, "message.edit", message)
    errors: dict[str, str] = {}
    body = _body(data, errors, required=not message.attachments)
    if errors:
        raise ValidationError(errors)
    if body == message.body:
        return message
    prepared = _prepare(actor, message.channel, body)
    before = {p for p in _prepare_quietly(actor, message)}
    message.body, message.body_html, message.edited_at = body, str(prepared.html), utcnow()
    _touch(message)
    db.session.commit()
    # ---- after commit: emit, notify the newly mentioned (the search queue has it already)
    fanout.after_edit(actor, message, prepared, before)
    return message


def _prepare_quietly(actor, message: Message) -> set[int]:
    """Who the message mentioned before an edit (so only the newly mentioned hear of it)."""
    try:
        return {p.id for p in _prepare(actor, message.channel, message.body).people}
    except ValidationError:
        return set()


def delete(actor, message: Message | None) -> Message:
    policy.require(actor, "message.delete", message)
    message.deleted_at, message.deleted_by_id = utcnow(), actor.id
    _touch(message)
    db.session.commit()
    # ---- after commit: emit (the search queue takes it out of the index)
    fanout.after_change("message_deleted", message)
    return message


def react(actor, message: Message | None, kind: str) -> Message:
    """Toggle one reaction of the actor on a message."""
    policy.require(actor, "message.react", message)
    if kind not in REACTIONS:
        raise ValidationError({"kind": _("Choose one of the offered reactions.")})
    mine = next((r for r in message.reactions if r.user_id == actor.id and r.kind == kind), None)
    if mine is not None:
        message.reactions.remove(mine)
    else:
        message.reactions.append(MessageReaction(user_id=actor.id, kind=kind))
    _touch(message)
    try:
        db.session.commit()
    except IntegrityError:  # the same toggle twice at once: the first one stands
        db.session.rollback()
    db.session.refresh(message)
    fanout.after_change("reaction", message)
    return message


# ---------------------------------------------------------------- read state

def _read_to(user_id: int, channel_id: int, seq: int) -> None:
    row = db.session.get(ChannelRead, (user_id, channel_id))
    if row is None:
        db.session.add(ChannelRead(user_id=user_id, channel_id=channel_id, last_read_seq=seq))
    elif row.last_read_seq < seq:
        row.last_read_seq = seq


def mark_read(actor, channel: Channel | None, seq) -> int:
    """Record that the person has read the channel up to `seq` (never backwards); returns the mark."""
    policy.require(actor, "channel.view", channel)
    try:
        seq = max(0, min(int(seq), channel.last_seq))
    except (TypeError, ValueError):
        raise ValidationError({"seq": _("seq must be a number.")})
    for attempt in range(WRITE_ATTEMPTS):
        try:
            _read_to(actor.id, channel.id, seq)
            db.session.commit()
            break
        except (IntegrityError, OperationalError):
            db.session.rollback()
            if attempt == WRITE_ATTEMPTS - 1:
                raise
    row = db.session.get(ChannelRead, (actor.id, channel.id))
    fanout.after_read(actor, channel, row.last_read_seq)
    return row.last_read_seq


def people_by_ids(ids) -> list[User]:
    try:
        wanted = {int(i) for i in ids}
    except (TypeError, ValueError):
        raise ValidationError({"user_ids": _("Choose people from the list.")})
    found = list(db.session.scalars(select(User).where(User.id.in_(wanted))))
    if len(found) != len(wanted):
        raise NotFound()  # a missing person answers like one the actor may not see
    return found


# ---------------------------------------------------------------- when a quoted thread moves

@thread_moving.connect
def withdraw_quotes_of_moved_thread(thread, post_ids: set[int]):
    """A space channel's message may quote only posts of its own space (prepare). When the posts'
    thread moves to another space (before that is committed), each of its quotes in other spaces'
    channels gives way to the forums' notice, as quotes in forum posts do: the words leave with the
    thread, from the history, the API and search alike. Returns the emits to make after the commit."""
    quoting = db.session.scalars(select(Message).join(Channel, Channel.id == Message.channel_id).where(
        Channel.kind == "space", Channel.space_id != thread.space_id, quotes_any(Message.body, post_ids)))
    changed = []
    for message in quoting:
        body = without_quotes(message.body, lambda quoted_id: quoted_id in post_ids)
        if body != message.body:
            message.body, message.body_html = body, str(render_as_written(body))
            _touch(message)
            changed.append(message)
    shown = [m for m in changed if m.deleted_at is None]
    return (lambda: [fanout.after_change("message_edited", m) for m in shown]) if shown else None
