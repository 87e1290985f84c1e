"""Socket.IO: authenticated connections, personal rooms, emits that happen after commit.

A socket connects only with a signed-in session (same origin: no cross-origin allow-list is
configured) or a personal access token. Each connection joins `user:<id>`. Ending a person's
sessions tells their sockets and empties their personal room on every process (through Redis
when HUB_REDIS_URL is set), so nothing more reaches a revoked session.
"""
from __future__ import annotations

from datetime import datetime

from flask import Flask, request, session
from flask_socketio import ConnectionRefusedError, join_room
from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hub import policy
from hub.extensions import db, socketio, utcnow


# Room names, made here only: a person's own sockets (in every namespace), and a chat channel's.
def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def channel_room(channel_id: int) -> str:
    return f"chat:{channel_id}"


def channel_of_room(room: str) -> int | None:
    """The channel id of a channel room's name (None for any other room)."""
    prefix, _, ident = str(room).partition(":")
    return int(ident) if prefix == "chat" and ident.isdigit() else None


def session_credential(login_session_id: int) -> str:
    """How a socket opened by a browser's login session is marked (end_credential cuts them)."""
    return f"session:{login_session_id}"


def token_credential(token_id: int) -> str:
    """How a socket opened with a personal access token is marked."""
    return f"token:{token_id}"


# Who a socket is, told by hub.auth.sockets (the sign-in side): `connecting(auth)` returns
# (person or None, what to remember in the socket's session, its credential); `current(remembered)`
# the person if that is still live. Until it registers, no socket gets in.
_AUTHENTICATOR: dict = {"connecting": lambda _auth: (None, {}, None), "current": lambda _remembered: None}


def register_authenticator(connecting, current) -> None:
    _AUTHENTICATOR.update(connecting=connecting, current=current)


class SocketConnection(db.Model):
    """Each open Socket.IO connection and whose it is, shared by every server process, so that
    ending a person's sessions can disconnect their sockets wherever they are connected."""

    __tablename__ = "socket_connections"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # What it connected with ("session:<login session id>" or "token:<token id>"): ending either
    # cuts exactly the sockets that rode on it.
    credential: Mapped[str | None] = mapped_column(String(40), index=True)
    connected_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


def init_app(app: Flask) -> None:
    socketio.init_app(
        app,
        async_mode=app.config.get("SOCKETIO_ASYNC_MODE"),
        message_queue=app.config.get("REDIS_URL"),
        channel=f"{app.config.get('REDIS_PREFIX', 'hub')}-socketio",
        # None (the default) admits only the page's own origin; never "*".
        cors_allowed_origins=None,
        logger=False,
        engineio_logger=False,
    )
    socketio.on_event("connect", _on_connect, namespace="/")
    socketio.on_event("disconnect", _on_disconnect, namespace="/")


def _on_connect(auth=None):
    user = authenticate(auth)
    if user is None:
        raise ConnectionRefusedError("unauthorized")
    _register(request.sid, user.id, socket_credential())
    join_room(user_room(user.id))
    socketio.emit("hello", {"user_id": user.id}, to=request.sid)


def _register(sid: str, user_id: int, credential: str | None) -> None:
    db.session.merge(SocketConnection(sid=sid, user_id=user_id, credential=credential))
    db.session.commit()


def _on_disconnect(*_reason):
    db.session.execute(db.delete(SocketConnection).where(SocketConnection.sid == request.sid))
    db.session.commit()


def _sids_of(user_id: int) -> list[str]:
    return list(db.session.scalars(db.select(SocketConnection.sid).where(SocketConnection.user_id == user_id)))


def connected_user_ids(user_ids) -> set[int]:
    """Which of these people have a page of the hub open (a live socket), on any process."""
    ids = sorted({int(i) for i in user_ids})
    return set(db.session.scalars(db.select(SocketConnection.user_id).where(SocketConnection.user_id.in_(ids)))) \
        if ids else set()


def socket_user():
    """For event handlers: the socket's person if what it connected with is still live, else None
    (asked now, on every event, by the registered authenticator)."""
    return _AUTHENTICATOR["current"](session.get("socket_auth") or {})


def socket_credential() -> str | None:
    """What the current socket connected with (set by `authenticate`)."""
    return session.get("socket_credential")


