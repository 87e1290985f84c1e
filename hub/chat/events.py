"""The /chat Socket.IO namespace. Each handler asks who the socket is *now* (a session ended a
moment ago is refused), loads, requires the policy, calls one service or query, and answers in
its ack: {"ok": true, ...} or {"error": {"code", "message"}}. A channel one may not see answers
exactly like a missing one ("not_found").

client -> server
  join      {"channel_id", "after_seq"}            ack {"ok", "channel_id", "missed": [message...], "more",
                                                        "last_seq", "last_read_seq", "unread", "present"}
  send      {"channel_id", "body", "client_id", "parent_id"?}   ack {"ok", "message", "duplicate"}
            (with parent_id, a reply in that message's thread; a reply to a reply joins its thread)
  leave     {"channel_id"}                         ack {"ok"}
  edit      {"message_id", "body"}                 ack {"ok", "message"}
  delete    {"message_id"}                         ack {"ok", "message"}
  react     {"message_id", "kind"}                 ack {"ok", "message"}
  read      {"channel_id", "seq"}                  ack {"ok", "last_read_seq", "unread"}
  typing    {"channel_id"}                         ack {"ok"}
  presence  {"status": "online"|"away", "channel_id"?}   ack {"ok", "status", "present"?, "last_seq"?}  (a heartbeat)
server -> client
  message, message_edited, message_deleted, reaction   a message payload (hub.chat.payloads); a new
            reply comes as `message` (parent_id set) followed by `message_edited` of its parent (reply_count)
  typing    {"channel_id", "user": {"id", "name"}}
  presence  {"user_id", "name", "status"}             (to the person's direct conversations)
  read      {"channel_id", "last_read_seq", "unread"}   (to the person's own sockets)
  channel_access_ended {"space_id" (or null from a heartbeat re-check), "channel_ids"}
  channel_added   a sidebar entry (hub.chat.payloads.sidebar_entry: a channel with "unread", "url",
            "space_name", "space_kind"), to the person's own sockets: a new conversation or channel
            now in their list (hub.policy "channel.list"), or one they joined or wrote in elsewhere
  channel_removed {"channel_id"}                    (they left it, on another page)
"""
from __future__ import annotations

from functools import wraps

from flask import request
from flask_babel import gettext as _
from flask_socketio import ConnectionRefusedError, join_room, leave_room
from werkzeug.exceptions import Forbidden, NotFound

from hub import policy, realtime
from hub.chat import presence, queries, reading, services
from hub.chat.models import Channel, Message
from hub.chat.payloads import message_json
from hub.chat.ratelimit import RateLimited
from hub.extensions import db, socketio
from hub.validation import ValidationError

NAMESPACE = "/chat"


def _error(code: str, message: str, **extra) -> dict:
    return {"error": {"code": code, "message": message, **extra}}


def _not_found() -> dict:
    return _error("not_found", _("We could not find that conversation."))


def handler(view):
    """Who is asking now, then the view; policy and validation refusals become error acks."""
    @wraps(view)
    def wrapper(data=None):
        user = realtime.socket_user()
        if user is None:
            return _error("unauthorized", _("Please sign in again."))
        if not isinstance(data, dict):
            return _error("bad_request", _("Send an object."))
        try:
            return view(user, data)
        except (NotFound, policy.AgreementPending):  # (a socket keeps a pending member out as "not found")
            db.session.rollback()
            return _not_found()
        except Forbidden:
            db.session.rollback()
            return _error("forbidden", _("You cannot do that in this conversation."))
        except RateLimited as err:
            db.session.rollback()
            return _error("rate_limited", err.message, retry_after=err.retry_after)
        except ValidationError as err:
            db.session.rollback()
            return _error("invalid", err.message, fields=err.fields)
    return wrapper


def _int(data: dict, key: str) -> int:
    try:
        return int(data.get(key))
    except (TypeError, ValueError):
        raise NotFound()


def _message(user, data: dict, action: str) -> Message:
    message = db.session.get(Message, _int(data, "message_id"))
    policy.require(user, action, message)
    return message


def on_connect(auth=None):
    user = realtime.authenticate(auth)
    if user is None:
        raise ConnectionRefusedError("unauthorized")
    join_room(realtime.user_room(user.id))
    presence.register(request.sid, user.id, realtime.socket_credential())


def on_disconnect(*_reason):
    presence.unregister(request.sid)


