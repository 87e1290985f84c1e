"""Work every request does once per value (hub.fastpath.every_request): the answers stay those of the
libraries it saves asking — a forged, expired or re-keyed cookie is still refused, a reused CSRF
token still only works for its own session, and a configured rate limit still applies."""
from __future__ import annotations

import time
from unittest import mock

from hub.fastpath.every_request import limiter_has_request_wide_limits
from hub.extensions import limiter
from tests.helpers import factories
from tests.helpers import csrf_token, login, post_form


PAGE = "/settings/security"  # any page that needs a signed-in person


def _session_cookie(client) -> str:
    return client.get_cookie("hub_session").value


def _signed_in_and_a_copy(make_client):
    """A signed-in client whose session has been checked once, and a second client presenting
    the very same cookie."""
    client = make_client()
    login(client, factories.user())
    assert client.get(PAGE).status_code == 200
    copy = make_client()
    copy.set_cookie("hub_session", _session_cookie(client))
    return client, copy


def test_a_checked_cookie_still_signs_in_and_a_forged_one_does_not(app, make_client):
    first, copied = _signed_in_and_a_copy(make_client)
    assert first.get(PAGE).status_code == 200, "the second time, from what the process remembers"
    assert copied.get(PAGE).status_code == 200, "the same bytes are the same session"
    cookie = _session_cookie(first)
    forged = make_client()
    forged.set_cookie("hub_session", cookie[:-3] + ("AAA" if not cookie.endswith("AAA") else "BBB"))
    assert forged.get(PAGE).status_code == 302, "a changed signature is refused, remembered or not"


def test_a_remembered_cookie_still_expires(app, make_client):
    client, late = _signed_in_and_a_copy(make_client)
    later = time.time() + app.permanent_session_lifetime.total_seconds() + 60
    with mock.patch("hub.fastpath.every_request.time.time", return_value=later):
        assert late.get(PAGE).status_code == 302, "past the session lifetime: signed out"
    assert client.get(PAGE).status_code == 200, "and within it, signed in"


def test_a_new_secret_key_refuses_cookies_checked_under_the_old_one(app, make_client):
    client, rekeyed = _signed_in_and_a_copy(make_client)
    old = app.secret_key
    app.secret_key = "another-secret-" + "y" * 40
    try:
        assert rekeyed.get(PAGE).status_code == 302
    finally:
        app.secret_key = old
    assert client.get(PAGE).status_code == 200, "under the old key again: signed in"


def test_a_fallback_key_holds_while_it_is_listed_and_not_after(app, make_client):
    client, copy = _signed_in_and_a_copy(make_client)
    old = app.secret_key
    app.secret_key, app.config["SECRET_KEY_FALLBACKS"] = "rotated-secret-" + "z" * 40, [old]
    try:
        assert copy.get(PAGE).status_code == 200, "signed under the old key, still listed"
        app.config["SECRET_KEY_FALLBACKS"] = []
        assert copy.get(PAGE).status_code == 302, "the old key retired: the same remembered cookie is refused"
    finally:
        app.secret_key, app.config["SECRET_KEY_FALLBACKS"] = old, []
    assert client.get(PAGE).status_code == 200


def test_each_request_gets_its_own_session_data(app, make_client):
    client, _copy = _signed_in_and_a_copy(make_client)
    headers = {"Cookie": f"hub_session={_session_cookie(client)}"}
    with app.test_request_context(PAGE, headers=headers) as one:
        first = app.session_interface.open_session(app, one.request)
        first["_user_id"], first["planted"] = "999:1", True
    with app.test_request_context(PAGE, headers=headers) as two:
        second = app.session_interface.open_session(app, two.request)
    assert "planted" not in second and second["_user_id"] != "999:1", "what one request changes stays its own"


def test_nested_session_data_is_each_requests_own_too(app, make_client):
    """A flash waiting in the cookie (a list) is shown by the request that pops it, and a request
    presenting the same cookie again still finds it: nothing nested is shared between requests."""
    client = make_client()
    login(client, factories.user())
    with client.session_transaction() as stored:
        stored["_flashes"] = [("info", "Saved.")]
    headers = {"Cookie": f"hub_session={_session_cookie(client)}"}
    for _ in range(2):
        with app.test_request_context(PAGE, headers=headers) as ctx:
            opened = app.session_interface.open_session(app, ctx.request)
            assert opened["_flashes"] == [("info", "Saved.")]
            opened["_flashes"].pop()


def test_one_csrf_token_per_session_works_and_only_for_that_session(app, make_client):
    mine, theirs = make_client(), make_client()
    login(mine, factories.user())
    login(theirs, factories.user())
    token = csrf_token(mine, PAGE)
    time.sleep(1.1)  # Flask-WTF alone would sign a new one now: its tokens carry the second
    assert csrf_token(mine, PAGE) == token, "signed once, reused on every page of the session"
    assert csrf_token(theirs, PAGE) != token
    refused = theirs.post("/logout", data={"csrf_token": token})
    assert refused.status_code == 400, "another session's token is refused"
    assert theirs.get(PAGE).status_code == 200
    accepted = mine.post("/logout", data={"csrf_token": token})
    assert accepted.status_code in (302, 303)
    assert mine.get(PAGE).status_code == 302


def test_signing_in_and_out_starts_a_new_csrf_token(app, make_client):
    person = factories.user()
    client = make_client()
    before = csrf_token(client, "/login")
    login(client, person)
    after_login = csrf_token(client, PAGE)
    assert after_login != before, "a token from before signing in is worth nothing after"
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
    assert client.post("/logout", data={"csrf_token": after_login}).status_code in (302, 303)
    assert csrf_token(client, "/login") != after_login, "nor one from before signing out"


def test_csrf_tokens_are_signed_per_request_when_they_have_a_time_limit(tmp_path):
    from tests.conftest import make_app
    app = make_app(tmp_path, WTF_CSRF_TIME_LIMIT=3600)
    assert "hub_csrf_tokens" in app.extensions
    hooks = [getattr(f, "__func__", f).__qualname__ for f in app.before_request_funcs[None]]
    assert "SignedCsrfTokens.reuse" not in hooks


def test_the_limiters_per_request_check_is_skipped_only_while_it_has_nothing_to_do(app, tmp_path):
    assert not limiter_has_request_wide_limits(limiter)
    assert limiter._check_request_limit not in app.before_request_funcs[None]
    from config import TestConfig
    from tests.conftest import make_app
    assert TestConfig(str(tmp_path / "i"), environ={"HUB_RATELIMIT_DEFAULT": "2 per minute"}).RATELIMIT_DEFAULT \
        == "2 per minute", "an operator sets it with HUB_RATELIMIT_DEFAULT"
    try:
        configured = make_app(tmp_path / "configured", RATELIMIT_DEFAULT="2 per minute")
        with configured.app_context():
            client = configured.test_client()
            assert [client.get("/healthz").status_code for _ in range(3)] == [200, 200, 429]
        # The limiter is one object (with one count per address): the app made before the limit
        # existed applies it too.
        with app.app_context():
            assert app.test_client().get("/healthz").status_code == 429
    finally:
        limiter.limit_manager.set_default_limits([])
    with app.app_context():
        assert app.test_client().get("/healthz").status_code == 200, "and stops when it is gone"
