"""Read state and unread counts, kept on the server (every badge asks here)."""
from __future__ import annotations

from sqlalchemy import and_, func, select

from hub import policy
from hub.chat.models import ChannelRead, Message
from hub.extensions import db

UNREAD_CAP = 999


def unread_counts(user, channel_ids) -> dict[int, int]:
    """Messages by others, not deleted, that the person may see, after their read mark: per channel."""
    ids = list(channel_ids)
    if not ids or not policy.signed_in(user):
        return {}
    stmt = (select(Message.channel_id, func.count())
            .outerjoin(ChannelRead, and_(ChannelRead.channel_id == Message.channel_id, ChannelRead.user_id == user.id))
            .where(Message.channel_id.in_(ids), Message.author_id != user.id, Message.deleted_at.is_(None),
                   Message.seq > func.coalesce(ChannelRead.last_read_seq, 0))
            .group_by(Message.channel_id))
    stmt = policy.scope(stmt, user)
    return {cid: min(n, UNREAD_CAP) for cid, n in db.session.execute(stmt)}


def last_read(user, channel_id: int) -> int:
    row = db.session.get(ChannelRead, (user.id, channel_id))
    return row.last_read_seq if row is not None else 0
