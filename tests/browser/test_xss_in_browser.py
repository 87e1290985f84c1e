"""The XSS corpus through a real profile bio, loaded in Chromium: nothing may run."""
from __future__ import annotations

import pytest
import requests

from tests.browser.conftest import sign_in
from tests.helpers.xss import payloads

pytestmark = pytest.mark.browser

TRAP = """
window.__ran = [];
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = (...args) => { window.__ran.push(name + ':' + args.join(',')); };
}
"""
BIO_LIMIT = 5000


def _chunks(items, limit):
    chunk = ""
    for item in items:
        piece = item["payload"] + "\n\n"
        if len(piece) > limit:
            continue
        if len(chunk) + len(piece) > limit:
            yield chunk
            chunk = ""
        chunk += piece
    if chunk:
        yield chunk


def test_corpus_in_a_profile_bio_runs_nothing(page, live_server):
    corpus = payloads()
    sign_in(page, live_server, "kevin.tran@demo.hub")
    page.goto(live_server + "/settings/security")
    page.get_by_label("Label for a new token").fill("xss sweep")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token-value").input_value()
    me = requests.get(live_server + "/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()

    dialogs, violations = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.add_init_script(TRAP)
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    loaded = 0
    for bio in _chunks(corpus, BIO_LIMIT):
        saved = requests.patch(live_server + "/api/v1/me", json={"bio": bio},
                               headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert saved.status_code == 200, saved.text
        page.goto(f"{live_server}/people/{me['id']}")
        page.wait_for_timeout(30)  # let any timers or autofocus handlers fire
        ran = page.evaluate("window.__ran")
        assert ran == [] and dialogs == [], (ran, dialogs, bio[:300])
        loaded += 1
    assert loaded > 100, "the whole corpus went through"
