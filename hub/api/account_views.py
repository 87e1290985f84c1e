"""The signed-in person in the API: profile, password, sessions, tokens, invitations."""
from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from hub.api.blueprint import bp
from hub.api.common import api_login_required, iso, json_body, person_json
from hub.auth import services as accounts
from hub.auth import sessions, tokens
from hub.auth.models import ApiToken, Invitation
from hub.extensions import db
from hub.home import checklist
from hub.people import avatars, services


def token_json(token: ApiToken) -> dict:
    return {"id": token.id, "label": token.label, "prefix": token.prefix, "created_at": iso(token.created_at),
            "last_used_at": iso(token.last_used_at)}


def invitation_json(invitation: Invitation) -> dict:
    return {"id": invitation.id, "email": invitation.email, "site_role": invitation.site_role,
            "team_id": invitation.team_id, "team_role": invitation.team_role, "status": invitation.status,
            "created_at": iso(invitation.created_at), "expires_at": iso(invitation.expires_at)}


def _keep_this_session(user) -> None:
    # A browser that changed its own password stays signed in; a token caller has no session.
    from flask import g
    if not g.get("via_token"):
        sessions.reissue(user)


@bp.get("/me")
@api_login_required
def me():
    return jsonify(person_json(current_user, current_user))


@bp.patch("/me")
@api_login_required
def me_update():
    user = services.update_profile(current_user, current_user, json_body())
    return jsonify(person_json(user, current_user))


@bp.put("/me/avatar")
@api_login_required
def me_avatar_set():
    """Multipart, the picture in the field "picture"."""
    return jsonify(person_json(avatars.set_picture(current_user, current_user, request.files.get("picture")),
                               current_user))


@bp.delete("/me/avatar")
@api_login_required
def me_avatar_remove():
    return jsonify(person_json(avatars.remove_picture(current_user, current_user), current_user))


@bp.post("/me/password")
@api_login_required
def me_password():
    data = json_body()
    revoked = accounts.change_password(current_user, data.get("current"), data.get("password"),
                                       data.get("confirm", data.get("password")), sessions.current_login_session_id())
    _keep_this_session(current_user)
    # A caller using a token has just revoked that token too: the answer says so.
    return jsonify({"ok": True, "tokens_revoked": revoked})


@bp.post("/me/sessions/end-others")
@api_login_required
def me_end_other_sessions():
    user = accounts.end_other_sessions(current_user, sessions.current_login_session_id())
    _keep_this_session(user)
    return jsonify({"ok": True})


@bp.get("/me/tokens")
@api_login_required
def tokens_list():
    return jsonify({"items": [token_json(t) for t in tokens.list_tokens(current_user)], "next": None})


@bp.post("/me/tokens")
@api_login_required
def tokens_create():
    from flask import g
    from hub.errors import error_response
    if g.get("via_token"):
        # A leaked token must not be able to mint spares that outlive its revocation.
        return error_response(403, "Create tokens while signed in, not with another token.", code="token_cannot_mint")
    token, plain = tokens.create_token(current_user, json_body().get("label"))
    return jsonify({**token_json(token), "token": plain}), 201


@bp.delete("/me/tokens/<int:token_id>")
@api_login_required
def tokens_revoke(token_id: int):
    tokens.revoke_token(current_user, db.session.get(ApiToken, token_id))
    return "", 204


@bp.get("/invitations")
@api_login_required
def invitations_list():
    return jsonify({"items": [invitation_json(i) for i in accounts.list_invitations(current_user)], "next": None})


@bp.post("/invitations")
@api_login_required
def invitations_create():
    data = json_body()
    team_id = data.get("team_id")
    invitation, _plain = accounts.create_invitation(
        current_user, data.get("email"), data.get("site_role", "participant"),
        int(team_id) if isinstance(team_id, int) or (isinstance(team_id, str) and team_id.isdigit()) else None,
        data.get("team_role", "member"))
    return jsonify(invitation_json(invitation)), 201


@bp.post("/invitations/<int:invitation_id>/revoke")
@api_login_required
def invitations_revoke(invitation_id: int):
    invitation = db.session.get(Invitation, invitation_id)
    accounts.revoke_invitation(current_user, invitation)
    return jsonify(invitation_json(invitation))


@bp.get("/me/checklist")
@api_login_required
def my_checklist():
    """The home page's first-week checklist, as the person sees it."""
    steps = [] if checklist.dismissed(current_user) else checklist.steps(current_user)
    return jsonify({"items": [{"key": s.key, "label": s.label, "url": s.url, "done": s.done} for s in steps],
                    "next": None, "dismissed": checklist.dismissed(current_user)})


@bp.post("/me/checklist/dismiss")
@api_login_required
def my_checklist_dismiss():
    checklist.mark(current_user, "dismissed")
    return jsonify({"ok": True})
