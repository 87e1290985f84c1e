"""Shared API plumbing: authentication, JSON bodies, cursor pagination, serializers."""
from __future__ import annotations

from functools import wraps

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from hub import policy
from hub.people import avatars
from hub.errors import error_response
from hub.validation import ValidationError

DEFAULT_LIMIT, MAX_LIMIT = 50, 100


def api_login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not policy.signed_in(current_user):
            return error_response(401)
        return view(*args, **kwargs)
    return wrapper


def json_body() -> dict:
    """The request's JSON object; no body at all is an empty one (the document requires a body
    only where it names fields that must be sent, and those are then refused by name)."""
    if not request.get_data(cache=True):
        return {}
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationError({"body": _("Send a JSON object in the request body.")})
    return data


def body_and_files() -> tuple[dict, list]:
    """A write's fields and attached files: a JSON body, or a multipart form whose files are in
    "files" (hub.attachments.FIELD)."""
    if request.mimetype == "multipart/form-data":
        return request.form.to_dict(), request.files.getlist("files")
    return json_body(), []


def page_args() -> tuple[int | None, int]:
    cursor = request.args.get("cursor", "")
    limit = request.args.get("limit", "")
    limit_value = min(int(limit), MAX_LIMIT) if limit.isdigit() and int(limit) > 0 else DEFAULT_LIMIT
    return (int(cursor) if cursor.isdigit() else None), limit_value


def paginate(stmt, model, serialize):
    """Id-ordered keyset pagination: `{"items": [...], "next": cursor-or-null}`."""
    from hub.extensions import db

    cursor, limit = page_args()
    if cursor is not None:
        stmt = stmt.where(model.id > cursor)
    rows = list(db.session.scalars(stmt.order_by(model.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return jsonify({"items": [serialize(r) for r in rows], "next": str(rows[-1].id) if more else None})


def iso(value):
    return value.isoformat() + "Z" if value else None


def person_json(person, viewer) -> dict:
    """A person as the viewer may see them. Affinity memberships are never part of a profile."""
    data = {
        "id": person.id, "name": person.name, "pronouns": person.pronouns, "title": person.title,
        "organization": {"id": person.organization.id, "name": person.organization.name} if person.organization else None,
        "teams": [{"id": m.team.id, "name": m.team.name, "role": m.role} for m in person.team_memberships],
        "bio_html": person.bio_html, "preferred_language": person.preferred_language,
        "time_zone": person.time_zone, "site_role": person.site_role, "active": person.active,
        "avatar_url": avatars.url(person),
    }
    if policy.can(viewer, "person.view_email", person):
        data["email"] = person.email
    return data


def space_json(space, viewer) -> dict:
    return {
        "id": space.id, "kind": space.kind, "name": space.name, "slug": space.slug, "purpose": space.purpose,
        "visibility": space.visibility, "join_policy": space.join_policy, "history_policy": space.history_policy,
        "archived": space.is_archived,
        "can_view": policy.can(viewer, "space.view", space),
        "is_member": policy.is_member(viewer, space),
    }
