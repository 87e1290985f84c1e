"""Helpers for driving the app like a browser does: CSRF tokens, sign-in, form posts."""
from __future__ import annotations

import re
import time

from tests.helpers.factories import PASSWORD

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = CSRF_META.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client, url: str, data: dict | None = None, token_from: str = "/login", **kwargs):
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client, token_from))
    return client.post(url, data=data, **kwargs)


def login(client, person_or_email, password: str = PASSWORD, remember: bool = False):
    email = getattr(person_or_email, "email", person_or_email)
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "1"
    response = post_form(client, "/login", data)
    assert response.status_code == 302, f"login as {email} failed: {response.status_code}"
    return response


def without_request_tokens(response) -> str:
    """A page minus what changes on every request (CSP nonce, time-stamped CSRF token), so
    two answers can be compared for what they say about the thing asked for."""
    text = response.get_data(as_text=True)
    text = re.sub(r'nonce="[^"]+"', 'nonce=""', text)
    text = re.sub(r'name="csrf-token" content="[^"]+"', 'name="csrf-token" content=""', text)
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', text)


def wait_until_serving(base: str, seconds: float = 30) -> bool:
    """Poll /healthz until a server started by a test answers."""
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/healthz", timeout=1).ok:
                return True
        except requests.RequestException:
            time.sleep(0.2)
    return False


def api_write(client, method: str, url: str, json=None, token_from: str = "/"):
    """A browser-session API write: needs the X-CSRFToken header like the site's own JS sends."""
    return client.open(url, method=method, json=json, headers={"X-CSRFToken": csrf_token(client, token_from)})


def signed_in(app, person):
    """A client of `app` signed in as `person`."""
    client = app.test_client()
    login(client, person)
    return client


def opening_post(thread):
    """A thread's first post."""
    from hub.extensions import db
    from hub.forums.models import Post
    return db.session.scalar(db.select(Post).where(Post.thread_id == thread.id, Post.number == 1))


def statements(client, url: str, expect: int | None = None) -> list[str]:
    """The SQL a GET of `url` sends (whitespace folded), to compare what two answers cost."""
    from sqlalchemy import event

    from hub.extensions import db
    seen: list[str] = []

    def keep(_conn, _cursor, statement, *_args):
        seen.append(re.sub(r"\s+", " ", statement))
    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        answer = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert expect is None or answer.status_code == expect, url
    return seen
