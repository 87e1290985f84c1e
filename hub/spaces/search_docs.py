"""Spaces in the search index, found by their name and purpose. A space is filed under its own
readers' key ("s<id>"): whoever reads it finds it by name; a secret or closed space is found by no
one else (the space list still shows what a person may discover)."""
from __future__ import annotations

from typing import Iterator

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from hub.extensions import db
from hub.search.documents import Kind, id_chunks, register, with_digest
from hub.search.queue import changed, watch
from hub.spaces.models import Space


def space_document(space: Space) -> dict:
    return with_digest({
        "key": f"space:{space.id}", "kind": "space", "id": space.id, "space": f"s{space.id}",
        "space_id": space.id, "hidden": "0", "exempt": "", "origin": space.created_at, "created": space.created_at,
        "author": "", "tags": "", "status": "", "title": space.name, "body": space.purpose or "", "context": "",
    })


def _spaces(session, ids: list[int]) -> Iterator[tuple[str, dict | None]]:
    rows = {s.id: s for s in session.scalars(select(Space).where(Space.id.in_(ids)))}
    for ident in ids:
        yield f"space:{ident}", (space_document(rows[ident]) if ident in rows else None)


def _all_spaces(session) -> Iterator[dict]:
    for chunk in id_chunks(session, select(Space.id).order_by(Space.id)):
        yield from (doc for _key, doc in _spaces(session, chunk) if doc)
        session.expunge_all()


def _link(ident: int) -> str:
    return url_for("spaces.show", slug=db.session.get(Space, ident).slug)


register("space", Kind(Space, _l("Space"), _spaces, _all_spaces, lambda s: s.scalar(select(func.count(Space.id))),
                       _link))
watch(Space, lambda space, change: [f"space:{space.id}"]
      if change != "dirty" or changed(space, "name", "purpose", "slug") else [])
