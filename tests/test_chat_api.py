"""The chat API end to end with a bearer token: integrations send, page history back, keep read
state; what they do reaches open sockets like anything sent from the page."""
from __future__ import annotations

from hub.auth.tokens import create_token
from tests.helpers.chat import channel, chat_socket, emit, received, send
from tests.helpers import api_write, login


def _bearer(person):
    _token, plain = create_token(person, "integration")
    return {"Authorization": f"Bearer {plain}"}


def test_an_integration_sends_with_a_token_and_open_sockets_get_it(app, make_client, world):
    general = channel(app, world.team.space)
    tess = chat_socket(app, make_client(), world.teammate)
    emit(tess, "join", {"channel_id": general.id, "after_seq": 0})
    tess.get_received("/chat")
    api, headers = make_client(), _bearer(world.participant)
    made = api.post(f"/api/v1/channels/{general.id}/messages", json={"body": "from a bot", "client_id": "bot-1"},
                    headers=headers)
    assert made.status_code == 201 and made.get_json()["seq"] == 1
    again = api.post(f"/api/v1/channels/{general.id}/messages", json={"body": "from a bot", "client_id": "bot-1"},
                     headers=headers)
    assert again.status_code == 200 and again.get_json()["id"] == made.get_json()["id"]
    assert [m["body"] for m in received(tess)] == ["from a bot"], "delivered once, though sent twice"
    edited = api.patch(f"/api/v1/messages/{made.get_json()['id']}", json={"body": "from a bot (fixed)"},
                       headers=headers)
    assert edited.status_code == 200 and edited.get_json()["edited_at"]
    assert [m["body"] for m in received(tess, "message_edited")] == ["from a bot (fixed)"]
    assert api.delete(f"/api/v1/messages/{made.get_json()['id']}", headers=headers).status_code == 204
    assert [m["deleted"] for m in received(tess, "message_deleted")] == [True]


def test_history_goes_back_by_pages_and_after_seq_catches_up(app, make_client, world):
    general = channel(app, world.team.space)
    app.config["CHAT_SEND_LIMIT"] = "1000 per minute"
    pat = chat_socket(app, make_client(), world.participant)
    for i in range(120):
        send(pat, general.id, f"n{i}")
    api, headers = make_client(), _bearer(world.teammate)
    first = api.get(f"/api/v1/channels/{general.id}/messages", headers=headers).get_json()
    assert [m["body"] for m in first["items"]] == [f"n{i}" for i in range(70, 120)]
    second = api.get(f"/api/v1/channels/{general.id}/messages?before_seq={first['next']}", headers=headers).get_json()
    assert [m["body"] for m in second["items"]] == [f"n{i}" for i in range(20, 70)]
    third = api.get(f"/api/v1/channels/{general.id}/messages?before_seq={second['next']}", headers=headers).get_json()
    assert [m["body"] for m in third["items"]] == [f"n{i}" for i in range(20)] and third["next"] is None
    caught = api.get(f"/api/v1/channels/{general.id}/messages?after_seq=100&limit=15", headers=headers).get_json()
    assert [m["seq"] for m in caught["items"]] == list(range(101, 116)) and caught["next"] == "115"
    rest = api.get(f"/api/v1/channels/{general.id}/messages?after_seq=115", headers=headers).get_json()
    assert [m["seq"] for m in rest["items"]] == list(range(116, 121)) and rest["next"] is None


def test_unread_counts_and_read_state_are_kept_on_the_server(app, make_client, world):
    general = channel(app, world.team.space)
    pat = chat_socket(app, make_client(), world.participant)
    for i in range(3):
        send(pat, general.id, f"unread {i}")
    tess_page = make_client()
    login(tess_page, world.teammate)
    listed = {c["id"]: c for c in tess_page.get("/api/v1/channels").get_json()["items"]}
    assert listed[general.id]["unread"] == 3
    assert listed[general.id]["name"] == "general"
    other_tab = chat_socket(app, make_client(), world.teammate)
    other_tab.get_received("/chat")
    marked = api_write(tess_page, "POST", f"/api/v1/channels/{general.id}/read", {"seq": 2})
    assert marked.get_json() == {"channel_id": general.id, "last_read_seq": 2, "last_seq": 3, "unread": 1}
    assert [r["unread"] for r in received(other_tab, "read")] == [1], "the other tab's badge follows"
    backwards = api_write(tess_page, "POST", f"/api/v1/channels/{general.id}/read", {"seq": 1})
    assert backwards.get_json()["last_read_seq"] == 2, "read marks never go backwards"
    assert "data-unread-for=\"%d\">1<" % general.id in tess_page.get("/chat").get_data(as_text=True)
    assert {c["id"]: c for c in make_client().get("/api/v1/channels", headers=_bearer(world.participant))
            .get_json()["items"]}[general.id]["unread"] == 0, "one's own messages are read"


def test_rate_limited_api_sends_say_when_to_retry(app, make_client, world):
    general = channel(app, world.team.space)
    app.config["CHAT_SEND_LIMIT"] = "2 per minute"
    api, headers = make_client(), _bearer(world.participant)
    for i in range(2):
        assert api.post(f"/api/v1/channels/{general.id}/messages", json={"body": "hi", "client_id": f"r{i}"},
                        headers=headers).status_code == 201
    refused = api.post(f"/api/v1/channels/{general.id}/messages", json={"body": "hi", "client_id": "r2"},
                       headers=headers)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert refused.get_json()["error"]["code"] == "rate_limited"


def test_replies_reactions_and_the_openapi_document(app, make_client, world):
    general = channel(app, world.team.space)
    pat = chat_socket(app, make_client(), world.participant)
    tess = chat_socket(app, make_client(), world.teammate)
    emit(tess, "join", {"channel_id": general.id, "after_seq": 0})
    question = send(pat, general.id, "Who has the run chart?")["message"]
    answer = emit(tess, "send", {"channel_id": general.id, "body": "I do", "client_id": "a1",
                                 "parent_id": question["id"]})
    assert answer["ok"] and answer["message"]["parent_id"] == question["id"]
    reacted = emit(tess, "react", {"message_id": question["id"], "kind": "thumbsup"})
    assert reacted["message"]["reactions"] == {"thumbsup": [world.teammate.id]}
    assert emit(tess, "react", {"message_id": question["id"], "kind": "thumbsup"})["message"]["reactions"] == {}
    assert emit(tess, "react", {"message_id": question["id"], "kind": "skull"})["error"]["code"] == "invalid"
    api = make_client()
    replies = api.get(f"/api/v1/messages/{question['id']}/replies", headers=_bearer(world.participant)).get_json()
    assert [m["body"] for m in replies["items"]] == ["I do"]
    mine = api.get(f"/api/v1/messages/{question['id']}", headers=_bearer(world.participant)).get_json()
    assert mine["reply_count"] == 1
    paths = api.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/channels", "/spaces/{space_id}/channels", "/channels/{channel_id}/messages", "/dms",
                 "/messages/{message_id}", "/channels/{channel_id}/read", "/messages/{message_id}/reactions"):
        assert path in paths
