"""Moderation: pin, lock, hide, move, slow mode, flags and their review queue, and the log.

Every action is written to the moderation log of the space it happened in. Moving a thread
into a narrower audience needs nothing else: notifications, unread counts and listings all ask
the policy about the thread where it is now.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from hub import policy
from hub.extensions import db, utcnow
from hub.forums import fanout
from hub.forums.mentions import withdraw_crossing_quotes
from hub.forums.models import FLAG_REASONS, Category, Flag, ModerationEntry, Post, PostRevision, Thread
from hub.forums.services import set_standing
from hub.spaces.models import Space
from hub.validation import ValidationError, require_text

MAX_SLOW_MODE = 24 * 3600
# A flag's reason as its reviewers read it (the queue, the API, the notification, the log).
REASON_WORDS = {"harmful": _l("Harmful or disrespectful"), "off_topic": _l("Off topic"),
                "privacy": _l("Shares private or identifying information"), "spam": _l("Spam"),
                "other": _l("Something else")}
# The moderation log's actions as its readers read them (the page and the API).
ACTION_WORDS = {
    "pin": _l("pinned"), "pin_globally": _l("pinned everywhere"), "unpin": _l("unpinned"), "lock": _l("locked"),
    "unlock": _l("unlocked"), "hide_thread": _l("hid a thread"), "unhide_thread": _l("unhid a thread"),
    "hide_post": _l("hid a post"), "unhide_post": _l("unhid a post"), "move": _l("moved a thread to another category"),
    "move_out": _l("moved a thread out of this space"), "move_in": _l("moved a thread into this space"),
    "slow_mode": _l("set slow mode (seconds)"), "flag_hide": _l("hid a flagged post"),
    "flag_dismiss": _l("dismissed a flag"), "edit_post": _l("edited someone's post"),
    "delete_post": _l("deleted someone's post"), "restore_post": _l("restored a post")}


def _log(actor, space_id: int, action: str, thread: Thread | None = None, post: Post | None = None,
         detail: str = "") -> None:
    db.session.add(ModerationEntry(space_id=space_id, actor_id=actor.id, action=action,
                                   thread_id=thread.id if thread else None, post_id=post.id if post else None,
                                   detail=detail))


def set_pinned(actor, thread: Thread, pinned: bool, globally: bool = False) -> Thread:
    policy.require(actor, "thread.pin_globally" if globally else "thread.moderate", thread)
    thread.pinned_at = utcnow() if pinned else None
    thread.pinned_globally = bool(pinned and globally)
    _log(actor, thread.space_id, ("pin_globally" if globally else "pin") if pinned else "unpin", thread)
    db.session.commit()
    return thread


def set_locked(actor, thread: Thread, locked: bool) -> Thread:
    policy.require(actor, "thread.moderate", thread)
    thread.locked_at = utcnow() if locked else None
    _log(actor, thread.space_id, "lock" if locked else "unlock", thread)
    db.session.commit()
    return thread


def set_slow_mode(actor, thread: Thread, seconds) -> Thread:
    policy.require(actor, "thread.moderate", thread)
    try:
        value = int(seconds)
    except (TypeError, ValueError):
        value = -1
    if not 0 <= value <= MAX_SLOW_MODE:
        raise ValidationError({"seconds": _("Slow mode is a number of seconds from 0 (off) to 86400.")})
    thread.slow_mode_seconds = value
    _log(actor, thread.space_id, "slow_mode", thread, detail=str(value))
    db.session.commit()
    return thread


def set_thread_hidden(actor, thread: Thread, hidden: bool, reason: str = "") -> Thread:
    policy.require(actor, "thread.moderate", thread)
    readers_before = policy.audience(thread)
    thread.hidden_at = utcnow() if hidden else None
    _log(actor, thread.space_id, "hide_thread" if hidden else "unhide_thread", thread, detail=reason[:500])
    db.session.commit()
    if hidden:
        fanout.after_withdraw(thread, readers_before - policy.audience(thread))
    return thread


def set_post_hidden(actor, post: Post, hidden: bool, reason: str = "") -> Post:
    policy.require(actor, "thread.moderate", post.thread)
    policy.require(actor, "post.view", post)
    readers_before = policy.audience(post)
    set_standing(post, hidden_at=utcnow() if hidden else None)
    _log(actor, post.thread.space_id, "hide_post" if hidden else "unhide_post", post.thread, post, reason[:500])
    db.session.commit()
    if hidden:
        fanout.after_withdraw(post.thread, readers_before - policy.audience(post))
    return post


def _check_move(actor, thread: Thread, category: Category | None) -> policy.Destination:
    """The policy's "thread.move_into", with a reason for each refusal."""
    policy.require(actor, "thread.moderate", thread)
    policy.require(actor, "category.manage", category)  # a missing category answers like a hidden one
    destination = policy.Destination(thread, category)
    if not policy.can(actor, "thread.move_into", destination):
        if category.space.is_archived:
            raise ValidationError({"category_id": _("That space is archived.")})
        raise ValidationError({"category_id": _("A thread stays in its affinity space: move it to another of "
                                                "the space's categories, or start a new thread elsewhere.")})
    return destination


def needs_confirmation(actor, thread: Thread, category: Category | None) -> bool:
    """Whether moving the thread there may go ahead only once confirmed: it could never come back
    (policy.one_way). Refuses, as move_thread would, a move that may not happen at all."""
    return policy.one_way(_check_move(actor, thread, category))


