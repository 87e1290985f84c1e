"""Security headers on every response; CSP nonces change per request; no inline handlers."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import factories
from tests.helpers import login

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("path", ["/login", "/", "/people", "/api/v1/me", "/api/v1/openapi.json", "/nope",
                                  "/static/css/hub.css"])
def test_headers_on_every_kind_of_response(client, path):
    login(client, factories.user())
    response = client.get(path)
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp and "base-uri 'none'" in csp
    assert re.search(r"script-src 'self' 'nonce-[\w-]{16,}'", csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_a_view_cannot_weaken_the_fixed_headers(app):
    """A response that arrives with its own framing or sniffing header leaves with ours, once."""
    from flask import Response
    with app.test_request_context("/"):
        sent = app.process_response(Response("x", headers={"X-Frame-Options": "ALLOWALL",
                                                           "x-content-type-options": "sniff"}))
    assert sent.headers.getlist("X-Frame-Options") == ["DENY"]
    assert sent.headers.getlist("X-Content-Type-Options") == ["nosniff"]
    assert sent.headers.getlist("Referrer-Policy") == ["same-origin"]


def test_nonce_is_fresh_per_request_and_used_by_every_script(client):
    first = client.get("/login")
    second = client.get("/login")
    nonce = re.search(r"'nonce-([^']+)'", first.headers["Content-Security-Policy"]).group(1)
    assert nonce != re.search(r"'nonce-([^']+)'", second.headers["Content-Security-Policy"]).group(1)
    page = first.get_data(as_text=True)
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)


def test_templates_have_no_inline_handlers_or_inline_scripts():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"\son[a-z]+\s*=", text), f"inline event handler in {path}"
        for tag in re.findall(r"<script[^>]*>", text):
            assert "src=" in tag, f"inline script in {path}"
        assert "style=" not in text, f"inline style in {path} (CSP forbids it)"


def test_api_responses_are_not_cached(client):
    assert client.get("/api/v1/openapi.json").headers["Cache-Control"] == "no-store"


def test_state_changes_without_csrf_are_refused(client):
    person = factories.user()
    login(client, person)
    for method, url in (("POST", "/settings/sessions/end-others"), ("POST", "/logout"),
                        ("POST", "/settings/tokens"), ("PATCH", "/api/v1/me"), ("POST", "/api/v1/me/tokens")):
        response = client.open(url, method=method, data={"label": "x"})
        assert response.status_code == 400, (method, url)
    assert client.get("/").status_code == 200, "still signed in: the logout without CSRF did nothing"


def test_pages_with_secrets_are_never_cached(client):
    login(client, factories.user())
    assert client.get("/settings/security").headers["Cache-Control"] == "no-store"
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    assert "private" in client.get("/people").headers["Cache-Control"]
