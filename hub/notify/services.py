"""Create, list and read notifications. Call `notify` only after the change is committed.

Every notification names the policy action its recipient must pass on its space. That is
checked when it is written and again every time it is listed, counted or pushed, so someone
removed from a space stops seeing what was queued for them at once.
"""
from __future__ import annotations

from sqlalchemy import select

from hub import policy, realtime
from hub.extensions import db, utcnow
from hub.notify.models import Notification
from hub.people.models import User
from hub.spaces.models import Space


def _still_allowed(user: User, note: Notification) -> bool:
    if note.space_id is None:
        return policy.signed_in(user)
    space = db.session.get(Space, note.space_id)
    return space is not None and policy.can(user, note.requires, space)


def _allowed(user: User, notes) -> list[Notification]:
    """The notes the user may still see; one policy question per (space, action), within this call."""
    answers: dict[tuple, bool] = {}
    kept = []
    for note in notes:
        key = (note.space_id, note.requires)
        if key not in answers:
            answers[key] = _still_allowed(user, note)
        if answers[key]:
            kept.append(note)
    return kept


def notify(user_ids, kind: str, text: str, link: str = "", space: Space | None = None,
           requires: str = "space.view") -> list[int]:
    """Store and push a notification to each person who may receive it now; returns who got it."""
    delivered = []
    for user_id in sorted(set(user_ids)):
        user = db.session.get(User, user_id)
        if user is None:
            continue
        note = Notification(user_id=user_id, kind=kind, text=text, link=link,
                            space_id=space.id if space else None, requires=requires)
        if not _still_allowed(user, note):
            continue
        db.session.add(note)
        delivered.append(user_id)
    db.session.commit()
    for user_id in delivered:
        user = db.session.get(User, user_id)
        realtime.emit_to_users([user_id], "notification", {"text": text, "link": link, "unread": unread_count(user)})
    return delivered


def visible(user: User, limit: int = 50) -> list[Notification]:
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit * 2))
    return _allowed(user, rows)[:limit]


def unread_count(user: User) -> int:
    if not policy.signed_in(user):
        return 0
    unread = db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                           Notification.read_at.is_(None)))
    return len(_allowed(user, unread))


def mark_all_read(user: User) -> None:
    db.session.execute(Notification.__table__.update().where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow()))
    db.session.commit()
    realtime.emit_to_users([user.id], "notification", {"unread": 0})


