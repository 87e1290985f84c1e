"""For tests against real servers: the scale-out cluster (PostgreSQL, Redis, two gunicorn
servers of two workers each, seeded), a requests session signed in through the sign-in form, and
the CSRF token a page carries. The fixtures are module-scoped: a test module imports them."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.conftest import free_port, services_required
from tests.helpers import wait_until_serving


def signed_in_session(base: str, email: str, password: str = "equity-demo-2026") -> requests.Session:
    s = requests.Session()
    token = re.search(r'name="csrf-token" content="([^"]+)"', s.get(base + "/login").text).group(1)
    response = s.post(base + "/login", data={"csrf_token": token, "email": email, "password": password},
                      allow_redirects=False)
    assert response.status_code == 302, response.text[:500]
    return s


def page_csrf(s: requests.Session, base: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', s.get(base + "/").text).group(1)


ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("HUB_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("HUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def services():
    missing = [u for u in (PG_URL, REDIS_URL) if not _reachable(u)]
    if missing:
        message = f"PostgreSQL/Redis not reachable at {missing}"
        if services_required():
            pytest.fail(message + " (required when CI=true)")
        pytest.skip(message + "; set CI=true to make this a failure")
    import psycopg
    name = "hub_scaleout_" + uuid.uuid4().hex[:8]
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    database_url = PG_URL.rsplit("/", 1)[0] + "/" + name
    yield database_url
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


cluster_env: dict[str, str] = {}  # what the servers were started with, for CLI checks against them


@pytest.fixture(scope="module")
def cluster(services, tmp_path_factory):
    instance = tmp_path_factory.mktemp("scaleout")
    # This run's own keys and channel in the shared Redis database: nothing else is touched.
    prefix = "scaleout-" + uuid.uuid4().hex[:8]
    env = dict(os.environ, HUB_DATABASE_URL=services, HUB_REDIS_URL=REDIS_URL, HUB_REDIS_PREFIX=prefix,
               HUB_INSTANCE_PATH=str(instance), HUB_SECRET_KEY="s" * 48,
               HUB_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000", HUB_LOGIN_LIMIT_PER_ACCOUNT="5 per minute")
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["hub", "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    servers, bases = [], []
    for i in range(2):
        port = free_port()
        log = open(instance / f"gunicorn-{i}.log", "w")
        servers.append((subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-k", "gevent", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT, env=dict(env, HUB_BASE_URL=f"http://127.0.0.1:{port}"), stdout=log, stderr=subprocess.STDOUT), log))
        bases.append(f"http://127.0.0.1:{port}")
    cluster_env.update(database=services, instance=str(instance), redis_prefix=prefix)
    for i, base in enumerate(bases):
        if not wait_until_serving(base):
            pytest.fail("gunicorn did not start: " + (instance / f"gunicorn-{i}.log").read_text()[-3000:])
    yield bases
    for process, log in servers:
        process.terminate()
        process.wait(timeout=15)
        log.close()
    store = redis_client()
    for key in list(store.scan_iter(f"*{prefix}*")):
        store.delete(key)


def redis_client():
    import redis
    return redis.Redis.from_url(REDIS_URL)