def emit_to_users(user_ids, event: str, payload: dict) -> None:
    """Send to each person's room. Call only after the change has been committed."""
    for user_id in sorted(set(user_ids)):
        socketio.emit(event, payload, to=user_room(user_id), namespace="/")


def evict_from_space(user_id: int, space_id: int) -> None:
    """After removal or leaving: tell the person's open pages, and take their sockets out of any
    room of that space, on every process (rooms are only ever joined after policy.require)."""
    evict_people_from_space({user_id}, space_id)


def evict_people_from_space(user_ids, space_id: int) -> None:
    """evict_from_space for several people at once (one query for who is connected)."""
    ids = {int(i) for i in user_ids}
    if not ids:
        return
    rows = db.session.execute(db.select(SocketConnection.sid, SocketConnection.user_id)
                              .where(SocketConnection.user_id.in_(sorted(ids)))).all()
    for user_id in sorted({user_id for _sid, user_id in rows}):
        socketio.emit("space_access_ended", {"space_id": space_id}, to=user_room(user_id), namespace="/")
    for hook in EVICT_HOOKS:  # (the chat's channel rooms: the only rooms of a space)
        hook(ids, space_id)


# A change that may narrow who reads a space (its settings, a group agreement) or what one person
# reads (their site role) asks the policy before it writes and again after it commits; whoever
# could read before and cannot now is evicted at once, instead of at their next heartbeat.

def readers_of(space) -> set[int]:
    """Before the change: who reads the space now (policy.audience)."""
    return set(policy.audience(space))


def evict_lost_readers(space, before: set[int]) -> None:
    """After the change has committed: everyone of `before` the policy no longer admits leaves
    the space's rooms, on every process, and their open pages are told."""
    if before:
        evict_people_from_space(set(before) - policy.audience(space), space.id)


def spaces_read_by(user) -> frozenset[int]:
    """Before the change: the spaces the person reads now (policy.visible_space_ids)."""
    return policy.visible_space_ids(user)


def evict_from_lost_spaces(user, before) -> None:
    """After the change has committed: the person leaves the rooms of every space of `before`
    they no longer read."""
    for space_id in sorted(set(before) - policy.visible_space_ids(user)):
        evict_people_from_space({user.id}, space_id)


def end_sessions(user_id: int) -> None:
    """After a session-version bump: tell open sockets, then drop them from the personal room."""
    room = user_room(user_id)
    socketio.emit("session_ended", {}, to=room, namespace="/")
    for hook in END_HOOKS:
        hook(user_id)
    # Every socket of the person is cut, on whichever process holds it (python-socketio
    # forwards a disconnect for a socket it does not hold through the message queue).
    # The session that asked reconnects after its page reloads.
    for sid in _sids_of(user_id):
        socketio.server.disconnect(sid, namespace="/")
    socketio.close_room(room, namespace="/")


# Other namespaces (hub.chat) register here how their sockets leave a space's rooms and how
# they are cut when a person's sessions end; both run wherever eviction and ending run.
EVICT_HOOKS: list = []  # hook(user_ids: set[int], space_id)
END_HOOKS: list = []  # hook(user_id)
END_CREDENTIAL_HOOKS: list = []  # hook(credential)


def authenticate(auth):
    """The person behind a connecting socket (token in `auth`, else the session), remembered in
    the socket's session for later events; None when they may not connect."""
    user, remembered, credential = _AUTHENTICATOR["connecting"](auth)
    if user is None or not policy.signed_in(user):
        return None
    session["socket_auth"] = remembered
    session["socket_credential"] = credential
    return user


def end_credential(credential: str) -> None:
    """After a token was revoked or a browser signed out (committed): cut exactly the sockets that
    connected with it, on whichever process holds them, in every namespace."""
    sids = list(db.session.scalars(db.select(SocketConnection.sid).where(SocketConnection.credential == credential)))
    for sid in sids:
        socketio.server.disconnect(sid, namespace="/")
    if sids:
        db.session.execute(db.delete(SocketConnection).where(SocketConnection.sid.in_(sids)))
        db.session.commit()
    for hook in END_CREDENTIAL_HOOKS:
        hook(credential)
