"""Signing in and out, remember-me, session versions, rate limits, CSRF, deactivation."""
from __future__ import annotations

from http.cookies import SimpleCookie

from hub.extensions import db
from tests.helpers import factories
from tests.helpers.factories import PASSWORD
from tests.helpers import csrf_token, login, post_form


def test_login_lands_home_and_logout_ends_session(client, app):
    person = factories.user("Lee Login")
    response = login(client, person)
    assert response.headers["Location"] == "/?landing=1"
    assert "Welcome, Lee Login" in client.get("/").get_data(as_text=True)
    post_form(client, "/logout", token_from="/")
    assert client.get("/").status_code == 302


def test_wrong_password_keeps_email_and_says_what_failed(client):
    person = factories.user()
    response = post_form(client, "/login", {"email": person.email, "password": "nope-nope-nope"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "do not match an active account" in page
    assert f'value="{person.email}"' in page
    assert 'aria-invalid="true"' in page


def test_login_requires_csrf(client):
    person = factories.user()
    response = client.post("/login", data={"email": person.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "reload the page" in response.get_data(as_text=True)


def test_open_redirect_is_refused(client):
    person = factories.user()
    response = post_form(client, "/login?next=//evil.example/x", {"email": person.email, "password": PASSWORD})
    assert response.headers["Location"] == "/?landing=1"


def test_remember_cookie_flags_and_survives_session_loss(client, app):
    person = factories.user()
    response = login(client, person, remember=True)
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("hub_remember=")]
    assert cookies, "remember-me must set its cookie"
    flags = cookies[0].lower()
    assert "httponly" in flags and "samesite=lax" in flags
    # The session cookie is dropped (browser restart); the remember cookie signs in again.
    client.delete_cookie("hub_session")
    assert client.get("/").status_code == 200


def test_remember_and_session_cookies_are_secure_on_https(tmp_path):
    from tests.conftest import make_app
    app = make_app(tmp_path, BASE_URL="https://hub.example.org", SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    with app.app_context():
        person = factories.user()
        client = app.test_client()
        response = login(client, person, remember=True)
        for header in response.headers.getlist("Set-Cookie"):
            assert "secure" in header.lower(), header


def test_logout_everywhere_ends_other_sessions_and_remember_cookies(app, make_client):
    person = factories.user()
    laptop, phone = make_client(), make_client()
    login(laptop, person)
    login(phone, person, remember=True)
    response = post_form(laptop, "/settings/sessions/end-others", token_from="/")
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200, "the session that asked stays signed in"
    assert phone.get("/").status_code == 302
    phone.delete_cookie("hub_session")
    assert phone.get("/").status_code == 302, "the old remember-me cookie no longer works"


def test_password_change_ends_other_sessions(app, make_client):
    person = factories.user()
    here, there = make_client(), make_client()
    login(here, person)
    login(there, person)
    response = post_form(here, "/settings/password",
                         {"current": PASSWORD, "password": "a brand new secret", "confirm": "a brand new secret"},
                         token_from="/")
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert there.get("/").status_code == 302
    fresh = make_client()
    login(fresh, person.email, "a brand new secret")


def test_password_change_errors_are_per_field(client):
    person = factories.user()
    login(client, person)
    response = post_form(client, "/settings/password", {"current": "wrong", "password": "short", "confirm": "short"},
                         token_from="/")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "current password is not right" in page and "at least 10 characters" in page


def test_deactivation_signs_out_everywhere_and_blocks_login(app, make_client):
    admin, person = factories.user(role="admin"), factories.user()
    admin_client, person_client = make_client(), make_client()
    login(admin_client, admin)
    login(person_client, person)
    response = post_form(admin_client, f"/people/{person.id}/active", {"active": "0"}, token_from="/")
    assert response.status_code == 302
    assert person_client.get("/").status_code == 302
    again = post_form(make_client(), "/login", {"email": person.email, "password": PASSWORD})
    assert again.status_code == 422


def test_only_admins_deactivate(app, client):
    facilitator, person = factories.user(role="facilitator"), factories.user()
    login(client, facilitator)
    response = post_form(client, f"/people/{person.id}/active", {"active": "0"}, token_from="/")
    assert response.status_code == 403
    db.session.refresh(person)
    assert person.active


def test_login_rate_limit_per_account(app, make_client):
    person = factories.user()
    statuses = []
    for _ in range(7):
        # Fresh clients, as if from several machines: the account limit still holds.
        client = make_client()
        statuses.append(post_form(client, "/login", {"email": person.email, "password": "wrong-password"}).status_code)
    assert statuses[:5] == [422] * 5
    assert statuses[5] == 429
    client = make_client()
    blocked = post_form(client, "/login", {"email": person.email, "password": PASSWORD})
    assert blocked.status_code == 429, "even the right password waits once the account is limited"
    assert person.email in blocked.get_data(as_text=True), "the refused form keeps the email"


def test_login_rate_limit_per_ip(tmp_path):
    from tests.conftest import make_app
    app = make_app(tmp_path, LOGIN_LIMIT_PER_IP="3 per minute")
    with app.app_context():
        client = app.test_client()
        statuses = [post_form(client, "/login", {"email": f"n{i}@example.org", "password": "x" * 12}).status_code
                    for i in range(4)]
        assert statuses == [422, 422, 422, 429]


def test_session_cookie_is_httponly(client):
    response = client.get("/login")
    cookie = SimpleCookie()
    for header in response.headers.getlist("Set-Cookie"):
        cookie.load(header)
        assert "httponly" in header.lower()
    assert csrf_token(client)
