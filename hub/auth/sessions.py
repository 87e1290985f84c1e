"""Flask-Login wiring: the session id carries the user's session version."""
from __future__ import annotations

from functools import lru_cache
from hashlib import sha512

from flask import request
from flask_babel import lazy_gettext as _l
from flask_login.utils import _get_remote_addr

from hub.extensions import db
from hub.people.models import AnonymousUser, User


def load_user_from_session_id(session_id: str) -> User | None:
    """`session_id` is "<user id>:<session version>"; an old version means a revoked session."""
    user_id, _, version = (session_id or "").partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def claimed_user_id() -> int | None:
    """The user id this request's session cookie names, before anything checks it: for a page that
    fetches the person's row in its own first statement, so that the loader above (which makes
    every check) finds it already loaded instead of asking again."""
    from flask import session
    user_id, _, _version = str(session.get("_user_id") or "").partition(":")
    return int(user_id) if user_id.isdigit() else None


def session_identifier() -> str:
    """Flask-Login's session-protection fingerprint of this request (its own recipe: a hash of
    the address and user agent), hashed once per address and agent rather than per request."""
    return _fingerprint(_get_remote_addr(), request.headers.get("User-Agent"))


@lru_cache(maxsize=4096)
def _fingerprint(address: str | None, user_agent: str | None) -> str:
    agent = user_agent.encode("utf-8") if user_agent is not None else None
    return sha512(f"{address}|{agent}".encode("utf8")).hexdigest()


def configure_login(login_manager) -> None:
    login_manager.user_loader(load_user_from_session_id)
    login_manager.anonymous_user = AnonymousUser
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see that page.")
    login_manager.login_message_category = "info"
    # "strong" would drop sessions when a phone changes networks; the version check does the real work.
    login_manager.session_protection = "basic"
    login_manager._session_identifier_generator = session_identifier
