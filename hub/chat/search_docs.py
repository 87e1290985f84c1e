"""Chat messages in the search index. A space channel's messages follow the space (and its
newcomers' history cut); a direct conversation's are filed under the conversation ("c<id>"),
which only its participants may read (policy.search_scope); deleted messages leave the index."""
from __future__ import annotations

from typing import Iterator

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hub.chat.models import Channel, Message
from hub.search.documents import Kind, id_chunks, plain_text, register, with_digest
from hub.search.queue import changed, expansion, watch


def audience_key(channel: Channel) -> str:
    return f"s{channel.space_id}" if channel.kind == "space" and channel.space_id else f"c{channel.id}"


def message_document(message: Message, channel: Channel) -> dict | None:
    if message.deleted_at is not None:
        return None
    return with_digest({
        "key": f"message:{message.id}", "kind": "message", "id": message.id, "space": audience_key(channel),
        "space_id": channel.space_id if channel.kind == "space" else 0, "hidden": "0", "exempt": "",
        "origin": message.created_at, "created": message.created_at, "author": f"u{message.author_id}",
        "tags": "", "status": "", "title": "", "body": plain_text(message.body),
        "context": f"#{channel.name}" if channel.kind == "space" else "",
    })


def _messages(session, ids: list[int]) -> Iterator[tuple[str, dict | None]]:
    rows = {m.id: m for m in session.scalars(select(Message).where(Message.id.in_(ids))
                                             .options(selectinload(Message.channel)))}
    for ident in ids:
        row = rows.get(ident)
        yield f"message:{ident}", (message_document(row, row.channel) if row else None)


def _all_messages(session) -> Iterator[dict]:
    for chunk in id_chunks(session, select(Message.id).order_by(Message.id)):
        yield from (doc for _key, doc in _messages(session, chunk) if doc)
        session.expunge_all()


register("message", Kind(Message, _l("Message"), _messages, _all_messages,
                         lambda s: s.scalar(select(func.count(Message.id))),
                         lambda ident: url_for("chat.permalink", message_id=ident),
                         lambda stmt: stmt.options(selectinload(Message.channel), selectinload(Message.author))))


def _message_changed(message: Message, change: str):
    if change == "dirty" and not changed(message, "body", "deleted_at", "channel_id", "created_at"):
        return []
    return [f"message:{message.id}"]


def _channel_changed(channel: Channel, change: str):
    keys = [f"channel:{channel.id}"] if change != "dirty" or changed(channel, "name", "topic", "space_id") else []
    if change == "dirty" and changed(channel, "name", "space_id", "kind"):
        keys.append(f"channel-messages:{channel.id}")
    return keys


# Space channels are found by their name and topic, by the space's readers (a direct conversation
# has no name of its own and is not filed).

def channel_document(channel: Channel) -> dict | None:
    if channel.kind != "space" or not channel.space_id:
        return None
    return with_digest({
        "key": f"channel:{channel.id}", "kind": "channel", "id": channel.id, "space": audience_key(channel),
        "space_id": channel.space_id, "hidden": "0", "exempt": "", "origin": channel.created_at,
        "created": channel.created_at, "author": "", "tags": "", "status": "", "title": f"#{channel.name}",
        "body": channel.topic or "", "context": "",
    })


def _channels(session, ids: list[int]) -> Iterator[tuple[str, dict | None]]:
    rows = {c.id: c for c in session.scalars(select(Channel).where(Channel.id.in_(ids)))}
    for ident in ids:
        yield f"channel:{ident}", (channel_document(rows[ident]) if ident in rows else None)


def _all_channels(session) -> Iterator[dict]:
    for chunk in id_chunks(session, select(Channel.id).where(Channel.kind == "space").order_by(Channel.id)):
        yield from (doc for _key, doc in _channels(session, chunk) if doc)
        session.expunge_all()


register("channel", Kind(Channel, _l("Channel"), _channels, _all_channels,
                         lambda s: s.scalar(select(func.count(Channel.id)).where(Channel.kind == "space")),
                         lambda ident: url_for("chat.channel", channel_id=ident)))


watch(Message, _message_changed)
watch(Channel, _channel_changed)
expansion("channel-messages", lambda session, channel_id: [f"message:{i}" for i in session.scalars(
    select(Message.id).where(Message.channel_id == channel_id))])
