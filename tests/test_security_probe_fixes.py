"""Issue 26: the breaks an outside probe reproduced, each shown failing before its fix.

An empty PATCH reads nothing; a revoked token's or signed-out browser's sockets are cut; one
address is one sign-in limit however its letters are written; signing out ends that session for
real (copied cookies included); editing a setting changes only that setting; a hidden library
item's 404 costs what a missing one's does; a password change or deactivation revokes tokens.
"""
from __future__ import annotations

import re

from sqlalchemy import select

from hub.auth.models import ApiToken
from hub.chat.models import ChatSocket
from hub.extensions import db
from hub.library import services as library
from hub.library.models import ResourceFile
from hub.spaces.models import Space
from tests.helpers import factories as f
from tests.helpers.chat import channel, chat_socket, emit, received, send
from tests.helpers import api_write, login, PASSWORD, post_form, statements, without_request_tokens
from tests.helpers.library import Upload
from tests.helpers import signed_in
from tests.helpers.library import make_resource


def _token(app, person, label="probe") -> tuple[int, str]:
    client = signed_in(app, person)
    made = api_write(client, "POST", "/api/v1/me/tokens", {"label": label})
    assert made.status_code == 201, made.text
    return made.get_json()["id"], made.get_json()["token"]


def _bearer(plain: str) -> dict:
    return {"Authorization": f"Bearer {plain}"}


# ---------------------------------------------------------------- 1. an empty body asks the policy

def test_an_empty_patch_of_a_secret_space_answers_as_a_missing_space_does(app, world):
    pat = signed_in(app, world.participant)
    hidden = api_write(pat, "PATCH", f"/api/v1/spaces/{world.secret.id}", {})
    missing = api_write(pat, "PATCH", "/api/v1/spaces/999999", {})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json()
    assert "Secret Circle" not in hidden.text
    # A member who may not manage it is refused too, and a facilitator's empty PATCH is a no-op.
    assert api_write(signed_in(app, world.member), "PATCH", f"/api/v1/spaces/{world.secret.id}", {}).status_code == 403
    fay = api_write(signed_in(app, world.facilitator), "PATCH", f"/api/v1/spaces/{world.secret.id}", {})
    assert fay.status_code == 200 and fay.get_json()["name"] == "Secret Circle"


# ---------------------------------------------------------------- 2. sockets end with their credential

def test_revoking_a_token_cuts_the_sockets_it_opened_and_no_others(app, world):
    general = channel(app, world.commons, "general")
    token_id, plain = _token(app, world.participant)
    by_token = chat_socket(app, app.test_client(), auth={"token": plain})
    by_cookie = chat_socket(app, app.test_client(), world.participant)
    for sock in (by_token, by_cookie):
        assert emit(sock, "join", {"channel_id": general.id, "after_seq": 0})["ok"]
    owner = signed_in(app, world.participant)
    assert api_write(owner, "DELETE", f"/api/v1/me/tokens/{token_id}").status_code in (200, 204)
    assert not by_token.is_connected("/chat"), "the revoked token's socket is cut at once"
    assert by_cookie.is_connected("/chat"), "a socket on another credential stays"
    speaker = chat_socket(app, app.test_client(), world.facilitator)
    assert send(speaker, general.id, "after the revocation")["ok"]
    assert any(m["body"] == "after the revocation" for m in received(by_cookie))
    assert db.session.scalar(select(ChatSocket).where(ChatSocket.credential == f"token:{token_id}")) is None


def test_a_token_socket_on_the_root_namespace_is_cut_too(app, world):
    from hub.extensions import socketio
    import contextvars
    token_id, plain = _token(app, world.participant)
    sock = contextvars.Context().run(socketio.test_client, app, flask_test_client=app.test_client(),
                                     auth={"token": plain})
    assert sock.is_connected()
    api_write(signed_in(app, world.participant), "DELETE", f"/api/v1/me/tokens/{token_id}")
    assert not sock.is_connected()


