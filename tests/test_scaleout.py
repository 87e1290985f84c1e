"""Scale-out is configuration: PostgreSQL + Redis + several gunicorn gevent processes.

Two separate gunicorn servers share one PostgreSQL database and one Redis, so whatever
crosses between them (rate limits, Socket.IO events, session revocation) provably goes
through the shared services and not through one process's memory.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
import requests

from tests.helpers.servers import (REDIS_URL, ROOT, cluster, cluster_env, page_csrf, redis_client,  # noqa: F401  (fixtures)
                                   services, signed_in_session)

pytestmark = pytest.mark.services
def test_sessions_and_pages_work_on_every_process(cluster):
    a, b = cluster
    s = signed_in_session(a, "participant@demo.hub")
    # The cookie session made on server A is honoured by every worker of server B.
    for _ in range(6):
        assert "Welcome, Pat Participant" in s.get(b + "/").text
    assert s.get(b + "/api/v1/me").json()["email"] == "participant@demo.hub"


def test_a_reply_written_on_one_process_is_read_on_another(cluster):
    a, b = cluster
    writer, reader = signed_in_session(a, "participant@demo.hub"), signed_in_session(b, "aisha.bello@demo.hub")
    thread = writer.get(a + "/api/v1/latest").json()["items"][0]
    token = re.search(r'name="csrf-token" content="([^"]+)"', writer.get(a + "/latest").text).group(1)
    made = writer.post(f"{a}/api/v1/threads/{thread['id']}/posts", json={"body": "Written on server A"},
                       headers={"X-CSRFToken": token})
    assert made.status_code == 201, made.text
    for _ in range(4):  # every worker of server B
        page = reader.get(f"{b}/posts/{made.json()['id']}")
        assert page.status_code == 200 and "Written on server A" in page.text


def test_search_agrees_across_processes_writing_at_once(cluster):
    """Replies posted through both servers at the same moment are all searchable through either
    one at once, and the shared index matches the database afterwards."""
    from concurrent.futures import ThreadPoolExecutor
    a, b = cluster
    writers = [(signed_in_session(a, "participant@demo.hub"), a), (signed_in_session(b, "maria.hernández@demo.hub"), b)]
    thread = writers[0][0].get(a + "/api/v1/latest").json()["items"][0]
    tokens = [re.search(r'name="csrf-token" content="([^"]+)"', s.get(base + "/latest").text).group(1)
              for s, base in writers]

    def post(n: int) -> int:
        s, base = writers[n % 2]
        made = s.post(f"{base}/api/v1/threads/{thread['id']}/posts", json={"body": f"Quetzal note {n}"},
                      headers={"X-CSRFToken": tokens[n % 2]})
        assert made.status_code == 201, made.text
        return made.json()["id"]

    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = set(pool.map(post, range(24)))
    reader = signed_in_session(b, "aisha.bello@demo.hub")
    for base in (a, b, a, b):
        found = reader.get(f"{base}/api/v1/search?q=quetzal&limit=50").json()
        assert found["total"] == 24 and {i["id"] for i in found["items"]} == ids
    env = dict(os.environ, HUB_DATABASE_URL=cluster_env["database"], HUB_INSTANCE_PATH=cluster_env["instance"])
    check = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "hub", "reindex", "--check"], cwd=ROOT,
                           env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_login_rate_limit_is_shared_through_redis(cluster):
    a, b = cluster
    statuses = []
    for i in range(7):
        base = (a, b)[i % 2]
        s = requests.Session()
        token = re.search(r'name="csrf-token" content="([^"]+)"', s.get(base + "/login").text).group(1)
        statuses.append(s.post(base + "/login", data={"csrf_token": token, "email": "kevin.tran@demo.hub",
                                                      "password": "wrong password"}).status_code)
    assert statuses[:5] == [422] * 5 and statuses[5:] == [429, 429], statuses
    # The counters are this hub's own (HUB_REDIS_PREFIX), not anything else using the database.
    prefix = cluster_env["redis_prefix"]
    assert any(prefix.encode() in key for key in redis_client().scan_iter(f"*{prefix}*"))


def test_logout_everywhere_reaches_a_socket_on_another_server(cluster):
    import socketio
    a, b = cluster
    phone = signed_in_session(a, "rosa.delgado@demo.hub")
    laptop = signed_in_session(b, "rosa.delgado@demo.hub")
    events = []
    client = socketio.Client(reconnection=False)
    client.on("hello", lambda data: events.append("hello"))
    client.on("session_ended", lambda data: events.append("session_ended"))
    client.on("disconnect", lambda *reason: events.append("disconnect"))
    cookie = "; ".join(f"{k}={v}" for k, v in phone.cookies.items())
    client.connect(a, headers={"Cookie": cookie}, transports=["websocket"])
    try:
        deadline = time.monotonic() + 5
        while "hello" not in events and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "hello" in events
        response = laptop.post(b + "/settings/sessions/end-others", data={"csrf_token": page_csrf(laptop, b)},
                               allow_redirects=False)
        assert response.status_code == 302
        asked = time.monotonic()
        while "disconnect" not in events and time.monotonic() < asked + 3:
            time.sleep(0.02)
        assert "session_ended" in events, "the event crossed from server B to server A through Redis"
        assert "disconnect" in events and time.monotonic() - asked < 1.0, "server A cut the socket within 1 s"
    finally:
        if client.connected:
            client.disconnect()
    assert phone.get(a + "/", allow_redirects=False).status_code == 302
    assert laptop.get(a + "/", allow_redirects=False).status_code == 200


def test_cross_origin_sockets_are_refused(cluster):
    import websocket
    a, _b = cluster
    s = signed_in_session(a, "wei.chen@demo.hub")
    cookie = "; ".join(f"{k}={v}" for k, v in s.cookies.items())
    url = a.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    same = websocket.create_connection(url, cookie=cookie, origin=a, timeout=5)
    assert same.recv().startswith("0{")  # the engine.io open packet
    same.close()
    with pytest.raises(websocket.WebSocketBadStatusException):
        websocket.create_connection(url, cookie=cookie, origin="https://evil.example", timeout=5)


def test_a_member_removed_on_one_server_is_told_on_another(cluster):
    import socketio
    a, b = cluster
    member = signed_in_session(a, "member@demo.hub")
    facilitator = signed_in_session(b, "facilitator@demo.hub")
    caucus = next(s for s in member.get(a + "/api/v1/spaces").json()["items"] if s["slug"] == "bipoc-caucus")
    me = member.get(a + "/api/v1/me").json()
    events = []
    client = socketio.Client(reconnection=False)
    client.on("space_access_ended", lambda data: events.append(data))
    client.connect(a, headers={"Cookie": "; ".join(f"{k}={v}" for k, v in member.cookies.items())},
                   transports=["websocket"])
    try:
        time.sleep(0.3)
        removed = facilitator.delete(f"{b}/api/v1/spaces/{caucus['id']}/members/{me['id']}",
                                     json={"reason": "scale-out test"}, headers={"X-CSRFToken": page_csrf(facilitator, b)})
        assert removed.status_code == 204
        asked = time.monotonic()
        while not events and time.monotonic() < asked + 3:
            time.sleep(0.02)
        assert events == [{"space_id": caucus["id"]}] and time.monotonic() - asked < 1.0
    finally:
        client.disconnect()
    assert member.get(f"{a}/api/v1/spaces/{caucus['id']}/members").status_code == 403
