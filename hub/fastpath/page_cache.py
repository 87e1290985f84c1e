"""Pages kept rendered for the person who last saw them, until anything they show changes.

A page is served from here only when its *stamp* (a small tuple the caller computes from the
database on every request, after the policy has admitted the person) is equal to the stamp it was
rendered under. Nothing is ever invalidated by hand and no process tells another anything: each
request asks the database what the page depends on, so every process, and every change made by
any of them, agree. What a stamp holds is the caller's business (see hub.forums.thread_pages);
this module keeps the pages, and the one site-wide number that cannot be read off a single row:

- `page_epochs.people` moves whenever anything that decides who sees what, or how people and
  places are named, changes anywhere (memberships, teams, cohorts, spaces, categories, a person's
  name, role, activation or profile picture). Such changes are rare beside page views, and they change other
  people's pages (a removed reactor stops being counted), so they retire every kept page at once.

Per-request secrets (the CSRF token, the CSP nonce) are cut out before a page is kept and the
current request's are put back when it is served, so a kept page never carries a stale token and
never hands one person's token to anyone.
"""
from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable

from flask import current_app, g
from sqlalchemy import Integer, String, event, inspect, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from hub.extensions import db

PEOPLE = "people"


class PageEpoch(db.Model):
    """A site-wide counter a kept page's stamp includes (one row per name)."""

    __tablename__ = "page_epochs"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


@event.listens_for(PageEpoch.__table__, "after_create")
def _first_row(target, connection, **_kw) -> None:
    # Updates never insert (two processes inserting at once would collide), so the row is made with
    # the table: here for create_all, in the migration for upgrades.
    connection.execute(target.insert().values(name=PEOPLE, value=0))


def epoch_column():
    """The people epoch, as a scalar subquery to put in a stamp's single query."""
    return select(PageEpoch.value).where(PageEpoch.name == PEOPLE).scalar_subquery()


# model -> the attributes whose change moves the epoch (None: any change, creation or deletion)
_EPOCH_MODELS: dict[type, tuple[str, ...] | None] = {}


def epoch_moves_with(model: type, attributes: tuple[str, ...] | None = None) -> None:
    _EPOCH_MODELS[model] = attributes


def _moves_epoch(obj, change: str) -> bool:
    attributes = _EPOCH_MODELS[type(obj)]
    if attributes is None or change != "dirty":
        return True
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in attributes)


def _bump_epoch(session: Session, _flush_context) -> None:
    for change, objects in (("new", session.new), ("dirty", session.dirty), ("deleted", session.deleted)):
        if any(type(obj) in _EPOCH_MODELS and _moves_epoch(obj, change) for obj in objects):
            session.connection().execute(update(PageEpoch.__table__).where(PageEpoch.name == PEOPLE)
                                         .values(value=PageEpoch.value + 1))
            return


event.listen(Session, "after_flush", _bump_epoch)


# ---------------------------------------------------------------- the kept pages

@dataclass
class Kept:
    stamp: tuple
    # The UTF-8 page cut where the request's secrets were (see `cut`); the next request's secrets
    # are joined in (a join costs a twentieth of replacing in 90 KB twice).
    parts: list[list[bytes]]
    extra: Any  # what the caller needs again when serving (e.g. how far the page marks read)
    size: int = 0

    def __post_init__(self):
        self.size = sum(len(chunk) for piece in self.parts for chunk in piece)


class Pages:
    """A least-recently-used store bounded by the characters it holds (one per process)."""

    def __init__(self, max_chars: int):
        self.max_chars, self.used = max_chars, 0
        self._pages: OrderedDict[tuple, Kept] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, stamp: tuple) -> Kept | None:
        with self._lock:
            kept = self._pages.get(key)
            if kept is None:
                return None
            if kept.stamp != stamp:  # outdated: it will never be right again
                self._drop(key)
                return None
            self._pages.move_to_end(key)
            return kept

    def put(self, key: tuple, kept: Kept) -> None:
        if kept.size > self.max_chars // 4:
            return  # one huge page must not push out everything else
        with self._lock:
            self._drop(key)
            self._pages[key] = kept
            self.used += kept.size
            while self.used > self.max_chars:
                self._drop(next(iter(self._pages)))

    def _drop(self, key: tuple) -> None:
        kept = self._pages.pop(key, None)
        if kept is not None:
            self.used -= kept.size

    def __len__(self) -> int:
        return len(self._pages)


# Unguessable, so text someone wrote can never be mistaken for a marker. Pages are kept as bytes:
# a page with an emoji is a four-bytes-a-character str, and encoding that costs more than
# everything else a kept page's request does.
_MARK = secrets.token_hex(12).encode()
CSRF_MARK, NONCE_MARK = b"\x00" + _MARK + b"csrf\x00", b"\x00" + _MARK + b"nonce\x00"


def cut(html: bytes, token: str | None, nonce: str | None) -> list[list[bytes]]:
    """The page split at its secrets: the pieces between nonces, each split at its CSRF tokens."""
    if token:
        html = html.replace(token.encode(), CSRF_MARK)
    if nonce:
        html = html.replace(nonce.encode(), NONCE_MARK)
    return [piece.split(CSRF_MARK) for piece in html.split(NONCE_MARK)]


def joined(parts: list[list[bytes]], token: bytes, nonce: bytes) -> bytes:
    return nonce.join([token.join(piece) for piece in parts])


def _secrets() -> tuple[str | None, str | None]:
    return g.get("csrf_token"), g.get("csp_nonce")


def serve(key: tuple, stamp: tuple, render: Callable[[], tuple[str, Any]]) -> tuple[bytes | str, Any, bool]:
    """The page for `key` as of `stamp`: kept (bytes), or rendered now (str, and kept). Returns
    (html, extra, hit). The caller has already checked that the person may see the page."""
    from flask_wtf.csrf import generate_csrf

    from hub.security import csp_nonce

    pages = _pages()
    kept = pages.get(key, stamp) if pages is not None else None
    if kept is not None:
        html = joined(kept.parts, generate_csrf().encode(), csp_nonce().encode())
        return html, kept.extra, True
    html, extra = render()
    if pages is not None:
        pages.put(key, Kept(stamp, cut(html.encode(), *_secrets()), extra))
    return html, extra, False


def _pages() -> Pages | None:
    app = current_app._get_current_object()
    pages = app.extensions.get("hub_pages")
    if pages is None:
        size = int(app.config.get("PAGE_CACHE_MB", 32) * 1_000_000)
        pages = app.extensions["hub_pages"] = Pages(size) if size > 0 else False
    return pages if pages is not False else None  # (an empty Pages is falsy: it has a length)
