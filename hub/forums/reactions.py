"""Reactions from a small fixed set, and who reacted, as the viewer may see it."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from hub import policy
from hub.extensions import db
from hub.forums import fanout
from hub.forums.models import REACTIONS, Post, Reaction
from hub.people.models import User
from hub.validation import ValidationError


def toggle(actor, post: Post, kind: str) -> bool:
    """Add the reaction, or take it back if it was there. Returns whether it is now on. An added
    one tells the post's author (fanout.reacted)."""
    policy.require(actor, "post.react", post)
    if kind not in REACTIONS:
        raise ValidationError({"kind": _("Choose one of the offered reactions.")})
    existing = db.session.scalar(select(Reaction).where(Reaction.post_id == post.id, Reaction.user_id == actor.id,
                                                        Reaction.kind == kind))
    if existing is not None:
        db.session.delete(existing)
    else:
        db.session.add(Reaction(post_id=post.id, user_id=actor.id, kind=kind))
    db.session.commit()
    if existing is None:
        fanout.reacted(actor, post, REACTIONS[kind])
    return existing is None


def summary(viewer, thread, posts: list[Post]) -> dict[int, dict[str, dict]]:
    """{post_id: {kind: {"count", "mine", "people": [{"id", "name"}]}}} for posts of one thread that
    the caller already checked. Only reactors the viewer may see, who can still read the post,
    are counted or named (a removed member's old reaction reveals nothing). Fixed query count."""
    ids = [p.id for p in posts]
    if not ids:
        return {}
    rows = db.session.execute(
        policy.scope(select(User.id, User.name, Reaction.post_id, Reaction.kind), viewer)
        .join(Reaction, Reaction.user_id == User.id).where(Reaction.post_id.in_(ids))
        .order_by(Reaction.created_at, Reaction.id)).all()
    if not rows:
        return {}
    reacted = {r.post_id for r in rows}
    readers = policy.audience_of_posts(thread, [p for p in posts if p.id in reacted], among={r.id for r in rows})
    result: dict[int, dict[str, dict]] = {}
    for user_id, name, post_id, kind in rows:
        if user_id not in readers.get(post_id, ()):
            continue
        entry = result.setdefault(post_id, {}).setdefault(kind, {"count": 0, "mine": False, "people": []})
        entry["count"] += 1
        entry["people"].append({"id": user_id, "name": name})
        entry["mine"] = entry["mine"] or user_id == viewer.id
    return result


def who_reacted(viewer, post: Post) -> dict[str, dict]:
    policy.require(viewer, "post.view", post)
    return summary(viewer, post.thread, [post]).get(post.id, {})
