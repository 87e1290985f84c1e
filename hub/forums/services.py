"""Every write to threads and posts. Each takes the acting person, asks the policy, validates per
field, commits, and only then notifies and emits (through hub.forums.fanout: a reply's
notifications go to hub.notify, which stores them, pushes them and emails them). Pictures and
files come with a new thread, a reply or an edit as `files` (hub.forums.attachments).

Two after-flush listeners write in the same transaction, so no service has to remember them: the
search queue (hub.search.queue, fed by hub/forums/search_docs.py) and the thread's page version
(hub.fastpath.versions, registered in hub/forums/thread_pages.py)."""
from __future__ import annotations

import re
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from hub import content, policy
from hub.extensions import db, utcnow
from hub.forums import attachments, drafts, fanout, reading
from hub.forums.mentions import handles_in, prepare
from hub.forums.models import THREAD_KINDS, Category, ModerationEntry, Post, PostRevision, Thread, ThreadTag
from hub.spaces.models import Space
from hub.spaces.services import slugify
from hub.validation import ValidationError, require_text

MAX_TAGS, MAX_TAG_CHARS = 5, 30


def _body(errors: dict, value, required: bool = True) -> str:
    """A post's words: needed unless pictures or files say it instead."""
    return require_text(errors, "body", value, _("Message"), content.MAX_SOURCE_CHARS, required=required)


def parse_tags(value) -> list[str]:
    raw = value if isinstance(value, (list, tuple)) else re.split(r"[,\s]+", str(value or ""))
    tags = [slugify(str(t))[:MAX_TAG_CHARS] for t in raw if str(t).strip()]
    return list(dict.fromkeys(t for t in tags if t and t != "space"))


def _validate_thread(actor, space: Space, data: dict, errors: dict) -> dict:
    title = require_text(errors, "title", data.get("title"), _("Title"), 200)
    kind = data.get("kind") or "discussion"
    if kind not in THREAD_KINDS:
        errors["kind"] = _("Choose a kind of thread.")
    elif kind == "announcement" and not policy.can(actor, "space.announce", space):
        errors["kind"] = _("Only this space's facilitators can post announcements.")
    category = _category_in(space, data.get("category_id"))
    if category is None:
        errors["category_id"] = _("Choose a category of this space.")
    elif not policy.can(actor, "category.start_thread", category):
        errors["category_id"] = _("Only this space's facilitators start threads in “%(name)s”: choose another "
                                  "category.", name=category.name)
    tags = parse_tags(data.get("tags"))
    if len(tags) > MAX_TAGS:
        errors["tags"] = _("Use at most %(n)d tags.", n=MAX_TAGS)
    return {"title": title, "kind": kind, "category": category, "tags": tags}


def _category_in(space: Space, category_id) -> Category | None:
    try:
        category = db.session.get(Category, int(category_id))
    except (TypeError, ValueError):
        return None
    return category if category is not None and category.space_id == space.id else None


def create_thread(actor, space: Space, data: dict, files=()) -> Thread:
    policy.require(actor, "space.post", space)
    errors: dict[str, str] = {}
    fields = _validate_thread(actor, space, data, errors)
    accepted = attachments.accept(files, errors)
    body = _body(errors, data.get("body"), required=not accepted)
    if errors:
        raise ValidationError(errors)
    prepared = prepare(actor, space, body, lambda person: policy.can(person, "space.view", space))
    now = utcnow()
    thread = Thread(space_id=space.id, category_id=fields["category"].id, author_id=actor.id, kind=fields["kind"],
                    title=fields["title"], created_at=now, last_posted_at=now, last_post_number=1,
                    tags=[ThreadTag(tag=t) for t in fields["tags"]])
    db.session.add(thread)
    db.session.flush()
    post = Post(thread_id=thread.id, number=1, author_id=actor.id, body=body, body_html=str(prepared.html),
                created_at=now)
    db.session.add(post)
    db.session.flush()
    stored = attachments.stage(actor, post, accepted)
    drafts.discard(actor, f"thread:{space.id}", commit=False)
    reading.mark_read_to(actor, thread, 1, commit=False)
    reading.watch_by_default(actor, thread, "watching")
    attachments.commit_or_unstore(stored)
    fanout.after_post(actor, thread, post, prepared, new_thread=True)
    return thread


def reply(actor, thread: Thread, data: dict, files=()) -> Post:
    policy.require(actor, "thread.reply", thread)
    errors: dict[str, str] = {}
    accepted = attachments.accept(files, errors)
    body = _body(errors, data.get("body"), required=not accepted)
    wait = _slow_mode_wait(actor, thread)
    if wait:
        errors["body"] = _("Slow mode is on in this thread: you can post again in %(n)d seconds. "
                           "Your reply is kept below.", n=wait)
    if errors:
        raise ValidationError(errors)
    prepared = prepare(actor, thread.space, body, lambda person: policy.can(person, "thread.view", thread))
    now = utcnow()
    # Numbered atomically in the database, so two replies at once never take the same number.
    number = db.session.execute(update(Thread).where(Thread.id == thread.id).values(
        last_post_number=Thread.last_post_number + 1, reply_count=Thread.reply_count + 1, last_posted_at=now)
        .returning(Thread.last_post_number)).scalar_one()
    post = Post(thread_id=thread.id, number=number, author_id=actor.id, body=body, body_html=str(prepared.html),
                created_at=now)
    db.session.add(post)
    db.session.flush()
    stored = attachments.stage(actor, post, accepted)
    drafts.discard(actor, f"reply:{thread.id}", commit=False)
    reading.mark_read_to(actor, thread, number, commit=False)
    reading.watch_by_default(actor, thread, "tracking")
    attachments.commit_or_unstore(stored)
    db.session.refresh(thread)
    fanout.after_post(actor, thread, post, prepared, new_thread=False)
    return post


