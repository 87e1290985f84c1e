"""Keeping the index true: every change is queued in the database with the change itself, and
applied to Whoosh after commit.

- A session listener notices indexed objects that were created, changed or deleted and writes
  their keys into the `search_queue` table inside the same transaction: a change that commits is never
  forgotten, one that rolls back leaves nothing behind.
- After the request (or socket event) that committed it, and before every search, the queue is
  drained: the documents are rebuilt from the database as it is *now* and written under the
  index's lock. If the lock is busy (another process is writing) or the write fails, the rows
  stay and the next drain, in any process, applies them. Rebuilding from the current state makes
  every drain idempotent, so applying a key twice or late is harmless.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Callable, Iterable

from flask import Flask, g, has_app_context
from sqlalchemy import DateTime, Integer, String, Text, delete, event, insert, inspect, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column
from whoosh.index import LockError

from hub.extensions import db, utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
DRAIN_BATCH = 5000


class SearchQueue(db.Model):
    """A document key whose index entry must be rebuilt ("post:12", or "thread-posts:3")."""

    __tablename__ = "search_queue"
    # Ids are never reused (SQLite would hand a deleted row's id to the next one): a drain deletes
    # exactly the rows it applied, even if another process queued more meanwhile.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_key: Mapped[str] = mapped_column(String(80))
    queued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")


# ---------------------------------------------------------------- what a change touches

# model -> fn(obj, change) -> keys, change in {"new", "dirty", "deleted"}
WATCHED: dict[type, Callable[[object, str], Iterable[str]]] = {}
# "thread-posts" -> fn(session, id) -> keys: a key that stands for several, resolved when drained
EXPANSIONS: dict[str, Callable[[Session, int], list[str]]] = {}


def watch(model: type, keys: Callable[[object, str], Iterable[str]]) -> None:
    WATCHED[model] = keys


def expansion(prefix: str, resolve: Callable[[Session, int], list[str]]) -> None:
    EXPANSIONS[prefix] = resolve


def changed(obj, *names: str) -> bool:
    """Whether any of these attributes changed in the flush being made."""
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _capture(session: Session, _flush_context) -> None:
    keys: set[str] = set()
    for change, objects in (("new", session.new), ("dirty", session.dirty), ("deleted", session.deleted)):
        for obj in objects:
            rule = WATCHED.get(type(obj))
            if rule is not None:
                keys.update(rule(obj, change))
    if not keys:
        return
    now = utcnow()
    session.connection().execute(insert(SearchQueue.__table__),
                                 [{"doc_key": key, "queued_at": now, "attempts": 0, "last_error": ""}
                                  for key in sorted(keys)])
    if has_app_context():
        g._search_queued = True


def enqueue_keys(keys: list[str]) -> None:
    """Queue keys from outside a change (a hit the policy refused: refresh what the index holds)."""
    if not keys:
        return
    with Session(db.engine) as session:
        session.execute(insert(SearchQueue.__table__),
                        [{"doc_key": k, "queued_at": utcnow(), "attempts": 0, "last_error": ""} for k in keys])
        session.commit()


def queue_everything() -> int:
    """Queue every document the index should hold (after a schema change)."""
    from hub.search import documents as search_documents

    with Session(db.engine) as session:
        keys = [f"{kind}:{ident}" for kind, definition in search_documents.KINDS.items()
                for ident in session.scalars(select(definition.model.id))]
        for start in range(0, len(keys), 5000):
            session.execute(insert(SearchQueue.__table__), [{"doc_key": k, "queued_at": utcnow(), "attempts": 0,
                                                             "last_error": ""} for k in keys[start:start + 5000]])
        session.commit()
    return len(keys)


# ---------------------------------------------------------------- applying the queue

_drain_lock = threading.Lock()  # one drain per process at a time; the index lock orders processes


def _expand(session: Session, keys: list[str]) -> list[str]:
    out: dict[str, None] = {}
    for key in keys:
        prefix, _sep, ident = key.partition(":")
        if prefix in EXPANSIONS and ident.isdigit():
            out.update(dict.fromkeys(EXPANSIONS[prefix](session, int(ident))))
        else:
            out[key] = None
    return list(out)


def pending_count() -> int:
    with Session(db.engine) as session:
        return len(session.scalars(select(SearchQueue.id).where(SearchQueue.attempts < MAX_ATTEMPTS)).all())


def drain(timeout: float = 1.0, max_batches: int | None = None) -> bool:
    """Apply queued changes. False when the index stayed busy or its write failed: the rows wait.
    A document that cannot be built costs only its own row an attempt; after MAX_ATTEMPTS its
    index entry is removed (never left saying something stale) and the row stays for
    `reindex --check` to report."""
    from hub.search import index as search_index

    if not _drain_lock.acquire(timeout=timeout):
        return False
    try:
        with Session(db.engine) as session:
            batches = 0
            while max_batches is None or batches < max_batches:
                batches += 1
                try:
                    writer = search_index.get_index().writer(timeout=timeout)
                except LockError:
                    return False
                # Read under the index lock, so no other process applies (and deletes) the same rows.
                rows = session.execute(select(SearchQueue.id, SearchQueue.doc_key, SearchQueue.attempts)
                                       .where(SearchQueue.attempts < MAX_ATTEMPTS)
                                       .order_by(SearchQueue.id).limit(DRAIN_BATCH)).all()
                if not rows:
                    _cancel(writer)
                    return True
                if not _apply(session, writer, rows):
                    return False
            return True
    finally:
        _drain_lock.release()


def _apply(session: Session, writer, rows) -> bool:
    from hub.search import documents as search_documents

    sources = {row.doc_key: _expand_safely(session, row.doc_key) for row in rows}
    failed: dict[str, str] = {key: error for key, (_keys, error) in sources.items() if error}
    wanted = list(dict.fromkeys(k for keys, error in sources.values() if not error for k in keys))
    docs, broken = _build(session, search_documents, wanted)
    for source, (keys, _error) in sources.items():
        if source not in failed and any(k in broken for k in keys):
            failed[source] = next(broken[k] for k in keys if k in broken)
    given_up = {row.doc_key for row in rows if row.doc_key in failed and row.attempts + 1 >= MAX_ATTEMPTS}
    try:
        for key, doc in docs:
            if doc is None:
                writer.delete_by_term("key", key)
            else:
                writer.update_document(**doc)
        for source in given_up:  # fail closed: an entry we cannot rebuild says nothing at all
            for key in sources[source][0] or [source]:
                writer.delete_by_term("key", key)
        writer.commit()
    except Exception as error:  # noqa: BLE001 - the index itself failed: nothing applied, nothing counted
        _cancel(writer)
        session.rollback()
        session.execute(update(SearchQueue).where(SearchQueue.id.in_([r.id for r in rows]))
                        .values(last_error=repr(error)[:500]))
        session.commit()
        log.warning("search index write failed, %d changes kept for retry: %r", len(rows), error)
        return False
    session.execute(delete(SearchQueue).where(SearchQueue.id.in_([r.id for r in rows if r.doc_key not in failed])))
    for row in rows:
        if row.doc_key in failed:
            session.execute(update(SearchQueue).where(SearchQueue.id == row.id).values(
                attempts=SearchQueue.attempts + 1, last_error=failed[row.doc_key][:500]))
    session.commit()
    session.expunge_all()
    if failed:
        log.error("search documents could not be built (kept for retry, removed from the index after %d "
                  "tries): %s", MAX_ATTEMPTS, sorted(failed)[:10])
    return True


def _expand_safely(session: Session, key: str) -> tuple[list[str], str]:
    try:
        return _expand(session, [key]), ""
    except Exception as error:  # noqa: BLE001
        session.rollback()
        return [], repr(error)


def _build(session: Session, search_documents, keys: list[str]):
    """Documents for the keys, in batches; a batch that fails is built again key by key, so one
    bad row costs only itself."""
    try:
        return list(search_documents.documents_for(session, keys)), {}
    except Exception:  # noqa: BLE001
        session.rollback()
    docs, broken = [], {}
    for key in keys:
        try:
            docs.extend(search_documents.documents_for(session, [key]))
        except Exception as error:  # noqa: BLE001
            session.rollback()
            broken[key] = repr(error)
    return docs, broken


def _cancel(writer) -> None:
    try:
        writer.cancel()
    except Exception:  # noqa: BLE001 - a writer that failed to commit may fail to cancel
        log.exception("cancelling the search index writer failed; releasing its lock")
        lock = getattr(writer, "writelock", None)
        if lock is not None:
            try:
                lock.release()
            except Exception:  # noqa: BLE001 - already released
                pass


def queued_docnums(searcher) -> list[int]:
    """Index document numbers whose change is still queued (or stuck): searches leave them out."""
    with Session(db.engine) as session:
        keys = list(session.scalars(select(SearchQueue.doc_key).order_by(SearchQueue.id).limit(DRAIN_BATCH)))
        if not keys:
            return []
        keys = _expand(session, list(dict.fromkeys(keys)))
    found = (searcher.document_number(key=key) for key in keys)
    return [n for n in found if n is not None]


def drain_quietly(timeout: float = 0.5) -> None:
    """Drain if anything is waiting; never let indexing break the page that asked."""
    # (Stuck rows are not "waiting": they are left out of searches and reported by --check.)
    try:
        with Session(db.engine) as session:
            waiting = session.scalar(select(SearchQueue.id).where(SearchQueue.attempts < MAX_ATTEMPTS).limit(1))
        if waiting is not None:
            drain(timeout, max_batches=2)  # a backlog (a fresh upgrade) is worked off in steps
    except Exception:  # noqa: BLE001
        log.exception("search queue drain failed; the changes stay queued")


def _after_request(_exc=None) -> None:
    if g.pop("_search_queued", False):
        drain_quietly()


def init_app(app: Flask) -> None:
    # Registered after Flask-SQLAlchemy's own teardown, so this runs first, with the session open.
    app.teardown_appcontext(_after_request)
    from hub.search import index as search_index
    if queue_everything not in search_index.AFTER_SCHEMA_CHANGE:  # a new schema: fill it again
        search_index.AFTER_SCHEMA_CHANGE.append(queue_everything)


event.listen(Session, "after_flush", _capture)
