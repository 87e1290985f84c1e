"""Who a socket is: the sign-in side of hub.realtime, written once for every namespace.

A socket connects with a personal access token (in Socket.IO's `auth`) or with the browser's
signed-in session; what it rode on is remembered in the socket's session and asked about again
on every event, so a revoked token, a signed-out browser or a session-version bump (sign out
everywhere, a new password, deactivation) refuses the socket's very next event.
"""
from __future__ import annotations

from flask import g
from flask_login import current_user

from hub import policy, realtime
from hub.auth.models import LoginSession
from hub.auth.sessions import LOGIN_SESSION_ID
from hub.auth.tokens import live_token, user_for_token_digest
from hub.extensions import db
from hub.people.models import User

def connecting_user(auth):
    """The person behind a new socket and what it rides on: a bearer token in `auth`, else the
    session cookie's login session. Returns (user, the socket_auth to remember, its credential)."""
    token = auth.get("token") if isinstance(auth, dict) else None
    if token:
        found = live_token(str(token))
        if found is None:
            return None, {}, None
        return found.user, {"user_id": found.user_id, "token": found.token_hash}, \
            realtime.token_credential(found.id)
    user = current_user._get_current_object()
    login_session_id = g.get(LOGIN_SESSION_ID)
    if not policy.signed_in(user) or login_session_id is None:
        return None, {}, None
    return user, {"user_id": user.id, "version": user.session_version, "session": login_session_id}, \
        realtime.session_credential(login_session_id)


def current_user_of(remembered: dict):
    """The socket's person if their token, or their login session and session version, is still
    live, else None."""
    if remembered.get("token"):
        user = user_for_token_digest(remembered["token"])
        return user if user is not None and user.id == remembered.get("user_id") else None
    user = db.session.get(User, remembered.get("user_id") or 0, populate_existing=True)
    if user is None or not policy.signed_in(user) or user.session_version != remembered.get("version"):
        return None
    live = db.session.get(LoginSession, remembered.get("session") or 0, populate_existing=True)
    return user if live is not None and live.ended_at is None and live.user_id == user.id else None


realtime.register_authenticator(connecting_user, current_user_of)
