"""Chat in the API: channels, history pages, send (for integrations), edits, reactions, read
state, conversations. The same services as the socket handlers, so the same events follow."""
from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from hub import policy
from hub.api.blueprint import bp
from hub.api.common import api_login_required, body_and_files, json_body
from hub.chat import attachments, presence, queries, reading, services, subscriptions
from hub.chat.models import Channel, Message, MessageAttachment
from hub.chat.payloads import channel_json, message_json
from hub.chat.ratelimit import RateLimited
from hub.errors import error_response
from hub.extensions import db
from hub.people import avatars
from hub.spaces.models import Space


def _get(model, ident: int, action: str):
    found = db.session.get(model, ident)
    policy.require(current_user, action, found)
    return found


def _arg_int(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _limit() -> int:
    value = _arg_int("limit")
    return min(value, queries.MAX_PAGE) if value else queries.PAGE


def _channels_json(channels) -> dict:
    unread = reading.unread_counts(current_user, [c.id for c in channels])
    return {"items": [channel_json(c, current_user, unread.get(c.id, 0)) for c in channels], "next": None}


@bp.get("/channels")
@api_login_required
def chat_my_channels():
    return jsonify(_channels_json(queries.my_channels(current_user)))


@bp.get("/spaces/<int:space_id>/channels")
@api_login_required
def chat_space_channels(space_id: int):
    space = db.session.get(Space, space_id)
    return jsonify(_channels_json(queries.space_channels(current_user, space)))


@bp.post("/spaces/<int:space_id>/channels")
@api_login_required
def chat_create_channel(space_id: int):
    channel = services.create_channel(current_user, db.session.get(Space, space_id), json_body())
    return jsonify(channel_json(channel, current_user, 0)), 201


@bp.post("/dms")
@api_login_required
def chat_start_dm():
    data = json_body()
    ids = data.get("user_ids")
    channel = services.start_dm(current_user, services.people_by_ids(ids if isinstance(ids, list) else []))
    return jsonify(channel_json(channel, current_user)), 201


@bp.get("/channels/<int:channel_id>")
@api_login_required
def chat_channel(channel_id: int):
    found = _get(Channel, channel_id, "channel.view")
    return jsonify(channel_json(found, current_user, reading.unread_counts(current_user, [found.id]).get(found.id, 0)))


@bp.patch("/channels/<int:channel_id>")
@api_login_required
def chat_update_channel(channel_id: int):
    found = _get(Channel, channel_id, "channel.view")
    return jsonify(channel_json(services.update_channel(current_user, found, json_body()), current_user))


@bp.get("/channels/<int:channel_id>/messages")
@api_login_required
def chat_messages(channel_id: int):
    """Newest page, `?before_seq=` for the page before it, or `?after_seq=` for what changed since;
    `?timeline=1` leaves out replies that live in their thread."""
    found = _get(Channel, channel_id, "channel.view")
    after = _arg_int("after_seq")
    if after is not None:
        rows, more = queries.changes_since(current_user, found, after, limit=_limit())
        return jsonify({"items": [message_json(m) for m in rows],
                        "next": str(rows[-1].updated_seq) if more and rows else None})
    rows, more = queries.history(current_user, found, _arg_int("before_seq"), limit=_limit(),
                                 timeline=request.args.get("timeline") == "1")
    return jsonify({"items": [message_json(m) for m in rows], "next": str(rows[0].seq) if more and rows else None})


@bp.post("/channels/<int:channel_id>/messages")
@api_login_required
def chat_send(channel_id: int):
    channel = db.session.get(Channel, channel_id)
    policy.require(current_user, "channel.post", channel)  # before reading what was sent
    data, files = body_and_files()
    try:
        sent = services.send(current_user, channel, data, files)
    except RateLimited as err:
        response, status = error_response(429, err.message, code="rate_limited")
        response.headers["Retry-After"] = str(err.retry_after)
        return response, status
    return jsonify(sent.payload), 201 if sent.created else 200


@bp.get("/messages/<int:message_id>")
@api_login_required
def chat_message(message_id: int):
    return jsonify(message_json(_get(Message, message_id, "message.view")))


@bp.get("/message-attachments/<int:attachment_id>")
@api_login_required
def chat_attachment(attachment_id: int):
    return attachments.response(_get(MessageAttachment, attachment_id, "message_attachment.view"))


@bp.get("/messages/<int:message_id>/replies")
@api_login_required
def chat_replies(message_id: int):
    """A thread: the replies to a message, oldest first; `?after_seq=` for the page after (next)."""
    found = _get(Message, message_id, "message.view")
    rows, more = queries.replies(current_user, found, _arg_int("after_seq"), limit=_limit())
    return jsonify({"items": [message_json(m) for m in rows], "next": str(rows[-1].seq) if more and rows else None})


@bp.patch("/messages/<int:message_id>")
@api_login_required
def chat_edit_message(message_id: int):
    found = _get(Message, message_id, "message.view")
    return jsonify(message_json(services.edit(current_user, found, json_body())))


@bp.delete("/messages/<int:message_id>")
@api_login_required
def chat_delete_message(message_id: int):
    services.delete(current_user, _get(Message, message_id, "message.view"))
    return "", 204


@bp.post("/messages/<int:message_id>/reactions")
@api_login_required
def chat_react(message_id: int):
    found = _get(Message, message_id, "message.view")
    return jsonify(message_json(services.react(current_user, found, str(json_body().get("kind") or ""))))


@bp.get("/channels/<int:channel_id>/read")
@api_login_required
def chat_read_state(channel_id: int):
    found = _get(Channel, channel_id, "channel.view")
    return jsonify({"channel_id": found.id, "last_read_seq": reading.last_read(current_user, found.id),
                    "last_seq": found.last_seq,
                    "unread": reading.unread_counts(current_user, [found.id]).get(found.id, 0)})


@bp.post("/channels/<int:channel_id>/read")
@api_login_required
def chat_mark_read(channel_id: int):
    found = db.session.get(Channel, channel_id)
    services.mark_read(current_user, found, json_body().get("seq"))
    return chat_read_state(channel_id)


@bp.get("/channels/<int:channel_id>/mentionable")
@api_login_required
def chat_mentionable(channel_id: int):
    found = _get(Channel, channel_id, "channel.view")
    people = queries.mentionable(current_user, found, request.args.get("q", ""))
    return jsonify({"items": [{"id": p.id, "name": p.name, "handle": p.username} for p in people], "next": None})


@bp.get("/channels/<int:channel_id>/presence")
@api_login_required
def chat_channel_presence(channel_id: int):
    found = _get(Channel, channel_id, "channel.view")
    return jsonify({"items": presence.present_list(found), "next": None})


def _subscription_json(channel: Channel) -> dict:
    return {"channel_id": channel.id, "listed": policy.can(current_user, "channel.list", channel)}


@bp.get("/channels/<int:channel_id>/subscription")
@api_login_required
def chat_subscription(channel_id: int):
    """Whether the channel is in the caller's sidebar ("listed")."""
    return jsonify(_subscription_json(_get(Channel, channel_id, "channel.view")))


@bp.put("/channels/<int:channel_id>/subscription")
@api_login_required
def chat_set_subscription(channel_id: int):
    """{"joined": true} puts a space channel in the caller's sidebar, false takes it out."""
    found = db.session.get(Channel, channel_id)
    subscriptions.set_joined(current_user, found, json_body().get("joined"))
    return jsonify(_subscription_json(found))


@bp.get("/dm-candidates")
@api_login_required
def chat_dm_candidates():
    """The people picker: people the caller may start a conversation with, by name or handle."""
    people = queries.dm_candidates(current_user, limit=10, prefix=request.args.get("q", ""))
    return jsonify({"items": [{**avatars.brief(p), "handle": p.username} for p in people], "next": None})