def move_thread(actor, thread: Thread, category: Category | None) -> Thread:
    """Into another category of the same space or of another space the actor moderates
    (policy "thread.move_into"). The move form and the API confirm a one-way move first."""
    _check_move(actor, thread, category)
    source, target = thread.space, category.space
    readers_before = policy.audience(thread)
    thread.category_id = category.id
    if source.id == target.id:
        _log(actor, source.id, "move", thread, detail=category.name)
    else:
        _leave_revisions_behind(thread, source)
        thread.space_id = target.id
        after_commit = withdraw_crossing_quotes(thread)
        # The source's log keeps no title: some of its moderators may not follow the thread.
        _log(actor, source.id, "move_out", None, detail=f"#{thread.id}")
        _log(actor, target.id, "move_in", thread, detail=category.name)
    db.session.commit()
    db.session.refresh(thread)
    if source.id != target.id:
        fanout.after_withdraw(thread, readers_before - policy.audience(thread))
        for after in after_commit:
            after()
    return thread


def _leave_revisions_behind(thread: Thread, source) -> None:
    """The earlier texts of the thread's posts were written for the space it leaves: they stay its
    readers' (policy "revision.view"), and the new space's readers start from the posts as they
    arrive (what a team member wrote and then took out stays the team's)."""
    db.session.execute(update(PostRevision).where(
        PostRevision.post_id.in_(select(Post.id).where(Post.thread_id == thread.id)),
        PostRevision.left_in_space_id.is_(None)).values(left_in_space_id=source.id))


def flag_post(actor, post: Post, reason: str, message: str = "") -> Flag:
    policy.require(actor, "post.flag", post)
    errors: dict[str, str] = {}
    if reason not in FLAG_REASONS:
        errors["reason"] = _("Choose why this post needs a facilitator's attention.")
    message = require_text(errors, "message", message, _("Message"), 1000, required=reason == "other")
    already = db.session.scalar(select(Flag.id).where(Flag.post_id == post.id, Flag.reporter_id == actor.id,
                                                      Flag.status == "open"))
    if already is not None:
        errors["reason"] = _("You have already flagged this post; a facilitator will look at it.")
    if errors:
        raise ValidationError(errors)
    flag = Flag(post_id=post.id, reporter_id=actor.id, reason=reason, message=message)
    db.session.add(flag)
    db.session.commit()
    fanout.flagged(actor, flag, REASON_WORDS[reason])
    return flag


def resolve_flag(actor, flag: Flag, action: str) -> Flag:
    """"hide" hides the post and closes every open flag on it; "dismiss" closes this one."""
    policy.require(actor, "flag.review", flag)
    if action not in ("hide", "dismiss") or flag.status != "open":
        raise ValidationError({"action": _("This flag is already resolved.") if flag.status != "open"
                               else _("Choose to hide the post or dismiss the flag.")})
    now = utcnow()
    post = flag.post
    targets = [flag] if action == "dismiss" else list(db.session.scalars(
        select(Flag).where(Flag.post_id == post.id, Flag.status == "open")))
    for item in targets:
        item.status = "acted" if action == "hide" else "dismissed"
        item.resolved_by_id, item.resolved_at = actor.id, now
    if action == "hide":
        set_standing(post, hidden_at=now)
    _log(actor, post.thread.space_id, "flag_" + action, post.thread, post, flag.reason)
    db.session.commit()
    return flag


def _open_flags(actor, space: Space | None = None):
    """The open flags this person reviews (policy scope "flag.review": on posts they read, in spaces
    they moderate; a newcomer facilitator of a narrow-history space does not see what came before
    them through the queue either), in one space or in all."""
    stmt = policy.scope(select(Flag), actor).where(Flag.status == "open")
    if space is not None:
        stmt = stmt.where(Flag.post_id.in_(select(Post.id).join(Thread, Thread.id == Post.thread_id)
                                           .where(Thread.space_id == space.id)))
    return stmt


def open_flags(actor, space: Space) -> list[Flag]:
    policy.require(actor, "space.manage", space)
    return list(db.session.scalars(_open_flags(actor, space).order_by(Flag.created_at, Flag.id)))


def open_flag_count(actor, space: Space) -> int:
    """The number on a space's Flags tab (0 for anyone who does not moderate it)."""
    if not policy.can(actor, "space.manage", space):
        return 0
    return db.session.scalar(select(func.count()).select_from(_open_flags(actor, space).subquery()))


def review_queue(actor) -> list[Flag]:
    """Site staff's one queue: every open flag they review, in every space they moderate, oldest first."""
    policy.require(actor, "flags.review_all")
    return list(db.session.scalars(_open_flags(actor).options(
        selectinload(Flag.reporter), selectinload(Flag.post).selectinload(Post.thread).selectinload(Thread.space),
        selectinload(Flag.post).selectinload(Post.author)).order_by(Flag.created_at, Flag.id)))


def log_of(actor, space: Space, limit: int = 200) -> list[ModerationEntry]:
    policy.require(actor, "space.manage", space)
    return list(db.session.scalars(select(ModerationEntry).where(ModerationEntry.space_id == space.id)
                                   .order_by(ModerationEntry.created_at.desc(), ModerationEntry.id.desc())
                                   .limit(limit)))
