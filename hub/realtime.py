"""Socket.IO: authenticated connections, personal rooms, emits that happen after commit.

A socket connects only with a signed-in session (same origin: no cross-origin allow-list is
configured) or a personal access token. Each connection joins `user:<id>`. Ending a person's
sessions tells their sockets and empties their personal room on every process (through Redis
when HUB_REDIS_URL is set), so nothing more reaches a revoked session.
"""
from __future__ import annotations

from flask import Flask, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room

from hub import policy
from hub.extensions import socketio


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def init_app(app: Flask) -> None:
    socketio.init_app(
        app,
        async_mode=app.config.get("SOCKETIO_ASYNC_MODE"),
        message_queue=app.config.get("REDIS_URL"),
        # None (the default) admits only the page's own origin; never "*".
        cors_allowed_origins=None,
        logger=False,
        engineio_logger=False,
    )
    socketio.on_event("connect", _on_connect, namespace="/")


def _socket_user(auth):
    """The person behind a new socket: a bearer token in `auth`, else the session cookie."""
    from hub.auth.tokens import user_for_token

    token = auth.get("token") if isinstance(auth, dict) else None
    if token:
        return user_for_token(str(token))
    return current_user._get_current_object()


def _on_connect(auth=None):
    user = _socket_user(auth)
    if not policy.signed_in(user):
        raise ConnectionRefusedError("unauthorized")
    join_room(user_room(user.id))
    socketio.emit("hello", {"user_id": user.id}, to=request.sid)


def emit_to_users(user_ids, event: str, payload: dict) -> None:
    """Send to each person's room. Call only after the change has been committed."""
    for user_id in sorted(set(user_ids)):
        socketio.emit(event, payload, to=user_room(user_id), namespace="/")


def end_sessions(user_id: int) -> None:
    """After a session-version bump: tell open sockets, then drop them from the personal room."""
    room = user_room(user_id)
    socketio.emit("session_ended", {}, to=room, namespace="/")
    socketio.close_room(room, namespace="/")
