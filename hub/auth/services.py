"""Account writes: invitations, sign-up, passwords, sessions, deactivation.

Every function takes the acting user (or the token a stranger holds), asks the policy,
validates with per-field messages, commits, and only then sends mail or realtime events.
"""
from __future__ import annotations

import secrets

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from hub import mail, policy, realtime
from hub.auth import sessions, tokens
from hub.auth.models import Invitation, digest
from hub.extensions import db, utcnow
from hub.people.models import SITE_ROLES, TEAM_ROLES, Team, TeamMembership, User
from hub.people.services import time_zones
from hub.validation import ValidationError, canonical_email, require_text

_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash() -> str:
    """Checked for unknown emails too, with the same method as real passwords, so a login answer
    takes as long whether or not the account exists."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    return _DUMMY_HASHES[method]


def normalise_email(value: str | None, fields: dict[str, str], name: str = "email") -> str:
    value = canonical_email(value)
    if not value:
        fields[name] = _("Email is required.")
        return value
    try:
        return canonical_email(validate_email(value, check_deliverability=False).normalized)
    except EmailNotValidError:
        fields[name] = _("Enter a valid email address, like name@example.org.")
        return value


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == canonical_email(email)))


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_new_password(fields: dict[str, str], password: str | None, confirm: str | None,
                       name: str = "password") -> str:
    password = password or ""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        fields[name] = _("Use at least %(n)d characters.", n=minimum)
    elif len(password) > 256:
        fields[name] = _("Use at most 256 characters.")
    elif confirm is not None and password != confirm:
        fields["confirm"] = _("The two passwords do not match.")
    return password


# ---------------------------------------------------------------- invitations

def create_invitation(actor: User, email: str, site_role: str = "participant",
                      team_id: int | None = None, team_role: str = "member") -> tuple[Invitation, str]:
    fields: dict[str, str] = {}
    email = normalise_email(email, fields)
    if site_role not in SITE_ROLES:
        fields["site_role"] = _("Choose a site role from the list.")
    if team_role not in TEAM_ROLES:
        fields["team_role"] = _("Choose a team role from the list.")
    team = db.session.get(Team, team_id) if team_id else None
    if team_id and team is None:
        fields["team_id"] = _("Choose a team from the list.")
    policy.require(actor, "invitation.create", site_role)
    if not fields and find_user_by_email(email):
        fields["email"] = _("%(email)s already has an account.", email=email)
    if fields:
        raise ValidationError(fields)

    # A fresh invitation replaces the actor's own pending one; someone else's stays theirs.
    for old in db.session.scalars(select(Invitation).where(
            Invitation.email == email, Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))):
        if old.status != "pending":
            continue
        if not policy.can(actor, "invitation.manage", old):
            raise ValidationError({"email": _("%(email)s already has a pending invitation from %(name)s.",
                                              email=email, name=old.invited_by.name)})
        old.revoked_at = utcnow()
    plain = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email, token_hash=digest(plain), site_role=site_role, team_id=team.id if team else None,
        team_role=team_role, invited_by_id=actor.id, expires_at=utcnow() + current_app.config["INVITATION_TTL"],
    )
    db.session.add(invitation)
    db.session.commit()
    _send_invitation(invitation, plain)
    return invitation, plain


def _send_invitation(invitation: Invitation, plain: str) -> None:
    link = current_app.config["BASE_URL"] + url_for("auth.accept_invitation", token=plain)
    context = {"invitation": invitation, "link": link}
    mail.send(invitation.email, _("You are invited to the Equity Learning Hub"),
              render_template("email/invitation.txt", **context))


def pending_invitation(plain: str | None) -> Invitation | None:
    if not plain:
        return None
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == digest(plain)))
    if invitation is None or invitation.status != "pending":
        return None
    # An invitation is only as good as its inviter's right to invite, checked now.
    if not policy.can(invitation.invited_by, "invitation.create", invitation.site_role):
        return None
    return invitation


def accept_invitation(plain: str, name: str, password: str, confirm: str, time_zone: str | None = None) -> User:
    """A new account from an invitation: its team (and the team's organization, so nothing is typed
    twice), and the time zone the person confirmed (the form offers their browser's)."""
    invitation = pending_invitation(plain)
    if invitation is None:
        raise ValidationError({"token": _("This invitation link is no longer valid. Ask your facilitator for a new one.")})
    fields: dict[str, str] = {}
    name = require_text(fields, "name", name, _("Name"), 120)
    password = check_new_password(fields, password, confirm)
    zone = (time_zone or "").strip() or "UTC"
    if zone not in time_zones():
        fields["time_zone"] = _("Choose a time zone from the list, like America/Chicago.")
    if find_user_by_email(invitation.email):
        fields["token"] = _("An account with this email already exists. Sign in instead.")
    if fields:
        raise ValidationError(fields)
    user = User(email=invitation.email, name=name, password_hash=hash_password(password),
                site_role=invitation.site_role, time_zone=zone,
                organization_id=invitation.team.organization_id if invitation.team else None)
    db.session.add(user)
    db.session.flush()
    if invitation.team_id:
        db.session.add(TeamMembership(team_id=invitation.team_id, user_id=user.id, role=invitation.team_role))
    invitation.used_at = utcnow()
    invitation.user_id = user.id
    db.session.commit()
    return user


def revoke_invitation(actor: User, invitation: Invitation | None) -> None:
    policy.require(actor, "invitation.manage", invitation)
    if invitation.status == "pending":
        invitation.revoked_at = utcnow()
        db.session.commit()


def list_invitations(actor: User) -> list[Invitation]:
    policy.require(actor, "invitation.create", "participant")
    stmt = policy.scope(select(Invitation), actor).order_by(Invitation.created_at.desc()).limit(200)
    return list(db.session.scalars(stmt))


# ---------------------------------------------------------------- signing in

def authenticate(email: str, password: str) -> User:
    """The user for these credentials, or a ValidationError that never says which part was wrong."""
    fields: dict[str, str] = {}
    email = normalise_email(email, fields)
    if not password:
        fields["password"] = _("Password is required.")
    if fields:
        raise ValidationError(fields)
    user = find_user_by_email(email)
    stored = user.password_hash if user and user.password_hash else _dummy_hash()
    if not check_password_hash(stored, password) or user is None or not user.active:
        raise ValidationError({"password": _("That email and password do not match an active account.")})
    return user


def end_other_sessions(actor: User, keep_session: int | None = None) -> User:
    """Log out everywhere: every session and remember-me cookie issued before now stops working,
    but the login session `keep_session` (the browser that asked) once it is re-issued."""
    actor.session_version += 1
    sessions.end_login_sessions(actor, keep=keep_session)
    db.session.commit()
    realtime.end_sessions(actor.id)
    return actor


def change_password(actor: User, current: str, new: str, confirm: str,
                    keep_session: int | None = None) -> int:
    """A new password ends every other session and revokes every API token (whoever held the old
    password may have made one). Returns how many tokens it revoked, for the person to be told."""
    policy.require(actor, "person.edit", actor)
    fields: dict[str, str] = {}
    if not actor.password_hash or not check_password_hash(actor.password_hash, current or ""):
        fields["current"] = _("Your current password is not right.")
    new = check_new_password(fields, new, confirm, name="password")
    if fields:
        raise ValidationError(fields)
    actor.password_hash = hash_password(new)
    revoked = tokens.revoke_all_tokens(actor)
    end_other_sessions(actor, keep_session)
    return revoked


# ---------------------------------------------------------------- password reset

def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="hub.password-reset")


