"""Flask-Login wiring: the session id carries the user's session version and the key of this
browser's login session (hub.auth.models.LoginSession), both checked on every request."""
from __future__ import annotations

import secrets

from flask import g
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select, update
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from hub import realtime
from hub.auth.models import LoginSession, digest
from hub.extensions import PERSON_WAITING, db, utcnow
from hub.people.models import AnonymousUser, User

# Where the sign-in loader leaves the id of the browser's login session (hub.auth.sockets reads it).
LOGIN_SESSION_ID = "hub_login_session_id"


def load_user_from_session_id(session_id: str) -> User | None:
    """`session_id` is "<user id>:<session version>:<login session key>": an old version means every
    session of the person was ended, an ended login session that this browser signed out."""
    user_id, version, key = _parts(session_id)
    if user_id is None:
        return None
    waiting = g.get(PERSON_WAITING)
    user = waiting if waiting is not None and waiting.id == user_id else db.session.get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    login_session_id = _live_login_session(user_id, digest(key))
    if login_session_id is None:
        return None
    setattr(g, LOGIN_SESSION_ID, login_session_id)
    user.login_key = key
    return user


def _parts(session_id: str | None) -> tuple[int | None, int, str]:
    user_id, version, key = (str(session_id or "").split(":") + ["", "", ""])[:3]
    if not user_id.isdigit() or not version.isdigit() or not key:
        return None, 0, ""
    return int(user_id), int(version), key


def _live_login_session(user_id: int, key_hash: str) -> int | None:
    # A page whose own first statement asked already (hub.forums.thread_pages) left its answer.
    checked = g.pop(LOGIN_CHECKED, None)
    if checked is not None and checked[0] == key_hash:
        return checked[1]
    return db.session.scalar(select(LoginSession.id).where(
        LoginSession.key_hash == key_hash, LoginSession.user_id == user_id, LoginSession.ended_at.is_(None)))


def live_login_session_column(user_id, key_hash):
    """For a page that fetches the person's row in its own statement: the same question as the
    loader asks, as a column (the login session's id, or NULL), answered through `note_checked`."""
    return select(LoginSession.id).where(LoginSession.key_hash == key_hash, LoginSession.user_id == user_id,
                                         LoginSession.ended_at.is_(None)).scalar_subquery()


def note_checked(key_hash: str, login_session_id: int | None) -> None:
    setattr(g, LOGIN_CHECKED, (key_hash, login_session_id))


LOGIN_CHECKED = "hub_login_session_checked"


# ---------------------------------------------------------------- signing a browser in and out

def sign_in(user: User, remember: bool = False) -> None:
    """A new login session for this browser, then Flask-Login's cookie naming it (and the remember
    cookie, which names the same session), and a new CSRF token."""
    _end_this_browsers_session()  # (someone else was signed in here: accepting an invitation)
    key = secrets.token_urlsafe(24)
    row = LoginSession(user_id=user.id, key_hash=digest(key))
    db.session.add(row)
    db.session.commit()
    user.login_key = key
    login_user(user, remember=remember)
    setattr(g, LOGIN_SESSION_ID, row.id)
    new_csrf_token()


def reissue(user: User) -> None:
    """After the person's session version moved (password change, ending the other sessions): this
    browser's cookie carries the new version and keeps its own login session."""
    user = user._get_current_object() if hasattr(user, "_get_current_object") else user
    login_user(user)


def sign_out() -> None:
    """This browser's login session ends for good: its cookies, copied or not, no longer sign in,
    and the sockets it opened are cut on every process. The person's other browsers stay."""
    _end_this_browsers_session()
    new_csrf_token()


def _end_this_browsers_session() -> None:
    login_session_id = current_login_session_id()
    g.pop(LOGIN_SESSION_ID, None)
    if login_session_id is not None:
        db.session.execute(update(LoginSession).where(LoginSession.id == login_session_id,
                                                      LoginSession.ended_at.is_(None)).values(ended_at=utcnow()))
        db.session.commit()
        realtime.end_credential(realtime.session_credential(login_session_id))
    logout_user()


def end_login_sessions(user: User, keep: int | None = None) -> None:
    """Uncommitted: ends every login session of the person but `keep` (the caller commits it with
    the change that asked, and then cuts their sockets)."""
    stmt = update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
    if keep is not None:
        stmt = stmt.where(LoginSession.id != keep)
    db.session.execute(stmt.values(ended_at=utcnow()))


def current_login_session_id() -> int | None:
    """This browser's login session, as the sign-in loader checked it (None for a token caller)."""
    _ = current_user.is_authenticated  # (the loader runs on first use of current_user)
    return g.get(LOGIN_SESSION_ID)


def place_loaded_person(values: dict) -> User:
    """A person's row that a page's own statement read (some or all columns, "id" among them), as
    the ORM would have loaded it, for the loader above to find: nothing to write, and the columns
    not read load when something reads them. With no ORM session in the request yet, the person
    waits for one (hub.fastpath.session.Session takes them in as it is made), so a page that needs no
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


def claimed_login() -> tuple[int | None, str]:
    """The user id and the digest of the login session key that the session cookie names, unchecked."""
    from flask import session
    user_id, _version, key = _parts(session.get("_user_id"))
    return user_id, (digest(key) if user_id is not None else "")


def new_csrf_token() -> None:
    """Signing in or out starts a new CSRF token: one from before (a shared computer, a planted
    session) is worth nothing after. Forms rendered from here on get the new one."""
    from flask import g, session
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)  # Flask-WTF's per-request copy (hub.fastpath.every_request may have set it)


def configure_login(login_manager) -> None:
    login_manager.user_loader(load_user_from_session_id)
    login_manager.anonymous_user = AnonymousUser
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see that page.")
    login_manager.login_message_category = "info"
    # "strong" would drop sessions when a phone changes networks; the version check does the real work.
    login_manager.session_protection = "basic"
