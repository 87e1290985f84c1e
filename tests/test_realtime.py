"""Socket.IO: only signed-in sessions connect; ending sessions reaches open sockets."""
from __future__ import annotations

import contextvars

from hub.extensions import db, socketio
from tests.helpers import factories
from tests.helpers import login, post_form


def _socket(app, client, auth=None):
    return contextvars.Context().run(socketio.test_client, app, flask_test_client=client, auth=auth)


def test_anonymous_sockets_are_refused(app, client):
    sock = _socket(app, client)
    assert not sock.is_connected()


def test_signed_in_socket_joins_its_personal_room(app, client):
    person = factories.user()
    login(client, person)
    sock = _socket(app, client)
    assert sock.is_connected()
    hello = [m for m in sock.get_received() if m["name"] == "hello"]
    assert hello and hello[0]["args"][0]["user_id"] == person.id


def test_token_sockets_connect_and_bad_tokens_do_not(app, client, make_client):
    from hub.auth.tokens import create_token
    person = factories.user()
    _token, plain = create_token(person, "bot")
    assert _socket(app, make_client(), auth={"token": plain}).is_connected()
    assert not _socket(app, make_client(), auth={"token": "hub_not-a-token"}).is_connected()


def test_logout_everywhere_tells_open_sockets_and_empties_the_room(app, make_client):
    from hub import realtime
    person = factories.user()
    phone, laptop = make_client(), make_client()
    login(phone, person)
    login(laptop, person)
    phone_socket = _socket(app, phone)
    phone_socket.get_received()
    laptop_socket = _socket(app, laptop)
    post_form(laptop, "/settings/sessions/end-others", token_from="/")
    # Every socket of the account is cut (the asking browser reconnects after its reload);
    # the cross-process `session_ended` delivery is proved in tests/test_scaleout.py.
    assert not phone_socket.is_connected() and not laptop_socket.is_connected()
    fresh = _socket(app, laptop)
    assert fresh.is_connected(), "the session that asked is still signed in"
    fresh.get_received()
    realtime.emit_to_users([person.id], "notification", {"text": "for the live session"})
    assert [m["args"][0]["text"] for m in fresh.get_received() if m["name"] == "notification"] == ["for the live session"]
    assert not _socket(app, phone).is_connected(), "the revoked session cannot open a new socket"


def test_deactivation_reaches_open_sockets(app, make_client):
    admin, person = factories.user(role="admin"), factories.user()
    admin_client, person_client = make_client(), make_client()
    login(admin_client, admin)
    login(person_client, person)
    sock = _socket(app, person_client)
    sock.get_received()
    post_form(admin_client, f"/people/{person.id}/active", {"active": "0"}, token_from="/")
    assert not sock.is_connected()
    assert not _socket(app, person_client).is_connected()


def test_a_socket_is_cut_and_its_identity_refused_once_the_session_ends(app, make_client):
    from hub import realtime
    person = factories.user()
    here, there = make_client(), make_client()
    login(here, person)
    login(there, person)
    sock = _socket(app, there)
    assert sock.is_connected()
    from hub.auth.models import LoginSession
    theirs = db.session.scalar(db.select(LoginSession.id).where(LoginSession.user_id == person.id)
                               .order_by(LoginSession.id.desc()))
    with app.test_request_context():
        from flask import session
        session["socket_auth"] = {"user_id": person.id, "version": person.session_version, "session": theirs}
        assert realtime.socket_user().id == person.id
        post_form(here, "/settings/sessions/end-others", token_from="/")
        assert realtime.socket_user() is None, "the old session version is refused on later events"
    assert not sock.is_connected(), "the socket on this process is disconnected"
