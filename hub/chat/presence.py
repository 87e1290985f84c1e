"""Who has chat open (online / away / offline), told only to people who share a channel, and
the registry of /chat sockets that lets removal and ending sessions reach them on any process."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from hub import policy, realtime
from hub.chat.models import PRESENCE_STATES, Channel, ChannelParticipant, ChatSocket
from hub.extensions import db, socketio, utcnow

NAMESPACE = "/chat"
# A socket that has not said anything for this long counts as gone (its process may have died).
STALE_AFTER = timedelta(seconds=150)


def register(sid: str, user_id: int, credential: str | None = None) -> None:
    before = status_of(user_id)
    db.session.merge(ChatSocket(sid=sid, user_id=user_id, credential=credential, status="online", seen_at=utcnow()))
    db.session.commit()
    _announce_if_changed(user_id, before)


def unregister(sid: str) -> None:
    row = db.session.get(ChatSocket, sid)
    if row is None:
        return
    user_id, before = row.user_id, status_of(row.user_id)
    db.session.delete(row)
    db.session.commit()
    _announce_if_changed(user_id, before)


def set_status(sid: str, user_id: int, status: str, credential: str | None = None) -> str:
    if status not in PRESENCE_STATES:
        status = "online"
    before = status_of(user_id)
    row = db.session.get(ChatSocket, sid)
    if row is None:  # (its registration was swept as stale: back again, as the socket it is)
        row = ChatSocket(sid=sid, user_id=user_id, credential=credential)
        db.session.add(row)
    row.status, row.seen_at = status, utcnow()
    db.session.commit()
    _announce_if_changed(user_id, before)
    return status_of(user_id)


def _live_rows(user_ids=None):
    stmt = select(ChatSocket.user_id, ChatSocket.status).where(ChatSocket.seen_at >= utcnow() - STALE_AFTER)
    if user_ids is not None:
        stmt = stmt.where(ChatSocket.user_id.in_(list(user_ids)))
    return db.session.execute(stmt).all()


def statuses(user_ids=None) -> dict[int, str]:
    """online if any live socket says so, away if all of them are away; absent means offline."""
    found: dict[int, str] = {}
    for user_id, status in _live_rows(user_ids):
        if status == "online" or user_id not in found:
            found[user_id] = status
    return found


def status_of(user_id: int) -> str:
    return statuses([user_id]).get(user_id, "offline")


def present_in(channel: Channel) -> dict[int, str]:
    """Presence of the channel's readers who have chat open (for someone admitted to the channel)."""
    live = statuses()
    readers = policy.audience(channel, among=live.keys()) if live else set()
    return {uid: live[uid] for uid in readers}


def present_list(channel: Channel) -> list[dict]:
    from hub.people.models import User
    found = present_in(channel)
    people = db.session.scalars(select(User).where(User.id.in_(list(found)))).all() if found else []
    return sorted(({"user_id": p.id, "name": p.name, "status": found[p.id]} for p in people),
                  key=lambda row: row["name"])


def _announce_if_changed(user_id: int, before: str) -> None:
    now = status_of(user_id)
    if now == before:
        return
    from hub.people.models import User
    user = db.session.get(User, user_id)
    if user is None:
        return
    # Pushed to the rooms of the person's direct conversations (only sockets admitted to a
    # channel are in its room, so only people who share it hear). Space channels can hold
    # hundreds of people: pushing every arrival to all of them costs N squared packets when a
    # community comes online together, so there the presence list travels in the join ack and
    # in the answer to each client's presence heartbeat (present_list) instead.
    ids = db.session.scalars(select(ChannelParticipant.channel_id).where(ChannelParticipant.user_id == user_id)).all()
    payload = {"user_id": user_id, "name": user.name, "status": now}
    for channel_id in ids:
        socketio.emit("presence", payload, to=realtime.channel_room(channel_id), namespace=NAMESPACE)


def live_sockets() -> list[tuple[str, int]]:
    """(sid, user id) of every open /chat socket, on every process."""
    return [tuple(row) for row in db.session.execute(select(ChatSocket.sid, ChatSocket.user_id)).all()]


def sids_of(user_id: int) -> list[str]:
    return list(db.session.scalars(select(ChatSocket.sid).where(ChatSocket.user_id == user_id)))


def evict(user_ids, space_id: int) -> None:
    """After removal, leaving or a narrowing of the space: these people's /chat sockets leave the
    rooms of the space's channels, on whichever process holds them (python-socketio forwards
    through Redis), and each person's chat pages hear `channel_access_ended`. Runs after the
    change has committed, so a join racing with it either sees the change or is found here."""
    ids = sorted({int(i) for i in user_ids})
    channel_ids = list(db.session.scalars(select(Channel.id).where(Channel.space_id == space_id)
                                          .order_by(Channel.id)))
    if not ids or not channel_ids:
        return
    rows = db.session.execute(select(ChatSocket.sid, ChatSocket.user_id).where(ChatSocket.user_id.in_(ids))).all()
    for sid, _user_id in rows:
        for channel_id in channel_ids:
            socketio.server.leave_room(sid, realtime.channel_room(channel_id), namespace=NAMESPACE)
    for user_id in sorted({user_id for _sid, user_id in rows}):
        socketio.emit("channel_access_ended", {"space_id": space_id, "channel_ids": channel_ids},
                      to=realtime.user_room(user_id), namespace=NAMESPACE)


def end(user_id: int) -> None:
    """After logout-everywhere, a password change or deactivation: cut every /chat socket."""
    for sid in sids_of(user_id):
        socketio.server.disconnect(sid, namespace=NAMESPACE)
    socketio.close_room(realtime.user_room(user_id), namespace=NAMESPACE)
    db.session.execute(delete(ChatSocket).where(ChatSocket.user_id == user_id))
    db.session.commit()


def end_credential(credential: str) -> None:
    """After a token was revoked or a browser signed out: cut the /chat sockets that rode on it."""
    rows = db.session.execute(select(ChatSocket.sid, ChatSocket.user_id)
                              .where(ChatSocket.credential == credential)).all()
    for sid, _user_id in rows:
        socketio.server.disconnect(sid, namespace=NAMESPACE)
    for sid, user_id in rows:
        unregister(sid)