def test_signing_out_cuts_that_browsers_sockets_and_keeps_the_other_browsers(app, world):
    general = channel(app, world.commons, "general")
    laptop, phone = app.test_client(), app.test_client()
    on_laptop = chat_socket(app, laptop, world.participant)
    on_phone = chat_socket(app, phone, world.participant)
    for sock in (on_laptop, on_phone):
        assert emit(sock, "join", {"channel_id": general.id, "after_seq": 0})["ok"]
    assert post_form(laptop, "/logout", token_from="/").status_code == 302
    assert not on_laptop.is_connected("/chat")
    assert on_phone.is_connected("/chat")
    assert phone.get("/api/v1/me").status_code == 200


# ---------------------------------------------------------------- 3. one address, one limit

def test_the_per_account_limit_holds_when_the_domain_is_written_in_full_width(app, world):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per minute"
    email = world.participant.email
    local, _, domain = email.partition("@")
    full_width = local + "@" + "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in domain)
    assert full_width != email
    client = app.test_client()
    for _ in range(3):
        assert post_form(client, "/login", {"email": email, "password": "wrong"}).status_code == 422
    refused = post_form(client, "/login", {"email": full_width, "password": "wrong"})
    assert refused.status_code == 429, "a look-alike spelling is the same account"
    assert full_width in refused.get_data(as_text=True) or email in refused.get_data(as_text=True)


def test_a_full_width_address_signs_in_to_the_same_account_and_is_invited_once(app, world):
    email = world.participant.email
    local, _, domain = email.partition("@")
    full_width = local.upper() + "@" + "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in domain)
    client = app.test_client()
    assert post_form(client, "/login", {"email": full_width, "password": PASSWORD}).status_code == 302
    assert client.get("/api/v1/me").get_json()["id"] == world.participant.id
    invited = api_write(signed_in(app, world.admin), "POST", "/api/v1/invitations", {"email": full_width})
    assert invited.status_code == 422 and "already has an account" in invited.text


# ---------------------------------------------------------------- 4. signing out is for real

def test_a_copied_session_cookie_stops_working_when_its_browser_signs_out(app, world):
    with app.test_request_context():
        thread = f.thread(world.participant, world.commons)
    browser = app.test_client()
    login(browser, world.participant)
    thief = app.test_client()
    thief.set_cookie("hub_session", browser.get_cookie("hub_session").value)
    assert thief.get("/api/v1/me").status_code == 200, "the copy works while the session lives"
    assert thief.get(f"/threads/{thread.id}").status_code == 200
    post_form(browser, "/logout", token_from="/")
    assert thief.get("/api/v1/me").status_code == 401
    assert thief.get(f"/threads/{thread.id}").status_code == 302, \
        "the thread page's own sign-in check refuses it too"


def test_a_copied_remember_cookie_stops_working_when_its_browser_signs_out(app, world):
    browser = app.test_client()
    login(browser, world.participant, remember=True)
    remembered = browser.get_cookie("hub_remember").value
    thief = app.test_client()
    thief.set_cookie("hub_remember", remembered)
    assert thief.get("/api/v1/me").status_code == 200
    later = app.test_client()
    later.set_cookie("hub_remember", remembered)
    other = app.test_client()
    login(other, world.participant)
    post_form(browser, "/logout", token_from="/")
    assert later.get("/api/v1/me").status_code == 401
    assert other.get("/api/v1/me").status_code == 200, "the person's other browsers stay signed in"


def test_ending_the_other_sessions_keeps_this_one_and_ends_the_rest(app, world):
    here, there = app.test_client(), app.test_client()
    login(here, world.participant)
    login(there, world.participant)
    assert post_form(here, "/settings/sessions/end-others", token_from="/").status_code == 302
    assert here.get("/api/v1/me").status_code == 200
    assert there.get("/api/v1/me").status_code == 401


# ---------------------------------------------------------------- 5. a PATCH changes what it names

