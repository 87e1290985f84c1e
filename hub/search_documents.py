"""What the search index holds for each kind of object, and how a hit is checked again.

A document is built from the database as it is now; `None` means "not in the index" (deleted
things, a thread's opening post, which the thread's document carries). Each kind also says how
to load the objects behind a page of hits through the policy's scope, so nothing is shown that
the policy would not show, whatever the index still holds.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hub import policy
from hub.extensions import db
from hub.forums.models import Post, Thread, ThreadTag
from hub.people.models import TeamMembership, User

BATCH = 1000

# Markdown to the words a reader sees: links keep their text, markup characters go.
_MARKUP = [(re.compile(r"\[/?quote(?:=\d+)?\]", re.I), " "), (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),
           (re.compile(r"<(https?://[^>]+)>"), r"\1"), (re.compile(r"^\s{0,3}(?:#{1,6}|>|[-*+]|\d+\.)\s+", re.M), ""),
           (re.compile(r"[*_`~]{1,3}"), ""), (re.compile(r"\s+"), " ")]


def plain_text(markdown_source: str | None) -> str:
    text = markdown_source or ""
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return text.strip()


def with_digest(doc: dict) -> dict:
    """Stamp a document with a fingerprint of its fields, so `reindex --check` sees staleness
    (and add the unstemmed copy of its words that prefixes and suggestions search)."""
    doc["words"] = f"{doc['title']} {doc['body']}"
    fingerprint = repr(sorted((k, str(v)) for k, v in doc.items() if k != "digest"))
    doc["digest"] = hashlib.sha1(fingerprint.encode()).hexdigest()[:16]
    return doc


def _status(thread: Thread) -> str:
    if thread.kind != "question":
        return ""
    return "solved" if thread.accepted_post_id else "unanswered"


def _live(row) -> bool:
    return row.deleted_at is None


# ---------------------------------------------------------------- forums

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
        "exempt": " ".join(f"u{i}" for i in sorted(exempt)), "origin": min(thread.created_at, post.created_at),
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
    for chunk in _id_chunks(session, select(Thread.id).order_by(Thread.id)):
        yield from (doc for _key, doc in _threads(session, chunk) if doc)
        session.expunge_all()


def _all_posts(session) -> Iterator[dict]:
    for chunk in _id_chunks(session, select(Post.id).where(Post.number > 1).order_by(Post.id)):
        yield from (doc for _key, doc in _posts(session, chunk) if doc)
        session.expunge_all()


# ---------------------------------------------------------------- people

def person_document(person: User) -> dict:
    teams = [m.team.name for m in person.team_memberships]
    organization = person.organization.name if person.organization else ""
    about = " ".join(part for part in (f"@{person.username}", person.pronouns, person.title, organization,
                                       *teams, plain_text(person.bio)) if part)
    return with_digest({
        "key": f"person:{person.id}", "kind": "person", "id": person.id, "space": policy.PEOPLE_KEY,
        "space_id": 0, "hidden": "0" if person.active else "1", "exempt": f"u{person.id}",
        "origin": person.created_at, "created": person.created_at, "author": "", "tags": "", "status": "",
        "title": person.name, "body": about, "context": organization,
    })


def _people(session, ids: list[int]) -> Iterator[tuple[str, dict | None]]:
    rows = {u.id: u for u in session.scalars(
        select(User).where(User.id.in_(ids)).options(selectinload(User.organization),
                                                     selectinload(User.team_memberships)
                                                     .selectinload(TeamMembership.team)))}
    for ident in ids:
        yield f"person:{ident}", (person_document(rows[ident]) if ident in rows else None)


def _all_people(session) -> Iterator[dict]:
    for chunk in _id_chunks(session, select(User.id).order_by(User.id)):
        yield from (doc for _key, doc in _people(session, chunk) if doc)
        session.expunge_all()


# ---------------------------------------------------------------- the registry

@dataclass(frozen=True)
class Kind:
    model: type
    build: Callable[[object, list[int]], Iterable[tuple[str, dict | None]]]  # (session, ids) -> (key, doc|None)
    every: Callable[[object], Iterator[dict]]                               # every document, for reindex
    count: Callable[[object], int]
    load: Callable[[list[int]], object] = None                        # optional eager-loading options


KINDS: dict[str, Kind] = {
    "thread": Kind(Thread, _threads, _all_threads, lambda s: s.scalar(select(func.count(Thread.id))),
                   lambda stmt: stmt.options(selectinload(Thread.space), selectinload(Thread.author))),
    "post": Kind(Post, _posts, _all_posts,
                 lambda s: s.scalar(select(func.count(Post.id)).where(Post.number > 1)),
                 lambda stmt: stmt.options(selectinload(Post.thread), selectinload(Post.author))),
    "person": Kind(User, _people, _all_people, lambda s: s.scalar(select(func.count(User.id))),
                   lambda stmt: stmt.options(selectinload(User.organization))),
}


def register(kind: str, definition: Kind) -> None:
    """Later domains (library resources, chat messages) add their documents here."""
    KINDS[kind] = definition


def documents_for(session, keys: list[str]) -> Iterator[tuple[str, dict | None]]:
    """The current document (or None: remove it) for each key, one batch per kind."""
    by_kind: dict[str, list[int]] = {}
    for key in keys:
        kind, _sep, ident = key.partition(":")
        if kind in KINDS and ident.isdigit():
            by_kind.setdefault(kind, []).append(int(ident))
    for kind, ids in by_kind.items():
        for start in range(0, len(ids), BATCH):
            yield from KINDS[kind].build(session, ids[start:start + BATCH])


def document_for(key: str, session=None) -> dict | None:
    return next((doc for _key, doc in documents_for(session or db.session, [key])), None)


def every_document(session) -> Iterator[dict]:
    for definition in KINDS.values():
        yield from definition.every(session)


def document_count(session) -> int:
    return sum(definition.count(session) for definition in KINDS.values())


def visible_objects(user, kind: str, ids: list[int]) -> dict[int, object]:
    """The objects behind hits that the policy's scope lets `user` see (unknown kinds: none)."""
    definition = KINDS.get(kind)
    if definition is None or not ids:
        return {}
    stmt = policy.scope(select(definition.model).where(definition.model.id.in_(ids)), user)
    if definition.load is not None:
        stmt = definition.load(stmt)
    return {obj.id: obj for obj in db.session.scalars(stmt)}


def posts_of_thread(session, thread_id: int) -> list[str]:
    return [f"post:{i}" for i in session.scalars(select(Post.id).where(Post.thread_id == thread_id,
                                                                           Post.number > 1))]


def _id_chunks(session, stmt) -> Iterator[list[int]]:
    ids = list(session.scalars(stmt))
    for start in range(0, len(ids), BATCH):
        yield ids[start:start + BATCH]
