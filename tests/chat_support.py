"""Helpers for the chat tests: channels made through the real services, /chat socket clients."""
from __future__ import annotations

import contextvars
import itertools

from hub.chat import services
from hub.extensions import socketio
from tests.helpers import login

_ids = itertools.count(1)


def channel(app, space, name="general", by=None):
    """A channel in `space`, made by a site admin unless `by` is given."""
    from tests import factories
    actor = by or factories.user(role="admin") if space.kind != "affinity" else by
    with app.test_request_context():
        return services.create_channel(actor, space, {"name": name})


def chat_socket(app, client, person=None, auth=None):
    if person is not None:
        login(client, person)
    return contextvars.Context().run(socketio.test_client, app, namespace="/chat", flask_test_client=client, auth=auth)


def emit(sock, event, data):
    return contextvars.Context().run(sock.emit, event, data, namespace="/chat", callback=True)


def received(sock, name="message"):
    # Flask-SocketIO's test client hands "message" events over unwrapped, others as a list.
    return [m["args"] if m["name"] == "message" else m["args"][0] for m in sock.get_received("/chat")
            if m["name"] == name]


def send(sock, channel_id, body, client_id=None):
    return emit(sock, "send", {"channel_id": channel_id, "body": body, "client_id": client_id or f"t-{next(_ids)}"})