def _slow_mode_wait(actor, thread: Thread) -> int:
    if not thread.slow_mode_seconds or policy.can(actor, "thread.moderate", thread):
        return 0
    last = db.session.scalar(select(Post.created_at).where(Post.thread_id == thread.id, Post.author_id == actor.id)
                             .order_by(Post.created_at.desc()).limit(1))
    if last is None:
        return 0
    remaining = last + timedelta(seconds=thread.slow_mode_seconds) - utcnow()
    return max(0, int(remaining.total_seconds()) + 1) if remaining.total_seconds() > 0 else 0


def edit_post(actor, post: Post, data: dict, files=(), remove_attachment_ids=()) -> Post:
    """Keep the old version as a revision, re-check mentions, notify only the newly mentioned.
    `files` are attached, and the post's attachments named in `remove_attachment_ids` taken off
    (their files go once that is committed)."""
    policy.require(actor, "post.edit", post)
    thread = post.thread
    errors: dict[str, str] = {}
    accepted = attachments.accept(files, errors)
    removed = attachments.removals(post, remove_attachment_ids, errors)
    keeps_files = bool(accepted) or len(removed) < len(post.attachments)
    body = _body(errors, data.get("body", post.body), required=not keeps_files)
    title = thread.title
    if post.number == 1 and "title" in data:
        title = require_text(errors, "title", data.get("title"), _("Title"), 200)
    tags = parse_tags(data["tags"]) if post.number == 1 and "tags" in data else thread.tag_names
    if len(tags) > MAX_TAGS:
        errors["tags"] = _("Use at most %(n)d tags.", n=MAX_TAGS)
    if errors:
        raise ValidationError(errors)
    reworded = not (body == post.body and title == thread.title and tags == thread.tag_names)
    if not reworded and not accepted and not removed:
        return post
    if reworded:
        prepared = prepare(actor, thread.space, body, lambda person: policy.can(person, "post.view", post))
        before = set(handles_in(post.body))
        db.session.add(PostRevision(post_id=post.id, number=post.revision_count + 1, body=post.body,
                                    title=thread.title if post.number == 1 else "", editor_id=actor.id))
        post.revision_count += 1
        post.body, post.body_html, post.edited_at = body, str(prepared.html), utcnow()
        if post.number == 1:
            thread.title = title
            thread.tags = [ThreadTag(tag=t) for t in tags]
    stored, gone = attachments.stage(actor, post, accepted), attachments.forget(removed)
    if actor.id != post.author_id:
        _log(actor, thread, "edit_post", post)
    attachments.commit_or_unstore(stored)
    attachments.unstore(gone)
    if reworded:
        fanout.after_edit(actor, thread, post, prepared, before)
    return post


_KEEP = object()


def set_standing(post: Post, *, deleted_at=_KEEP, hidden_at=_KEEP) -> None:
    """Delete, hide or bring back a post, keeping its thread's reply count to the replies everyone
    may read: a hidden or deleted reply is not counted, so a listing never tells of it."""
    counted = _counts(post)
    if deleted_at is not _KEEP:
        post.deleted_at = deleted_at
    if hidden_at is not _KEEP:
        post.hidden_at = hidden_at
    post.thread.reply_count = max(0, post.thread.reply_count + _counts(post) - counted)


def _counts(post: Post) -> int:
    return int(post.number > 1 and post.deleted_at is None and post.hidden_at is None)


def delete_post(actor, post: Post) -> None:
    """Soft delete: the words stay for moderators; the opening post takes its thread with it."""
    policy.require(actor, "post.delete", post)
    readers_before = policy.audience(post)
    now = utcnow()
    set_standing(post, deleted_at=now)
    post.deleted_by_id = actor.id
    if post.number == 1:
        post.thread.deleted_at = now
    if actor.id != post.author_id:
        _log(actor, post.thread, "delete_post", post)
    db.session.commit()
    fanout.after_withdraw(post.thread, readers_before - policy.audience(post))


def restore_post(actor, post: Post) -> None:
    policy.require(actor, "post.restore", post)
    set_standing(post, deleted_at=None)
    post.deleted_by_id = None
    if post.number == 1:
        post.thread.deleted_at = None
    _log(actor, post.thread, "restore_post", post)
    db.session.commit()


def accept_answer(actor, thread: Thread, post: Post | None) -> Thread:
    """Mark (or with None, clear) the accepted answer of a question."""
    policy.require(actor, "thread.accept_answer", thread)
    if post is not None:
        policy.require(actor, "post.view", post)
        if post.thread_id != thread.id or post.number == 1 or post.deleted_at is not None:
            raise ValidationError({"post_id": _("Choose a reply in this thread as the answer.")})
    thread.accepted_post_id = post.id if post is not None else None
    db.session.commit()
    if post is not None and post.author_id != actor.id:
        fanout.answer_accepted(actor, thread, post)
    return thread


def _log(actor, thread: Thread, action: str, post: Post | None = None, detail: str = "") -> None:
    db.session.add(ModerationEntry(space_id=thread.space_id, actor_id=actor.id, action=action, thread_id=thread.id,
                                   post_id=post.id if post is not None else None, detail=detail))