def _password_fingerprint(user: User) -> str:
    # Part of the token: once the password changes, every earlier reset link is spent.
    return digest(f"{user.password_hash}:{user.session_version}")[:16]


def request_password_reset(email: str) -> None:
    """Always looks the same to the asker; mails a link only to an active account."""
    fields: dict[str, str] = {}
    email = normalise_email(email, fields)
    if fields:
        raise ValidationError(fields)
    user = find_user_by_email(email)
    if user is None or not user.active:
        current_app.logger.info("Password reset asked for an unknown or inactive address")
        return
    token = _reset_serializer().dumps({"u": user.id, "f": _password_fingerprint(user)})
    link = current_app.config["BASE_URL"] + url_for("auth.reset_password", token=token)
    minutes = int(current_app.config["PASSWORD_RESET_TTL"].total_seconds() // 60)
    # Sent in the background so a known address answers as fast as an unknown one.
    mail.send_in_background(user.email, _("Reset your Equity Learning Hub password"),
                            render_template("email/password_reset.txt", user=user, link=link, minutes=minutes))


def user_for_reset_token(token: str | None) -> User | None:
    if not token:
        return None
    max_age = int(current_app.config["PASSWORD_RESET_TTL"].total_seconds())
    try:
        data = _reset_serializer().loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("f") != _password_fingerprint(user):
        return None
    return user


def reset_password(token: str, password: str, confirm: str) -> User:
    user = user_for_reset_token(token)
    if user is None:
        raise ValidationError({"token": _("This reset link has expired or was already used. Ask for a new one.")})
    fields: dict[str, str] = {}
    password = check_new_password(fields, password, confirm)
    if fields:
        raise ValidationError(fields)
    user.password_hash = hash_password(password)
    # Recovering an account may mean it was taken over: its API tokens go too.
    tokens.revoke_all_tokens(user)
    return end_other_sessions(user)


# ---------------------------------------------------------------- deactivation

def set_active(actor: User, person: User | None, active: bool) -> int:
    """Deactivating signs the person out everywhere and revokes their API tokens, so bringing the
    account back restores none of them. Returns how many tokens it revoked."""
    policy.require(actor, "person.deactivate", person)
    if person.active == active:
        return 0
    person.active = active
    person.deactivated_at = None if active else utcnow()
    revoked = 0
    if not active:
        person.session_version += 1
        sessions.end_login_sessions(person)
        revoked = tokens.revoke_all_tokens(person)
    db.session.commit()
    if not active:
        realtime.end_sessions(person.id)
    return revoked


def set_site_role(actor: User, person: User | None, site_role: str) -> User:
    policy.require(actor, "person.change_role", person)
    if site_role not in SITE_ROLES:
        raise ValidationError({"site_role": _("Choose a site role from the list.")})
    readable = realtime.spaces_read_by(person)  # staff read every cohort and team space
    person.site_role = site_role
    db.session.commit()
    realtime.evict_from_lost_spaces(person, readable)
    return person
