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
    from tests.helpers import factories
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


# ---------------------------------------------------------------- real servers, real clients

class ChatClient:
    """A real python-socketio client on /chat, signed in with a requests session's cookie; it
    keeps every event it hears, in order."""

    EVENTS = ("message", "message_edited", "message_deleted", "reaction", "channel_access_ended")

    def __init__(self, base: str, session):
        import threading

        import socketio
        self.events: list[tuple[str, dict]] = []
        self.lock = threading.Lock()
        self.sio = socketio.Client(reconnection=False)
        for name in self.EVENTS:
            self.sio.on(name, self._keeper(name), namespace="/chat")
        cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
        self.sio.connect(base, headers={"Cookie": cookie}, transports=["websocket"], namespaces=["/chat"])

    def _keeper(self, name):
        def keep(data):
            with self.lock:
                self.events.append((name, data))
        return keep

    def call(self, event: str, data: dict):
        return self.sio.call(event, data, namespace="/chat", timeout=10)

    def heard(self, name: str = "message") -> list[dict]:
        with self.lock:
            return [data for event, data in self.events if event == name]

    def messages(self) -> list[dict]:
        return self.heard("message")

    def close(self):
        if self.sio.connected:
            self.sio.disconnect()


def wait_for(condition, seconds: float = 10) -> bool:
    import time
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()
