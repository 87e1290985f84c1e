"""Sign in and out, invitations, password reset, account security settings."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from hub.auth import services, sessions, tokens
from hub.auth.models import ApiToken, Invitation
from hub.extensions import db, limiter
from hub.people.models import SITE_ROLES, TEAM_ROLES, Team
from hub.people.services import time_zones
from hub.validation import ValidationError, canonical_email

bp = Blueprint("auth", __name__)

# Pages that carry a secret (a new token, a reset or invitation link) are never cached.
NO_STORE_ENDPOINTS = {"auth.security", "auth.create_token", "auth.reset_password", "auth.accept_invitation",
                      "auth.login"}


@bp.before_request
def _no_store_for_secrets():
    if request.endpoint in NO_STORE_ENDPOINTS:
        g.no_store = True


def _login_email_key() -> str:
    return "login-account:" + canonical_email(request.form.get("email"))


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.index", landing=1)  # where home sends a person just signed in


def _stay_signed_in(user) -> None:
    """Re-issue this browser's session after a session-version bump (never store the proxy)."""
    sessions.reissue(user)


def _failed(response) -> bool:
    """A sign-in counts against its limits only when it fails (a success redirects): a kickoff
    with sixty people behind one hospital's address signs them all in."""
    return response.status_code != 302


def _wait_words() -> tuple[str, int]:
    """How long the breached limit lasts, said honestly, and in seconds for Retry-After."""
    breached = limiter.current_limit
    seconds = max(1, int(breached.reset_at - time.time()) + 1) if breached is not None else 60
    if seconds < 90:
        return ngettext("Please wait %(num)d second and try again.", "Please wait %(num)d seconds and try again.",
                        seconds), seconds
    minutes = (seconds + 59) // 60
    return ngettext("Please wait %(num)d minute and try again.", "Please wait %(num)d minutes and try again.",
                    minutes), seconds


@bp.errorhandler(429)
def too_many_attempts(_err):
    # Keep what the person typed and say plainly why the form was refused, and for how long.
    form = request.form.to_dict() if request.method == "POST" else {}
    for secret in ("password", "confirm", "current", "csrf_token"):
        form.pop(secret, None)
    wait, seconds = _wait_words()
    if request.endpoint == "auth.forgot_password":
        errors = {"form": _("Too many reset requests.") + " " + wait}
        page = render_template("auth/forgot_password.html", form=form, errors=errors)
    else:
        errors = {"form": _("Too many sign-in attempts that did not match.") + " " + wait}
        page = render_template("auth/login.html", form=form, errors=errors)
    return page, 429, {"Retry-After": str(seconds)}


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"], deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP_ALL"], methods=["POST"],
               key_func=lambda: "login-address:" + get_remote_address())
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"], key_func=_login_email_key,
               deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form, errors = {}, {}
    if request.method == "POST":
        form = {"email": request.form.get("email", ""), "remember": request.form.get("remember")}
        try:
            user = services.authenticate(request.form.get("email"), request.form.get("password"))
        except ValidationError as err:
            errors = err.fields
        else:
            sessions.sign_in(user, remember=bool(request.form.get("remember")))
            return redirect(_safe_next(request.args.get("next")))
    status = 422 if errors else 200
    return render_template("auth/login.html", form=form, errors=errors), status


