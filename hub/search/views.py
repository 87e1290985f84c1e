"""The search page (/search) and how a hit is shown, shared with the API's JSON."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from hub import policy
from hub import search as engine
from hub.api.common import iso
from hub.extensions import db
from hub.people.models import User
from hub.search.documents import KINDS
from hub.spaces.models import Space

bp = Blueprint("search", __name__)


def spaces_named(user, ids) -> dict[int, Space]:
    """Names for the spaces of hits and facets, through the policy's scope."""
    ids = [i for i in ids if i]
    if not ids:
        return {}
    return {s.id: s for s in db.session.scalars(policy.scope(select(Space), user).where(Space.id.in_(ids)))}


def people_named(user, ids) -> dict[int, User]:
    ids = [i for i in ids if i]
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(policy.scope(select(User), user).where(User.id.in_(ids)))}


def present(results: engine.Results, user) -> dict:
    """Hits with their links and labels, and facets with the names of their spaces."""
    space_ids = {h.space_id for h in results.hits} | {_space_id(k) for k in results.facets.get("space", {})}
    spaces = spaces_named(user, space_ids)
    authors = people_named(user, {h.author_id for h in results.hits})
    items = []
    for hit in results.hits:
        space = spaces.get(hit.space_id)
        kind = KINDS.get(hit.kind)
        items.append({"kind": hit.kind, "kind_label": str(kind.label) if kind else hit.kind, "id": hit.id,
                      "space_id": hit.space_id, "space": space.name if space else None,
                      "space_kind": space.kind if space else None,
                      "title_html": hit.title or None, "context": hit.context, "snippet_html": hit.snippet,
                      "author": ({"id": hit.author_id, "name": authors[hit.author_id].name}
                                 if hit.author_id in authors else None),
                      "created_at": iso(hit.created), "url": kind.link(hit.id) if kind else None})
    facets = {"type": [{"value": kind, "label": str(KINDS[kind].label) if kind in KINDS else kind, "count": n}
                       for kind, n in sorted(results.facets.get("kind", {}).items(), key=lambda kv: -kv[1])],
              "space": [{"value": spaces[_space_id(key)].slug, "label": spaces[_space_id(key)].name, "count": n}
                        for key, n in sorted(results.facets.get("space", {}).items(), key=lambda kv: -kv[1])
                        if _space_id(key) in spaces]}
    return {"items": items, "facets": facets}


def _space_id(key: str) -> int | None:
    return int(key[1:]) if key.startswith("s") and key[1:].isdigit() else None


def args() -> dict:
    page = request.args.get("cursor") or request.args.get("page") or "1"  # the API pages by cursor
    return {"text": request.args.get("q", "")[:500], "page": int(page) if page.isdigit() else 1,
            "sort": request.args.get("sort", "relevance")}


@bp.get("/search")
@login_required
def search():
    found = engine.search(current_user, **args())
    return render_template("search/results.html", results=found, shown=present(found, current_user))
