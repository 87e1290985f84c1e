"""The one shape of a message and a channel, for socket events, acks and the API alike.

A payload goes to a whole channel room, so it carries nothing that only some members may see:
a reply names its parent by id only (a newcomer of a "from joining" space may not see it)."""
from __future__ import annotations

from hub.chat import attachments
from hub.chat.models import Channel, Message
from hub.people import avatars


def iso(value):
    return value.isoformat() + "Z" if value else None


def reactions_of(message: Message) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for reaction in message.reactions:
        found.setdefault(reaction.kind, []).append(reaction.user_id)
    return found


def message_json(message: Message) -> dict:
    deleted = message.deleted_at is not None
    return {
        "channel_id": message.channel_id, "id": message.id, "seq": message.seq, "updated_seq": message.updated_seq,
        "author": avatars.brief(message.author),
        "body": "" if deleted else message.body, "body_html": "" if deleted else message.body_html,
        "created_at": iso(message.created_at), "edited_at": iso(message.edited_at), "deleted": deleted,
        "parent_id": message.parent_id, "reply_count": message.reply_count, "client_id": message.client_id,
        "reactions": {} if deleted else reactions_of(message),
        "attachments": [] if deleted else [attachments.as_json(a) for a in message.attachments],
    }


def new_message_json(message: Message, author, stored=()) -> dict:
    """message_json for a message just written (no reactions yet, `stored` its attachments), without
    loading anything."""
    return {
        "channel_id": message.channel_id, "id": message.id, "seq": message.seq, "updated_seq": message.updated_seq,
        "author": avatars.brief(author), "body": message.body, "body_html": message.body_html,
        "created_at": iso(message.created_at), "edited_at": None, "deleted": False, "parent_id": message.parent_id,
        "reply_count": 0, "client_id": message.client_id, "reactions": {},
        "attachments": [attachments.as_json(a) for a in stored],
    }


def channel_json(channel: Channel, viewer=None, unread: int | None = None) -> dict:
    data = {"id": channel.id, "kind": channel.kind, "space_id": channel.space_id, "name": display_name(channel, viewer),
            "slug": channel.slug, "topic": channel.topic, "last_seq": channel.last_seq,
            "archived": channel.archived_at is not None}
    if channel.kind == "dm":
        data["participants"] = sorted(({"id": p.user.id, "name": p.user.name} for p in channel.participants),
                                      key=lambda p: p["name"])
    if unread is not None:
        data["unread"] = unread
    return data


def sidebar_entry(channel: Channel, viewer, unread: int = 0) -> dict:
    """A sidebar line for `viewer`: channel_json, and what the line shows of its space (its name,
    and its kind, which says whether it carries the private mark)."""
    space = channel.space
    return {**channel_json(channel, viewer, unread), "url": f"/chat/channels/{channel.id}",
            "space_name": space.name if space is not None else None,
            "space_kind": space.kind if space is not None else None}


def display_name(channel: Channel, viewer=None) -> str:
    if channel.kind != "dm":
        return channel.name
    others = sorted(p.user.name for p in channel.participants if viewer is None or p.user_id != viewer.id)
    return ", ".join(others) or (viewer.name if viewer is not None else "")