@bp.post("/logout")
def logout():
    sessions.sign_out()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = services.pending_invitation(token)
    if invitation is None:
        return render_template("auth/invitation_invalid.html"), 404
    form, errors = {}, {}
    if request.method == "POST":
        form = {"name": request.form.get("name", ""), "time_zone": request.form.get("time_zone", "")}
        try:
            user = services.accept_invitation(token, request.form.get("name"), request.form.get("password"),
                                              request.form.get("confirm"), request.form.get("time_zone"))
        except ValidationError as err:
            errors = err.fields
        else:
            sessions.sign_in(user)
            flash(_("Welcome, %(name)s! Add a few words about yourself so others know who you are.", name=user.name), "success")
            return redirect(url_for("people.edit_profile"))
    return render_template("auth/accept_invitation.html", invitation=invitation, form=form, errors=errors,
                           time_zones=time_zones()), (422 if errors else 200)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
    form, errors = {}, {}
    if request.method == "POST":
        form = {"email": request.form.get("email", "")}
        try:
            services.request_password_reset(request.form.get("email"))
        except ValidationError as err:
            errors = err.fields
        else:
            return render_template("auth/forgot_password_sent.html", email=form["email"])
    return render_template("auth/forgot_password.html", form=form, errors=errors), (422 if errors else 200)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    if services.user_for_reset_token(token) is None:
        return render_template("auth/reset_invalid.html"), 404
    errors = {}
    if request.method == "POST":
        try:
            user = services.reset_password(token, request.form.get("password"), request.form.get("confirm"))
        except ValidationError as err:
            errors = err.fields
        else:
            sessions.sign_in(user)
            flash(_("Your password is changed and every other session is signed out."), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/reset_password.html", errors=errors), (422 if errors else 200)


# ---------------------------------------------------------------- account security

@bp.get("/settings/security")
@login_required
def security():
    return render_template("auth/security.html", tokens=tokens.list_tokens(current_user), errors={}, form={})


@bp.post("/settings/password")
@login_required
def change_password():
    try:
        revoked = services.change_password(current_user, request.form.get("current"), request.form.get("password"),
                                           request.form.get("confirm"), sessions.current_login_session_id())
    except ValidationError as err:
        return render_template("auth/security.html", tokens=tokens.list_tokens(current_user), errors=err.fields,
                               form={}), 422
    _stay_signed_in(current_user)
    flash(_("Your password is changed. Every other session is now signed out.") + " " + (
        ngettext("Your %(num)d API token is revoked: make a new one where you need it.",
                 "Your %(num)d API tokens are revoked: make new ones where you need them.", revoked)
        if revoked else ""), "success")
    return redirect(url_for("auth.security"))


@bp.post("/settings/sessions/end-others")
@login_required
def end_other_sessions():
    user = services.end_other_sessions(current_user, sessions.current_login_session_id())
    _stay_signed_in(user)
    flash(_("Every other session and remembered device is now signed out."), "success")
    return redirect(url_for("auth.security"))


@bp.post("/settings/tokens")
@login_required
def create_token():
    try:
        token, plain = tokens.create_token(current_user, request.form.get("label"))
    except ValidationError as err:
        return render_template("auth/security.html", tokens=tokens.list_tokens(current_user), errors=err.fields,
                               form=request.form), 422
    return render_template("auth/security.html", tokens=tokens.list_tokens(current_user), errors={}, form={},
                           new_token=plain, new_token_label=token.label)


@bp.post("/settings/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    tokens.revoke_token(current_user, db.session.get(ApiToken, token_id))
    flash(_("The token is revoked."), "success")
    return redirect(url_for("auth.security"))


# ---------------------------------------------------------------- invitations (staff)

def _invitation_page(form=None, errors=None, status=200, sent_to=None):
    teams = db.session.query(Team).order_by(Team.name).all()
    return render_template("auth/invitations.html", invitations=services.list_invitations(current_user),
                           teams=teams, site_roles=SITE_ROLES, team_roles=TEAM_ROLES, form=form or {},
                           errors=errors or {}, sent_to=sent_to), status


@bp.get("/invitations")
@login_required
def invitations():
    return _invitation_page()


@bp.post("/invitations")
@login_required
def create_invitation():
    form = request.form.to_dict()
    try:
        invitation, _plain = services.create_invitation(
            current_user, form.get("email"), form.get("site_role", "participant"),
            int(form["team_id"]) if form.get("team_id", "").isdigit() else None, form.get("team_role", "member"))
    except ValidationError as err:
        return _invitation_page(form, err.fields, 422)
    return _invitation_page(sent_to=invitation.email)


@bp.post("/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(invitation_id: int):
    services.revoke_invitation(current_user, db.session.get(Invitation, invitation_id))
    flash(_("The invitation is revoked."), "success")
    return redirect(url_for("auth.invitations"))