@handler
def on_join(user, data):
    channel = db.session.get(Channel, _int(data, "channel_id"))
    policy.require(user, "channel.join", channel)
    join_room(realtime.channel_room(channel.id))
    # Asked again after joining: a removal committed in between either shows here, or its
    # eviction (which runs after that commit) finds this socket already in the room.
    db.session.expire_all()
    if not policy.can(user, "channel.join", channel):
        leave_room(realtime.channel_room(channel.id))
        return _not_found()
    try:
        after = max(0, int(data.get("after_seq") or 0))
    except (TypeError, ValueError):
        after = 0
    missed, more = queries.changes_since(user, channel, after)
    return {"ok": True, "channel_id": channel.id, "missed": [message_json(m) for m in missed], "more": more,
            "last_seq": channel.last_seq, "last_read_seq": reading.last_read(user, channel.id),
            "unread": reading.unread_counts(user, [channel.id]).get(channel.id, 0),
            "present": presence.present_list(channel)}


@handler
def on_leave(user, data):
    leave_room(realtime.channel_room(_int(data, 'channel_id')))
    return {"ok": True}


@handler
def on_send(user, data):
    channel = db.session.get(Channel, _int(data, "channel_id"))
    sent = services.send(user, channel, data)
    return {"ok": True, "message": sent.payload, "duplicate": not sent.created}


@handler
def on_edit(user, data):
    return {"ok": True, "message": message_json(services.edit(user, _message(user, data, "message.view"), data))}


@handler
def on_delete(user, data):
    return {"ok": True, "message": message_json(services.delete(user, _message(user, data, "message.view")))}


@handler
def on_react(user, data):
    message = services.react(user, _message(user, data, "message.view"), str(data.get("kind") or ""))
    return {"ok": True, "message": message_json(message)}


@handler
def on_read(user, data):
    channel = db.session.get(Channel, _int(data, "channel_id"))
    mark = services.mark_read(user, channel, data.get("seq"))
    return {"ok": True, "last_read_seq": mark, "unread": reading.unread_counts(user, [channel.id]).get(channel.id, 0)}


@handler
def on_typing(user, data):
    channel = db.session.get(Channel, _int(data, "channel_id"))
    policy.require(user, "channel.post", channel)
    socketio.emit("typing", {"channel_id": channel.id, "user": {"id": user.id, "name": user.name}},
                  to=realtime.channel_room(channel.id), skip_sid=request.sid, namespace=NAMESPACE)
    return {"ok": True}


@handler
def on_presence(user, data):
    """A heartbeat with the person's status; with a channel_id, answers who is there now."""
    answer = {"ok": True, "status": presence.set_status(request.sid, user.id, str(data.get("status") or ""),
                                                             realtime.socket_credential())}
    _recheck_rooms(user)
    if data.get("channel_id") is not None:
        channel = db.session.get(Channel, _int(data, "channel_id"))
        policy.require(user, "channel.view", channel)
        answer["present"] = presence.present_list(channel)
        # The client compares this with what it has seen: a live event lost on the way (say,
        # while Redis was down) is fetched within one heartbeat.
        answer["last_seq"] = channel.last_seq
    return answer


def _recheck_rooms(user) -> None:
    """Every heartbeat, this socket's channel rooms are asked about again (on the process that
    holds it): should an eviction forwarded through Redis have been lost (Redis down at that
    moment), the socket still leaves a channel it may no longer read within one heartbeat."""
    joined = {realtime.channel_of_room(r) for r in socketio.server.manager.get_rooms(request.sid, NAMESPACE)} - {None}
    if not joined:
        return
    visible = set(db.session.scalars(policy.visible_channel_ids(user)))
    lost = sorted(joined - visible)
    for channel_id in lost:
        leave_room(realtime.channel_room(channel_id))
    if lost:
        socketio.emit("channel_access_ended", {"space_id": None, "channel_ids": lost}, to=request.sid,
                      namespace=NAMESPACE)


EVENTS = {"connect": on_connect, "disconnect": on_disconnect, "join": on_join, "leave": on_leave, "send": on_send,
          "edit": on_edit, "delete": on_delete, "react": on_react, "read": on_read, "typing": on_typing,
          "presence": on_presence}


def init_app(app) -> None:
    for name, function in EVENTS.items():
        socketio.on_event(name, function, namespace=NAMESPACE)
    if presence.evict not in realtime.EVICT_HOOKS:
        realtime.EVICT_HOOKS.append(presence.evict)
    if presence.end not in realtime.END_HOOKS:
        realtime.END_HOOKS.append(presence.end)
    if presence.end_credential not in realtime.END_CREDENTIAL_HOOKS:
        realtime.END_CREDENTIAL_HOOKS.append(presence.end_credential)
