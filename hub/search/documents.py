"""What the search index holds, kind by kind: a registry the domains fill (hub/forums/search_docs.py,
hub/people/search_docs.py, ...), and the helpers they share.

A document is built from the database as it is now; `None` means "not in the index" (deleted
things, a thread's opening post, which the thread's document carries). Each kind also says how
to load the objects behind a page of hits through the policy's scope, so nothing is shown that
the policy would not show, whatever the index still holds.

Document fields (hub.search.index.make_schema): key "kind:id", kind, id, space (the audience key:
"s<space id>", "people", ...), space_id, hidden ("0" everyone who reads the space, "1" only the
exempt people and the space's moderators, "2" only the exempt people), exempt ("u<id> ..."),
origin (when newcomer cut-offs measure from), created, author ("u<id>"), tags (comma-separated),
status ("solved", "unanswered" or ""), title, body, context (shown beside a hit).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from sqlalchemy import select

from hub import policy
from hub.extensions import db

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


def exempt_keys(user_ids) -> str:
    return " ".join(f"u{i}" for i in sorted(user_ids))


def id_chunks(session, stmt) -> Iterator[list[int]]:
    ids = list(session.scalars(stmt))
    for start in range(0, len(ids), BATCH):
        yield ids[start:start + BATCH]


# ---------------------------------------------------------------- the registry

@dataclass(frozen=True)
class Kind:
    model: type
    label: object                                                             # "Thread", "Reply" (lazy gettext)
    build: Callable[[object, list[int]], Iterable[tuple[str, dict | None]]]  # (session, ids) -> (key, doc|None)
    every: Callable[[object], Iterator[dict]]                               # every document, for reindex
    count: Callable[[object], int]
    link: Callable[[int], str]                                               # the page a hit opens
    load: Callable[[object], object] | None = None                         # eager loading for the re-check


KINDS: dict[str, Kind] = {}


def register(kind: str, definition: Kind) -> None:
    """Each domain adds its documents here (imported by create_app)."""
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


