"""Security headers with per-request CSP nonces, CSRF on every state change, bearer tokens.

CSRF is checked here (not by Flask-WTF's default hook) so that an API call authenticated by a
personal access token, which a browser can never attach cross-site, is exempt, while the same
API used with the browser session needs the X-CSRFToken header.
"""
from __future__ import annotations

import secrets

from flask import Flask, g, request

from hub.extensions import csrf, login_manager

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


_CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'nonce-{nonce}'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# The same on every response, whatever a view set.
FIXED_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)
_FIXED_NAMES = frozenset(name.lower() for name, _value in FIXED_HEADERS)


def content_security_policy(nonce: str) -> str:
    return _CSP.format(nonce=nonce)


def current_user_is_signed_in() -> bool:
    from flask_login import current_user
    return bool(getattr(current_user, "is_authenticated", False))


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


# Who a bearer token belongs to (None: no live token), told by hub.auth.tokens when it is
# imported, so this cross-cutting module imports no domain. Until then no token signs anyone in.
_TOKEN_OWNER = {"of": lambda _token: None}


def register_token_owner(owner_of) -> None:
    _TOKEN_OWNER["of"] = owner_of


def register(app: Flask) -> None:
    from hub.errors import error_response

    @app.before_request
    def authenticate_and_protect():
        token = bearer_token()
        if token is not None:
            if not request.path.startswith("/api/"):
                return error_response(401, code="token_not_accepted_here")
            user = _TOKEN_OWNER["of"](token)
            if user is None:
                return error_response(401, code="invalid_token")
            # The token decides who this is, whatever session cookie came along.
            login_manager._update_request_context_with_user(user)
            g.via_token = True
            return None
        if request.method not in SAFE_METHODS:
            if request.path.startswith("/api/") and not current_user_is_signed_in():
                # No credentials at all: say so (401, Bearer) before asking about a CSRF token.
                return error_response(401)
            csrf.protect()
        return None

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
        if _FIXED_NAMES.isdisjoint(name.lower() for name in headers.keys()):
            headers.extend(FIXED_HEADERS)  # (the usual case: one pass, not one search per header)
        else:
            for name, value in FIXED_HEADERS:
                headers[name] = value
        if app.config["BASE_URL"].startswith("https://"):
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.path.startswith("/api/") or g.get("no_store"):
            headers["Cache-Control"] = "no-store"
        elif current_user_is_signed_in():
            # Personal pages must not be kept by shared caches.
            headers.setdefault("Cache-Control", "private, no-cache")
        return response

    app.jinja_env.globals["csp_nonce"] = csp_nonce
