"""What every request pays before and after its view, done once where once gives the same answer.

A signed-in page view checks its session cookie's signature, signs a CSRF token for its forms and
asks the rate limiter about itself. For the most read pages that is a third of their cost, and
the answers only change when their inputs do:

- **Session cookies.** Checking a signature is a pure function of the cookie's bytes and the
  secret keys, so a cookie this process has checked is not checked again; its age is still
  compared with the session lifetime on every request, as Flask does.
- **CSRF tokens.** With no time limit on tokens (WTF_CSRF_TIME_LIMIT = None), any token signed
  for a session's raw token is as good as a fresh one, so one is signed per session and reused.
  A configured time limit turns this off: tokens are then signed per request again.
- **Rate limits.** Flask-Limiter checks each request for default, application, meta and
  blueprint limits. While none exists that check can find nothing, and is skipped; whether one
  exists is asked on every request. Limits on single views (sign-in, say) are checked by their
  decorators as before.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from hashlib import sha256

from flask import Flask, Request, current_app, g, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

REMEMBERED = 4096  # cookies and tokens per process: a few KB each way
_PLAIN = (str, int, float, bool, type(None))  # values nothing can change in place


class Remembered:
    """A small least-recently-used map, owned by one app (so it lives and dies with it)."""

    def __init__(self, size: int = REMEMBERED):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, default=None):
        with self._lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class CheckedOnceSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with each cookie's signature checked once per process."""

    def __init__(self):
        self._checked = Remembered()

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if not app.secret_key:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        # By digest: a cookie can be kilobytes, and what is remembered must stay small.
        key = ((*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key), sha256(cookie.encode()).digest())
        checked = self._checked.get(key)
        if checked is None:
            checked = self._check(app, cookie)
            if checked is not None:  # a refused cookie is not remembered: forgers vary the bytes anyway
                self._checked.put(key, checked)
        if checked is None:
            return self.session_class()
        data, signed_at = checked
        age = time.time() - signed_at
        if age < 0 or age > app.permanent_session_lifetime.total_seconds():
            return self.session_class()  # expired, as itsdangerous's max_age would say
        # Each request gets its own copy: a copy of the top level is a whole one when every value
        # is a plain one (a signed-in session's are); anything nested is decoded afresh.
        return self.session_class(data if isinstance(data, dict) else self.serializer.loads(data))

    def _check(self, app: Flask, cookie: str) -> tuple[dict | str, int] | None:
        """(the session's data, when it was signed), or None for a cookie whose signature does not
        hold under the app's keys (which are part of what is remembered). The data is kept as a
        dict of plain values, or else as serialized text."""
        signer = self.get_signing_serializer(app)
        try:
            data, signed_at = signer.loads(cookie, return_timestamp=True)
        except BadSignature:
            return None
        flat = isinstance(data, dict) and all(type(v) in _PLAIN for v in data.values())
        return (data if flat else self.serializer.dumps(data)), int(signed_at.timestamp())


class SignedCsrfTokens:
    """One signed CSRF token per session's raw token, for forms on every page it renders."""

    def __init__(self, app: Flask):
        self.field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        self._tokens = Remembered()  # raw token: (secret key, signed token)
        if app.config.get("WTF_CSRF_TIME_LIMIT", 3600) is None:
            app.before_request(self.reuse)
            app.after_request(self.remember)

    @staticmethod
    def _secret(app: Flask):
        return app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key

    def reuse(self) -> None:
        raw = session.get(self.field)
        known = self._tokens.get(raw) if raw else None
        if known is not None and known[0] == self._secret(current_app):
            setattr(g, self.field, known[1])  # what Flask-WTF's generate_csrf returns when present

    def remember(self, response):
        token = g.get(self.field)
        raw = session.get(self.field) if token is not None else None
        if raw and self._tokens.get(raw) is None:
            self._tokens.put(raw, (self._secret(current_app), token))
        return response


def limiter_has_request_wide_limits(limiter) -> bool:
    """Whether Flask-Limiter's per-request check could apply anything. Anything it cannot tell
    (its internals changed, say) counts as yes, so the check stays."""
    manager = getattr(limiter, "limit_manager", None)
    try:
        return bool(manager._default_limits or manager._application_limits or manager._blueprint_limits
                    or limiter._meta_limits or limiter._in_memory_fallback)
    except AttributeError:
        return True


def skip_idle_rate_limit_check(app: Flask, limiter) -> None:
    """Flask-Limiter's per-request check runs only while some request-wide limit exists (asked on
    every request, so a limit added later, or by another app sharing the limiter, still applies)."""
    hooks = app.before_request_funcs.get(None, [])
    check = type(limiter)._check_request_limit

    def check_when_limited() -> None:
        if limiter_has_request_wide_limits(limiter):
            limiter._check_request_limit()

    app.before_request_funcs[None] = [check_when_limited if getattr(f, "__func__", None) is check else f
                                      for f in hooks]


def init_app(app: Flask, limiter) -> None:
    app.session_interface = CheckedOnceSessionInterface()
    app.extensions["hub_csrf_tokens"] = SignedCsrfTokens(app)
    skip_idle_rate_limit_check(app, limiter)
