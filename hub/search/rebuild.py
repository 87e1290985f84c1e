"""Rebuilding the index from the database, and checking it against the database."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session
from whoosh.writing import CLEAR

from hub.search import documents as search_documents
from hub.search import index as search_index
from hub.extensions import db
from hub.search.queue import MAX_ATTEMPTS, SearchQueue


def reindex(progress: Callable[[int], None] | None = None, total: Callable[[int], None] | None = None,
            path: str | None = None) -> int:
    """Write every document afresh and replace what the index held, in one commit. Changes
    queued meanwhile stay queued and are applied after (rebuilding from the database is idempotent)."""
    ix = search_index.get_index(path)
    with Session(db.engine) as session:
        if total is not None:
            total(search_documents.document_count(session))
        writer = ix.writer(timeout=60, limitmb=256)
        written = 0
        try:
            for doc in search_documents.every_document(session):
                writer.add_document(**doc)
                written += 1
                if progress is not None and written % 500 == 0:
                    progress(500)
            writer.commit(mergetype=CLEAR)
        except BaseException:
            writer.cancel()
            raise
        if progress is not None:
            progress(written % 500)
    return written


@dataclass
class Check:
    missing: list[str] = field(default_factory=list)   # in the database, not in the index
    extra: list[str] = field(default_factory=list)     # in the index, gone from the database
    stale: list[str] = field(default_factory=list)     # in both, but the index holds an older version
    stuck: list[str] = field(default_factory=list)     # queued changes that keep failing
    documents: int = 0

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.stale or self.stuck)


def check() -> Check:
    result = Check()
    with Session(db.engine) as session:
        expected = {doc["key"]: doc["digest"] for doc in search_documents.every_document(session)}
        result.stuck = list(session.scalars(select(SearchQueue.doc_key).where(SearchQueue.attempts >= MAX_ATTEMPTS)))
    with search_index.open_searcher(search_index.get_index()) as searcher:
        actual = {fields["key"]: fields.get("digest") for fields in searcher.all_stored_fields()}
    result.documents = len(actual)
    result.missing = sorted(set(expected) - set(actual))
    result.extra = sorted(set(actual) - set(expected))
    result.stale = sorted(k for k in set(expected) & set(actual) if expected[k] != actual[k])
    return result