def test_renaming_a_team_or_cohort_space_leaves_its_join_policy_alone(app, world):
    team_space, cohort_space = world.team.space, world.cohort.space
    before = {s.id: (s.join_policy, s.visibility) for s in (team_space, cohort_space)}
    fay = signed_in(app, world.facilitator)
    renamed = api_write(fay, "PATCH", f"/api/v1/spaces/{team_space.id}", {"name": "Clinic Team, renamed"})
    assert renamed.status_code == 200, renamed.text
    page = post_form(fay, f"/spaces/{cohort_space.slug}/settings", {"name": "Network, renamed", "purpose": "Ours"},
                     token_from=f"/spaces/{cohort_space.slug}/settings")
    assert page.status_code == 302
    db.session.expire_all()
    for space in (db.session.get(Space, team_space.id), db.session.get(Space, cohort_space.id)):
        assert (space.join_policy, space.visibility) == before[space.id], space.name
    assert db.session.get(Space, team_space.id).name == "Clinic Team, renamed"


def test_a_cohort_spaces_settings_page_offers_no_affinity_only_choices(app, world):
    fay = signed_in(app, world.facilitator)
    page = fay.get(f"/spaces/{world.cohort.space.slug}/settings").get_data(as_text=True)
    assert 'name="visibility"' not in page and 'name="history_policy"' not in page
    affinity = fay.get(f"/spaces/{world.secret.slug}/settings").get_data(as_text=True)
    assert 'name="visibility"' in affinity


def test_making_an_affinity_space_listed_opens_it_to_requests_and_secret_closes_it(app, world):
    fay = signed_in(app, world.facilitator)
    assert api_write(fay, "PATCH", f"/api/v1/spaces/{world.secret.id}", {"visibility": "listed"}).status_code == 200
    db.session.expire_all()
    assert db.session.get(Space, world.secret.id).join_policy == "request"
    api_write(fay, "PATCH", f"/api/v1/spaces/{world.secret.id}", {"purpose": "Only the purpose"})
    db.session.expire_all()
    assert db.session.get(Space, world.secret.id).join_policy == "request"


# ---------------------------------------------------------------- 6. equal-cost library 404s

def _statements(client, url) -> list[str]:
    return statements(client, url, expect=404)

def test_a_hidden_library_resource_or_file_costs_what_a_missing_one_costs(app, world):
    with app.test_request_context():
        resource = make_resource(world.member, world.secret, "Circle tool")
        library.add_file(world.member, resource, Upload(b"circle words\n", "a.txt"))
    stored = db.session.scalar(select(ResourceFile).where(ResourceFile.resource_id == resource.id))
    pat = signed_in(app, world.participant)
    pat.get("/api/v1/me")  # warm up
    for hidden, missing in ((f"/resources/{resource.id}", "/resources/999999"),
                            (f"/api/v1/resources/{resource.id}", "/api/v1/resources/999999"),
                            (f"/library/files/{stored.id}", "/library/files/999999"),
                            (f"/api/v1/files/{stored.id}", "/api/v1/files/999999"),
                            (f"/resources/{resource.id}/history", "/resources/999999/history")):
        a, b = _statements(pat, hidden), _statements(pat, missing)
        assert a == b, hidden
        assert without_request_tokens(pat.get(hidden)) == without_request_tokens(pat.get(missing)), hidden


# ---------------------------------------------------------------- 7. tokens end with the account's trust

def test_a_deactivated_persons_tokens_stay_revoked_when_they_come_back(app, world):
    _token_id, plain = _token(app, world.participant)
    assert app.test_client().get("/api/v1/me", headers=_bearer(plain)).status_code == 200
    ada = signed_in(app, world.admin)
    off = api_write(ada, "PATCH", f"/api/v1/people/{world.participant.id}", {"active": False})
    assert off.status_code == 200 and off.get_json()["tokens_revoked"] == 1
    back = api_write(ada, "PATCH", f"/api/v1/people/{world.participant.id}", {"active": True})
    assert back.status_code == 200 and back.get_json()["tokens_revoked"] == 0
    assert app.test_client().get("/api/v1/me", headers=_bearer(plain)).status_code == 401


