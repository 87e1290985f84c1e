"""Search in the API: the same engine and presentation as /search, and similar threads."""
from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from hub import policy, search
from hub.api.blueprint import bp
from hub.api.common import api_login_required
from hub.extensions import db
from hub.search.views import args, present
from hub.spaces.models import Space


@bp.get("/search")
@api_login_required
def search_api():
    limit = min(max(request.args.get("limit", search.PAGE_SIZE, type=int), 1), 50)
    typeahead = request.args.get("typeahead") == "1"
    found = search.search(current_user, **args(), per_page=limit, facets=not typeahead, prefix_last=typeahead)
    shown = present(found, current_user)
    return jsonify({**shown, "total": found.total, "page": found.page, "pages": found.pages,
                    "did_you_mean": found.did_you_mean, "notices": found.notices,
                    "next": str(found.page + 1) if found.page < found.pages else None})


@bp.get("/search/similar")
@api_login_required
def similar_api():
    space = None
    if request.args.get("space_id", "").isdigit():
        space = db.session.get(Space, int(request.args["space_id"]))
        policy.require(current_user, "space.view", space)
    hits = search.similar_threads(current_user, request.args.get("title", "")[:200],
                                  request.args.get("body", "")[:5000], space)
    results = search.Results(query="", hits=hits)
    return jsonify({"items": present(results, current_user)["items"], "next": None})
