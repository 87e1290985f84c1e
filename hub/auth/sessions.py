"""Flask-Login wiring: the session id carries the user's session version."""
from __future__ import annotations

from flask import g
from flask_babel import lazy_gettext as _l

from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from hub.extensions import PERSON_WAITING, db
from hub.people.models import AnonymousUser, User


def load_user_from_session_id(session_id: str) -> User | None:
    """`session_id` is "<user id>:<session version>"; an old version means a revoked session."""
    user_id, _, version = (session_id or "").partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    waiting = g.get(PERSON_WAITING)
    user = waiting if waiting is not None and waiting.id == int(user_id) else db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def place_loaded_person(values: dict) -> User:
    """A person's row that a page's own statement read (some or all columns, "id" among them), as
    the ORM would have loaded it, for the loader above to find: nothing to write, and the columns
    not read load when something reads them. With no ORM session in the request yet, the person
    waits for one (hub.extensions.Session takes them in as it is made), so a page that needs no
    session makes none; otherwise the session takes them now, or already holds them (returned)."""
    in_session = db.session.registry.has()
    held = db.session.identity_map.get(identity_key(User, values["id"])) if in_session else None
    if held is not None:
        return held
    person = User(**values)
    make_transient_to_detached(person)
    if in_session:
        db.session.add(person)
    else:
        setattr(g, PERSON_WAITING, person)
    return person


def claimed_user_id() -> int | None:
    """The user id this request's session cookie names, before anything checks it: for a page that
    fetches the person's row in its own first statement, so that the loader above (which makes
    every check) finds it already loaded instead of asking again."""
    from flask import session
    user_id, _, _version = str(session.get("_user_id") or "").partition(":")
    return int(user_id) if user_id.isdigit() else None


def new_csrf_token() -> None:
    """Signing in or out starts a new CSRF token: one from before (a shared computer, a planted
    session) is worth nothing after. Forms rendered from here on get the new one."""
    from flask import g, session
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)  # Flask-WTF's per-request copy (hub.every_request may have set it)


def configure_login(login_manager) -> None:
    login_manager.user_loader(load_user_from_session_id)
    login_manager.anonymous_user = AnonymousUser
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see that page.")
    login_manager.login_message_category = "info"
    # "strong" would drop sessions when a phone changes networks; the version check does the real work.
    login_manager.session_protection = "basic"
