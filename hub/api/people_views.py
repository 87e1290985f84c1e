"""People in the API: the directory, a profile, and admin changes to an account."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from hub import policy
from hub.api.blueprint import bp
from hub.api.common import api_login_required, json_body, paginate, person_json
from hub.auth import services as accounts
from hub.extensions import db
from hub.people import avatars, queries, services
from hub.people.models import User
from hub.validation import ValidationError


@bp.get("/people")
@api_login_required
def people_list():
    stmt = queries.directory_query(current_user, q=request.args.get("q", ""))
    return paginate(stmt, User, lambda p: person_json(p, current_user))


@bp.get("/people/<int:person_id>")
@api_login_required
def person_detail(person_id: int):
    person = db.session.get(User, person_id)
    policy.require(current_user, "person.view", person)
    return jsonify(person_json(person, current_user))


@bp.get("/people/<int:person_id>/avatar")
@api_login_required
def person_avatar(person_id: int):
    person = db.session.get(User, person_id)
    policy.require(current_user, "person.view", person)
    return avatars.response(person)


@bp.patch("/people/<int:person_id>")
@api_login_required
def person_update(person_id: int):
    """Admins: {"active": bool} and/or {"site_role": ...}; anyone else: only their own profile."""
    person = db.session.get(User, person_id)
    data = json_body()
    profile = {k: v for k, v in data.items() if k in services.PROFILE_FIELDS}
    # Every permission is checked before anything is written: all of the change or none.
    policy.require(current_user, "person.view", person)
    if "active" in data:
        policy.require(current_user, "person.deactivate", person)
        if not isinstance(data["active"], bool):
            raise ValidationError({"active": _("Send true or false.")})
    if "site_role" in data:
        policy.require(current_user, "person.change_role", person)
    if profile:
        policy.require(current_user, "person.edit", person)
    revoked = accounts.set_active(current_user, person, data["active"]) if "active" in data else 0
    if "site_role" in data:
        accounts.set_site_role(current_user, person, str(data["site_role"]))
    if profile:
        services.update_profile(current_user, person, profile)
    answer = person_json(person, current_user)
    if "active" in data:
        answer["tokens_revoked"] = revoked  # deactivating revokes them: reactivating restores none
    return jsonify(answer)