def test_the_deactivation_page_says_the_tokens_are_revoked(app, world):
    _token(app, world.participant)
    _token(app, world.participant, "second")
    ada = signed_in(app, world.admin)
    done = post_form(ada, f"/people/{world.participant.id}/active", {"active": "0"}, token_from="/",
                     follow_redirects=True)
    assert "their 2 API tokens are revoked" in done.get_data(as_text=True)


def test_a_password_change_revokes_every_token_and_says_so(app, world):
    _token_id, plain = _token(app, world.participant)
    pat = signed_in(app, world.participant)
    changed = post_form(pat, "/settings/password", {"current": PASSWORD, "password": "a much newer secret",
                                                    "confirm": "a much newer secret"},
                        token_from="/settings/security", follow_redirects=True)
    assert "Your 1 API token is revoked" in changed.get_data(as_text=True)
    assert app.test_client().get("/api/v1/me", headers=_bearer(plain)).status_code == 401
    assert db.session.scalar(select(ApiToken).where(ApiToken.revoked_at.is_(None))) is None
    assert pat.get("/api/v1/me").status_code == 200, "the browser that changed it stays signed in"


def test_a_password_changed_through_the_api_with_a_token_revokes_that_token_and_says_so(app, world):
    _token_id, plain = _token(app, world.participant)
    answer = app.test_client().post("/api/v1/me/password", headers=_bearer(plain),
                                    json={"current": PASSWORD, "password": "another long secret"})
    assert answer.status_code == 200 and answer.get_json() == {"ok": True, "tokens_revoked": 1}
    assert app.test_client().get("/api/v1/me", headers=_bearer(plain)).status_code == 401


# ---------------------------------------------------------------- issue 17, item 12: limits count failures

def test_a_kickoff_behind_one_address_signs_everyone_in(app, world):
    """Sign-in limits count failures, not successes: many people (and one person many times)
    signing in from one hospital's address are never refused."""
    app.config.update(LOGIN_LIMIT_PER_IP="3 per minute", LOGIN_LIMIT_PER_ACCOUNT="2 per minute")
    people = [f.user(f"Kickoff {i}") for i in range(8)]
    for person in people:
        assert post_form(app.test_client(), "/login", {"email": person.email, "password": PASSWORD}).status_code == 302
    for _ in range(4):
        assert post_form(app.test_client(), "/login", {"email": people[0].email,
                                                       "password": PASSWORD}).status_code == 302


def test_a_refused_sign_in_says_how_long_to_wait_and_keeps_the_email(app, world):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "2 per minute"
    client = app.test_client()
    for _ in range(2):
        assert post_form(client, "/login", {"email": world.participant.email, "password": "nope"}).status_code == 422
    refused = post_form(client, "/login", {"email": world.participant.email, "password": PASSWORD})
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    wait = re.search(r"Please wait (\d+) seconds? and try again", page)
    assert wait and 1 <= int(wait.group(1)) <= 61, page[:2000]
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    assert world.participant.email in page, "what was typed is kept"


# ---------------------------------------------------------------- issue 25 (part): no credentials, 401 first

def test_an_api_write_with_no_credentials_is_a_401_with_a_bearer_challenge_before_csrf(app, world):
    client = app.test_client()
    for method, url in (("DELETE", "/api/v1/me/tokens/1"), ("POST", "/api/v1/me/sessions/end-others"),
                        ("PATCH", f"/api/v1/spaces/{world.commons.id}")):
        answer = client.open(url, method=method, json={})
        assert answer.status_code == 401, (method, url, answer.status_code)
        assert answer.headers["WWW-Authenticate"].startswith("Bearer"), url
        assert answer.get_json()["error"]["code"] == "unauthorized"
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer hub_not-a-real-token"})
    assert bad.status_code == 401 and 'error="invalid_token"' in bad.headers["WWW-Authenticate"]
    # A signed-in browser without its CSRF token is still refused for that.
    pat = signed_in(app, world.participant)
    assert pat.post("/api/v1/me/sessions/end-others", json={}).get_json()["error"]["code"] == "csrf_failed"
