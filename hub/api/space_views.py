"""Spaces in the API: what a person may discover, and one space."""
from __future__ import annotations

from flask import jsonify
from flask_login import current_user
from sqlalchemy import select

from hub import policy
from hub.api.blueprint import bp
from hub.api.common import api_login_required, paginate, space_json
from hub.extensions import db
from hub.spaces.models import Space


@bp.get("/spaces")
@api_login_required
def spaces_list():
    ids = policy.discoverable_space_ids(current_user)
    stmt = select(Space).where(Space.id.in_(ids), Space.archived_at.is_(None))
    return paginate(stmt, Space, lambda s: space_json(s, current_user))


@bp.get("/spaces/<int:space_id>")
@api_login_required
def space_detail(space_id: int):
    space = db.session.get(Space, space_id)
    policy.require(current_user, "space.discover", space)
    return jsonify(space_json(space, current_user))
