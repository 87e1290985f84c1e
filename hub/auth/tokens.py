"""Personal access tokens: shown once, stored as a digest, revocable, listed in settings."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from hub import policy, realtime, security
from hub.auth.models import ApiToken, digest
from hub.extensions import db, utcnow
from hub.people.models import User
from hub.validation import ValidationError, require_text

TOKEN_PREFIX = "hub_"
LAST_USED_GRANULARITY = timedelta(minutes=1)  # avoid a write on every API call


def create_token(actor: User, label: str) -> tuple[ApiToken, str]:
    policy.require(actor, "directory.view")
    fields: dict[str, str] = {}
    label = require_text(fields, "label", label, _("Label"), 80)
    if fields:
        raise ValidationError(fields)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=actor.id, label=label, token_hash=digest(plain), prefix=plain[:12])
    db.session.add(token)
    db.session.commit()
    return token, plain


def list_tokens(actor: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == actor.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc())
    ))


def revoke_all_tokens(user: User) -> int:
    """Uncommitted: the caller commits it with the change that asked for it (a password changed or
    reset, an account deactivated) and then cuts the person's sockets. How many it revoked."""
    live = list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                          ApiToken.revoked_at.is_(None))))
    for token in live:
        token.revoked_at = utcnow()
    return len(live)


def revoke_token(actor: User, token: ApiToken | None) -> None:
    """Revoked at once: API calls with it are refused from now on, and the sockets it opened are cut
    on every process."""
    policy.require(actor, "token.manage", token)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
    realtime.end_credential(realtime.token_credential(token.id))


def user_for_token(plain: str) -> User | None:
    """The active owner of a live token, or None. Checked on every request: revocation is instant."""
    token = live_token(plain)
    return token.user if token is not None else None


def live_token(plain: str) -> ApiToken | None:
    if not plain.startswith(TOKEN_PREFIX):
        return None
    return live_token_by_digest(digest(plain))


def user_for_token_digest(token_hash: str) -> User | None:
    """As user_for_token, from the stored digest (a socket keeps only that)."""
    token = live_token_by_digest(token_hash)
    return token.user if token is not None else None


def live_token_by_digest(token_hash: str) -> ApiToken | None:
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
        token.last_used_at = now
        db.session.commit()
    return token


security.register_token_owner(user_for_token)  # bearer tokens on every API request (hub.security)
