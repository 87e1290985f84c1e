"""The forum API as a script would use it (bearer token), and Socket.IO events that follow the policy."""
from __future__ import annotations

import contextvars

from hub.auth.tokens import create_token
from hub.extensions import socketio
from hub.forums.categories import categories_of
from tests.helpers import factories as f
from tests.helpers import login


def _bearer(client, person):
    _token, plain = create_token(person, "script")
    headers = {"Authorization": f"Bearer {plain}"}

    def call(method, url, json=None):
        return client.open(url, method=method, json=json, headers=headers)
    return call


def test_a_whole_conversation_through_the_api(app, world, make_client):
    pat, tess, fay = (_bearer(make_client(), p) for p in (world.participant, world.teammate, world.facilitator))
    cohort = world.cohort.space
    category = categories_of(cohort)[1]
    bad = pat("POST", f"/api/v1/spaces/{cohort.id}/threads", {"title": "", "body": "x", "category_id": category.id})
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"title"}
    made = pat("POST", f"/api/v1/spaces/{cohort.id}/threads", {
        "title": "Language access huddle", "body": f"@{world.teammate.username} agenda?", "category_id": category.id,
        "kind": "question", "tags": ["language-access", "Huddles"]})
    assert made.status_code == 201
    thread = made.get_json()
    assert thread["tags"] == ["huddles", "language-access"] and thread["kind"] == "question"
    assert tess("GET", "/api/v1/notifications").get_json()["unread"] == 1
    answer = tess("POST", f"/api/v1/threads/{thread['id']}/posts", {"body": "Interpreter scheduling first."})
    assert answer.status_code == 201
    answer_id = answer.get_json()["id"]
    assert tess("POST", f"/api/v1/posts/{answer_id}/reactions", {"kind": "heart"}).get_json()["on"] is True
    assert pat("POST", f"/api/v1/posts/{answer_id}/reactions", {"kind": "fire"}).status_code == 422
    edited = tess("PATCH", f"/api/v1/posts/{answer_id}", {"body": "Interpreter scheduling, then signage."})
    assert edited.get_json()["revision_count"] == 1
    revisions = pat("GET", f"/api/v1/posts/{answer_id}/revisions").get_json()["items"]
    assert [r["number"] for r in revisions] == [1, 2]
    assert pat("POST", f"/api/v1/threads/{thread['id']}/accept", {"post_id": answer_id}).get_json()[
        "accepted_post_id"] == answer_id
    page = pat("GET", f"/api/v1/threads/{thread['id']}").get_json()
    assert [p["number"] for p in page["posts"]["items"]] == [1, 2]
    assert page["posts"]["items"][1]["reactions"] == {"heart": {"count": 1, "mine": False}}
    assert pat("PATCH", f"/api/v1/threads/{thread['id']}", {"locked": True}).status_code == 403
    locked = fay("PATCH", f"/api/v1/threads/{thread['id']}", {"locked": True, "pinned": True, "slow_mode_seconds": 30})
    assert locked.get_json()["locked"] and locked.get_json()["pinned"]
    assert tess("POST", f"/api/v1/threads/{thread['id']}/posts", {"body": "late"}).status_code == 403
    assert pat("PUT", f"/api/v1/threads/{thread['id']}/watch", {"level": "muted"}).get_json() == {"level": "muted"}
    assert pat("POST", f"/api/v1/threads/{thread['id']}/read").get_json() == {"last_read": 2}
    flagged = tess("POST", f"/api/v1/posts/{page['posts']['items'][0]['id']}/flags", {"reason": "off_topic"})
    assert flagged.status_code == 201
    queue = fay("GET", f"/api/v1/spaces/{cohort.id}/flags").get_json()["items"]
    assert fay("POST", f"/api/v1/flags/{queue[0]['id']}/resolve", {"action": "dismiss"}).get_json()["status"] == "dismissed"
    log = fay("GET", f"/api/v1/spaces/{cohort.id}/moderation-log").get_json()["items"]
    assert {e["action"] for e in log} >= {"lock", "pin", "slow_mode", "flag_dismiss"}
    assert tess("DELETE", f"/api/v1/posts/{answer_id}").status_code == 204
    assert pat("GET", f"/api/v1/posts/{answer_id}").status_code == 404


def _socket(app, client):
    return contextvars.Context().run(socketio.test_client, app, flask_test_client=client)


def test_forum_events_and_live_badges_reach_only_who_may_read(app, world, make_client):
    sockets = {}
    for persona in ("member", "participant", "admin", "removed_member", "facilitator"):
        client = make_client()
        login(client, getattr(world, persona))
        sockets[persona] = _socket(app, client)
        sockets[persona].get_received()
    with app.test_request_context():
        f.thread(world.member, world.secret, "Socket-secret-title", f"@{world.facilitator.username} hi")
    for persona, sock in sockets.items():
        received = repr(sock.get_received())
        may = persona in ("member", "facilitator")
        assert ("forum_activity" in received) is (persona == "facilitator"), persona  # never to the author
        assert ("Socket-secret-title" in received) is (persona == "facilitator"), persona
        if not may:
            assert received == "[]", persona
