"""The forums in the search index: a thread (with its opening post) and each reply are documents.
What a document carries mirrors hub.policy's forum rules: hidden things stay with their authors
and the space's moderators, deleted ones leave, a reply follows its thread's space and cut-off."""
from __future__ import annotations

from typing import Iterator

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hub.forums.models import Post, Thread, ThreadTag
from hub.search.documents import Kind, exempt_keys, id_chunks, plain_text, register, with_digest
from hub.search.queue import changed, expansion, watch

def _status(thread: Thread) -> str:
    if thread.kind != "question":
        return ""
    return "solved" if thread.accepted_post_id else "unanswered"


def _live(row) -> bool:
    return row.deleted_at is None


def thread_document(thread: Thread, opening: Post | None, tags: list[str]) -> dict | None:
    if not _live(thread):
        return None
    hidden = thread.hidden_at is not None
    shown_opening = opening is not None and _live(opening) and opening.hidden_at is None
    return with_digest({
        "key": f"thread:{thread.id}", "kind": "thread", "id": thread.id, "space": f"s{thread.space_id}",
        "space_id": thread.space_id, "hidden": "1" if hidden else "0",
        "exempt": f"u{thread.author_id}" if hidden else "", "origin": thread.created_at,
        "created": thread.created_at, "author": f"u{thread.author_id}", "tags": ",".join(tags),
        "status": _status(thread), "title": thread.title,
        "body": plain_text(opening.body) if shown_opening else "", "context": "",
    })


def post_document(post: Post, thread: Thread, tags: list[str]) -> dict | None:
    if post.number == 1 or not _live(post) or not _live(thread):
        return None
    # Hidden things show to their author (and moderators); a reply hidden inside a hidden
    # thread shows only to someone exempt from both.
    exempt_sets = []
    if thread.hidden_at is not None:
        exempt_sets.append({thread.author_id})
    if post.hidden_at is not None:
        exempt_sets.append({post.author_id})
    exempt = set.intersection(*exempt_sets) if exempt_sets else set()
    return with_digest({
        "key": f"post:{post.id}", "kind": "post", "id": post.id, "space": f"s{thread.space_id}",
        "space_id": thread.space_id, "hidden": "1" if exempt_sets else "0",
        "exempt": exempt_keys(exempt), "origin": min(thread.created_at, post.created_at),
        "created": post.created_at, "author": f"u{post.author_id}", "tags": ",".join(tags),
        "status": _status(thread), "title": "", "body": plain_text(post.body), "context": thread.title,
    })


def _tags_of(session, thread_ids: list[int]) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = {i: [] for i in thread_ids}
    for thread_id, tag in session.execute(select(ThreadTag.thread_id, ThreadTag.tag)
                                             .where(ThreadTag.thread_id.in_(thread_ids)).order_by(ThreadTag.tag)):
        tags[thread_id].append(tag)
    return tags


def _threads(session, ids: list[int]) -> Iterator[tuple[str, dict | None]]:
    threads = {t.id: t for t in session.scalars(select(Thread).where(Thread.id.in_(ids)))}
    openings = {p.thread_id: p for p in session.scalars(select(Post).where(Post.thread_id.in_(ids),
                                                                              Post.number == 1))}
    tags = _tags_of(session, ids)
    for ident in ids:
        thread = threads.get(ident)
        yield f"thread:{ident}", (thread_document(thread, openings.get(ident), tags[ident]) if thread else None)


def _posts(session, ids: list[int]) -> Iterator[tuple[str, dict | None]]:
    rows = {p.id: p for p in session.scalars(select(Post).where(Post.id.in_(ids))
                                                .options(selectinload(Post.thread)))}
    tags = _tags_of(session, list({p.thread_id for p in rows.values()}))
    for ident in ids:
        post = rows.get(ident)
        yield f"post:{ident}", (post_document(post, post.thread, tags[post.thread_id]) if post else None)


def _all_threads(session) -> Iterator[dict]:
    for chunk in id_chunks(session, select(Thread.id).order_by(Thread.id)):
        yield from (doc for _key, doc in _threads(session, chunk) if doc)
        session.expunge_all()


def _all_posts(session) -> Iterator[dict]:
    for chunk in id_chunks(session, select(Post.id).where(Post.number > 1).order_by(Post.id)):
        yield from (doc for _key, doc in _posts(session, chunk) if doc)
        session.expunge_all()


def posts_of_thread(session, thread_id: int) -> list[str]:
    return [f"post:{i}" for i in session.scalars(select(Post.id).where(Post.thread_id == thread_id,
                                                                       Post.number > 1))]


register("thread", Kind(Thread, _l("Thread"), _threads, _all_threads, lambda s: s.scalar(select(func.count(Thread.id))),
                        lambda ident: url_for("forums.thread", thread_id=ident),
                        lambda stmt: stmt.options(selectinload(Thread.space), selectinload(Thread.author))))
register("post", Kind(Post, _l("Reply"), _posts, _all_posts,
                      lambda s: s.scalar(select(func.count(Post.id)).where(Post.number > 1)),
                      lambda ident: url_for("forums.permalink", post_id=ident),
                      lambda stmt: stmt.options(selectinload(Post.thread), selectinload(Post.author))))

# ---------------------------------------------------------------- what a change touches

# A thread's documents (its own and every reply's) carry these: a change re-files them all.
THREAD_FIELDS = ("space_id", "category_id", "title", "kind", "hidden_at", "deleted_at", "accepted_post_id",
                 "author_id", "created_at")
POST_FIELDS = ("body", "hidden_at", "deleted_at", "author_id", "thread_id", "created_at")


def _thread_changed(thread: Thread, change: str):
    if change == "new":
        return [f"thread:{thread.id}"]
    if change == "deleted" or changed(thread, *THREAD_FIELDS):
        return [f"thread:{thread.id}", f"thread-posts:{thread.id}"]
    return []  # activity only (last_posted_at, reply_count): nothing the index holds


def _post_changed(post: Post, change: str):
    if change == "dirty" and not changed(post, *POST_FIELDS):
        return []
    return [f"thread:{post.thread_id}" if post.number == 1 else f"post:{post.id}"]


def _tag_changed(tag: ThreadTag, _change: str):
    return [f"thread:{tag.thread_id}", f"thread-posts:{tag.thread_id}"]


watch(Thread, _thread_changed)
watch(Post, _post_changed)
watch(ThreadTag, _tag_changed)
expansion("thread-posts", lambda session, thread_id: [f"thread:{thread_id}"] + posts_of_thread(session, thread_id))
