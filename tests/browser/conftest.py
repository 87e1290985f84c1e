"""A live hub served the way `make run` serves it, and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.helpers import wait_until_serving

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def _flask(env, *args, **kwargs):
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                          check=True, capture_output=True, text=True, **kwargs)


LIVE: dict = {}  # the live server's instance folder ("instance"), for tests that read its outbox


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("live-instance")
    LIVE["instance"] = instance
    port = free_port()
    env = dict(os.environ, HUB_INSTANCE_PATH=str(instance), HUB_BASE_URL=f"http://127.0.0.1:{port}",
               HUB_LOGIN_LIMIT_PER_ACCOUNT="100 per minute", HUB_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
               HUB_LOGIN_LIMIT_PER_IP="300 per minute")  # every browser signs in from 127.0.0.1
    for key in [k for k in env if k.startswith(("HUB_DATABASE", "HUB_REDIS", "HUB_SMTP"))]:
        env.pop(key)
    _flask(env, "db", "upgrade")
    _flask(env, "hub", "seed-demo")
    log = open(instance / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "hub", "serve", "--port", str(port)],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    if not wait_until_serving(base):
        server.kill()
        pytest.fail("the live server did not start:\n" + (instance / "server.log").read_text()[-3000:])
    yield base
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page, base: str, email: str, password: str = "equity-demo-2026") -> None:
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    # New people land on the overview, returning ones on Latest.
    page.wait_for_url(re.compile(re.escape(base) + r"/(latest)?$"))


def run_axe(page) -> list[dict]:
    # Served from the site itself: the strict CSP rightly refuses an injected inline script.
    origin = page.evaluate("location.origin")
    page.add_script_tag(url=origin + "/static/vendor/axe.min.js")
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return result
