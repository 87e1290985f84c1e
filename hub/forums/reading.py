"""Reading state (what each person has read of each thread) and watching levels.

Levels, as in Discourse: watching (every new post notifies), tracking (unread counts shown;
mentions and quotes notify), normal (mentions and quotes notify), muted (nothing, and hidden
from Latest). A thread's own level wins over its category's; the default is normal.
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from hub import policy
from hub.extensions import db, utcnow
from hub.forums.models import Category, Post, ReadState, Thread
from hub.notify.models import WATCH_LEVELS, Watch
from hub.validation import ValidationError

DEFAULT_LEVEL = "normal"
NEW_FOR = timedelta(days=14)  # a never-opened thread counts as "new" this long


def last_read(user, thread: Thread) -> int:
    if not policy.signed_in(user):
        return 0
    state = db.session.get(ReadState, (user.id, thread.id))
    return state.last_read_number if state else 0


def has_history(user) -> bool:
    """Has this person read anything yet? (A returning person's home is Latest.)"""
    return db.session.scalar(select(ReadState.thread_id).where(ReadState.user_id == user.id).limit(1)) is not None


def mark_read_to(user, thread: Thread, number: int, commit: bool = True) -> None:
    """Reading only moves forward (opening an old page never makes newer posts unread again)."""
    if not policy.signed_in(user):
        return
    state = db.session.get(ReadState, (user.id, thread.id))
    if state is None:
        db.session.add(ReadState(user_id=user.id, thread_id=thread.id, last_read_number=number))
    elif number > state.last_read_number:
        state.last_read_number = number
    if commit:
        db.session.commit()


def mark_space_read(user, thread_ids) -> int:
    """"Mark read" on a listing: every given thread the person may see, up to its last post."""
    threads = db.session.scalars(policy.scope(select(Thread), user).where(Thread.id.in_(list(thread_ids))))
    count = 0
    for thread in threads:
        mark_read_to(user, thread, thread.last_post_number, commit=False)
        count += 1
    db.session.commit()
    return count


def _watch_row(user, thread: Thread | None = None, category: Category | None = None) -> Watch | None:
    stmt = select(Watch).where(Watch.user_id == user.id)
    stmt = stmt.where(Watch.thread_id == thread.id) if thread else stmt.where(Watch.thread_id.is_(None))
    stmt = stmt.where(Watch.category_id == category.id) if category else stmt.where(Watch.category_id.is_(None))
    return db.session.scalar(stmt)


def set_level(user, level: str, thread: Thread | None = None, category: Category | None = None) -> str:
    if level not in WATCH_LEVELS:
        raise ValidationError({"level": _("Choose watching, tracking, normal or muted.")})
    if thread is not None:
        policy.require(user, "thread.view", thread)
    else:
        policy.require(user, "category.view", category)
    row = _watch_row(user, thread, category)
    if row is None:
        row = Watch(user_id=user.id, thread_id=thread.id if thread else None,
                    category_id=category.id if category else None, level=level)
        db.session.add(row)
    row.level = level
    db.session.commit()
    return level


def watch_by_default(user, thread: Thread, level: str) -> None:
    """Writing in a thread starts watching or tracking it, unless the person chose a level."""
    if _watch_row(user, thread=thread) is None:
        db.session.add(Watch(user_id=user.id, thread_id=thread.id, level=level))


def level_for(user, thread: Thread) -> str:
    return levels_for([user.id], thread).get(user.id, DEFAULT_LEVEL)


def category_level(user, category: Category) -> str:
    row = _watch_row(user, category=category)
    return row.level if row else DEFAULT_LEVEL


def levels_for(user_ids, thread: Thread) -> dict[int, str]:
    """Effective levels of many people for one thread, in one query."""
    rows = db.session.execute(select(Watch.user_id, Watch.thread_id, Watch.level).where(
        or_(Watch.thread_id == thread.id, Watch.category_id == thread.category_id),
        Watch.user_id.in_(list(user_ids)))).all()
    levels: dict[int, str] = {}
    for user_id, thread_id, level in sorted(rows, key=lambda r: r.thread_id is not None):
        levels[user_id] = level  # thread rows sort last, so they win
    return levels


def watchers(thread: Thread, level: str) -> set[int]:
    """Who has chosen `level` for this thread, directly or through its category."""
    rows = db.session.execute(select(Watch.user_id, Watch.thread_id, Watch.level).where(
        or_(Watch.thread_id == thread.id, Watch.category_id == thread.category_id))).all()
    levels: dict[int, str] = {}
    for user_id, thread_id, row_level in sorted(rows, key=lambda r: r.thread_id is not None):
        levels[user_id] = row_level
    return {u for u, lv in levels.items() if lv == level}


def muted_thread_clause(user):
    """SQL: threads this person muted, directly or through their category (for Latest)."""
    thread_level = (select(Watch.level).where(Watch.user_id == user.id, Watch.thread_id == Thread.id)
                    .scalar_subquery())
    category_muted = select(Watch.category_id).where(Watch.user_id == user.id, Watch.level == "muted",
                                                     Watch.category_id.is_not(None))
    # coalesce: a NULL comparison would make NOT(...) NULL and drop every unwatched thread.
    level = func.coalesce(thread_level, "")
    return or_(level == "muted", and_(level == "", Thread.category_id.in_(category_muted)))


def _unread_posts(user, read_to: dict[int, int]) -> dict[int, int]:
    """{thread id: posts past the person's read position that they may see}, for opened threads
    whose last number is past it. Counted from the policy's scope, so a reply deleted, hidden or
    moved away is never "unread" for someone it was withdrawn from (nor tells them it exists)."""
    if not read_to:
        return {}
    stmt = (policy.scope(select(Post.thread_id, func.count(Post.id)), user)
            .join(ReadState, and_(ReadState.thread_id == Post.thread_id, ReadState.user_id == user.id))
            .where(Post.thread_id.in_(list(read_to)), Post.number > ReadState.last_read_number)
            .group_by(Post.thread_id))
    return dict(db.session.execute(stmt).all())


def unread_and_new(user, threads) -> dict[int, dict]:
    """Per thread: {"unread": n, "new": bool, "last_read": k}. New means never opened; unread
    counts only posts the person may see."""
    ids = [t.id for t in threads]
    states = dict(db.session.execute(select(ReadState.thread_id, ReadState.last_read_number).where(
        ReadState.user_id == user.id, ReadState.thread_id.in_(ids))).all()) if ids else {}
    behind = _unread_posts(user, {t.id: states[t.id] for t in threads
                                  if states.get(t.id) is not None and t.last_post_number > states[t.id]})
    result = {}
    for thread in threads:
        read = states.get(thread.id)
        result[thread.id] = {"last_read": read or 0, "unread": behind.get(thread.id, 0)}
        result[thread.id]["new"] = read is None and thread.created_at >= utcnow() - NEW_FOR
    return result


def counts(user, space_ids=None) -> dict[str, int]:
    """How many visible, unmuted threads are unread (opened, with newer posts) and new (never opened)."""
    if not policy.signed_in(user):
        return {"unread": 0, "new": 0}
    base = policy.scope(select(Thread.id, Thread.last_post_number, ReadState.last_read_number, Thread.created_at)
                        .select_from(Thread), user)
    base = base.outerjoin(ReadState, and_(ReadState.thread_id == Thread.id, ReadState.user_id == user.id)).where(
        ~muted_thread_clause(user))
    if space_ids is not None:
        base = base.where(Thread.space_id.in_(list(space_ids)))
    new = 0
    fresh_since = utcnow() - NEW_FOR
    behind: dict[int, int] = {}
    for thread_id, last, read, created_at in db.session.execute(base):
        if read is None:
            new += created_at >= fresh_since
        elif last > read:
            behind[thread_id] = read
    return {"unread": len(_unread_posts(user, behind)), "new": new}
