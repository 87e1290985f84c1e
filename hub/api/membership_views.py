"""Affinity spaces and membership in the API (twins of the space pages)."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from hub import policy
from hub.api.blueprint import bp
from hub.api.common import api_login_required, iso, json_body, space_json
from hub.extensions import db
from hub.people.models import User
from hub.spaces import membership, queries
from hub.spaces.models import JoinRequest, Space


def join_request_json(join: JoinRequest) -> dict:
    return {"id": join.id, "space_id": join.space_id, "user_id": join.user_id, "kind": join.kind,
            "message": join.message, "status": join.status, "decision_note": join.decision_note,
            "created_at": iso(join.created_at), "decided_at": iso(join.decided_at)}


def _space(space_id: int) -> Space | None:
    return db.session.get(Space, space_id)


def _user(value) -> User | None:
    return db.session.get(User, int(value)) if str(value).isdigit() else None


@bp.post("/spaces")
@api_login_required
def spaces_create():
    data = json_body()
    ids = [int(i) for i in data.get("facilitator_ids", []) if str(i).isdigit()]
    space = membership.create_affinity_space(current_user, data, ids)
    return jsonify(space_json(space, current_user)), 201


@bp.patch("/spaces/<int:space_id>")
@api_login_required
def spaces_update(space_id: int):
    space = membership.update_space(current_user, _space(space_id), json_body())
    return jsonify(space_json(space, current_user))


@bp.get("/spaces/<int:space_id>/members")
@api_login_required
def space_members(space_id: int):
    space = _space(space_id)
    policy.require(current_user, "space.list_members", space)
    items = [{"user_id": p.id, "name": p.name, "role": role} for p, role in queries.member_list(space)]
    return jsonify({"items": items, "next": None})


@bp.post("/spaces/<int:space_id>/members")
@api_login_required
def space_members_invite(space_id: int):
    data = json_body()
    join = membership.invite(current_user, _space(space_id), _user(data.get("user_id")), str(data.get("message", "")))
    return jsonify(join_request_json(join)), 201


@bp.delete("/spaces/<int:space_id>/members/<int:user_id>")
@api_login_required
def space_members_remove(space_id: int, user_id: int):
    space = _space(space_id)
    if user_id == current_user.id:
        membership.leave(current_user, space)
    else:
        body = request.get_json(silent=True) or {}
        membership.remove(current_user, space, db.session.get(User, user_id),
                          str(body.get("reason") or request.args.get("reason", "")))
    return "", 204


@bp.post("/spaces/<int:space_id>/join-requests")
@api_login_required
def space_join_request(space_id: int):
    data = request.get_json(silent=True) or {}
    join = membership.request_to_join(current_user, _space(space_id), str(data.get("message", "")))
    return jsonify(join_request_json(join)), 201


def _decide(request_id: int, approve: bool):
    note = str((request.get_json(silent=True) or {}).get("note", ""))
    join = membership.decide(current_user, db.session.get(JoinRequest, request_id), approve, note)
    return jsonify(join_request_json(join))


@bp.post("/join-requests/<int:request_id>/approve")
@api_login_required
def join_request_approve(request_id: int):
    return _decide(request_id, True)


@bp.post("/join-requests/<int:request_id>/decline")
@api_login_required
def join_request_decline(request_id: int):
    return _decide(request_id, False)


@bp.post("/spaces/<int:space_id>/agreement/accept")
@api_login_required
def space_agreement_accept(space_id: int):
    membership.accept_agreement(current_user, _space(space_id))
    return jsonify({"ok": True})


@bp.get("/spaces/<int:space_id>/audit")
@api_login_required
def space_audit(space_id: int):
    events = membership.audit_log(current_user, _space(space_id))
    return jsonify({"items": [{"id": e.id, "action": e.action,
                               "action_label": str(membership.AUDIT_WORDS.get(e.action, e.action)),
                               "actor_id": e.actor_id, "subject_id": e.subject_id, "detail": e.detail,
                               "created_at": iso(e.created_at)} for e in events], "next": None})


@bp.post("/spaces/<int:space_id>/facilitators")
@api_login_required
def space_facilitators_appoint(space_id: int):
    """Twin of the staffing page's Appoint: site admins, even for a space they cannot read."""
    space = _space(space_id)
    membership.appoint_facilitator(current_user, space, _user(json_body().get("user_id")))
    return jsonify({"ok": True}), 201


@bp.delete("/spaces/<int:space_id>/facilitators/<int:user_id>")
@api_login_required
def space_facilitators_step_down(space_id: int, user_id: int):
    membership.step_down(current_user, _space(space_id), db.session.get(User, user_id))
    return jsonify({"ok": True})
