"""For tests against real servers: the scale-out cluster (PostgreSQL, Redis, two gunicorn
servers of two workers each, seeded), a requests session signed in through the sign-in form, and
the CSRF token a page carries. The fixtures are module-scoped: a test module imports them."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import uuid
from contextlib import contextmanager
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


def require_reachable(*urls: str) -> None:
    """Skip (outside CI) or fail (CI=true) when a service a test needs does not answer."""
    missing = [u for u in urls if not _reachable(u)]
    if missing:
        message = f"PostgreSQL/Redis not reachable at {missing}"
        if services_required():
            pytest.fail(message + " (required when CI=true)")
        pytest.skip(message + "; set CI=true to make this a failure")


@contextmanager
def own_database(label: str = "scaleout"):
    """A PostgreSQL database of the caller's own (its URL), dropped afterwards."""
    import psycopg
    name = f"hub_{label}_" + uuid.uuid4().hex[:8]
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def services():
    require_reachable(PG_URL, REDIS_URL)
    with own_database() as database_url:
        yield database_url


FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]


class Cluster:
    """Gunicorn servers (gevent workers) on one database and one Redis, seeded once."""

    def __init__(self, database_url: str, redis_url: str, instance: Path, prefix: str, servers: int = 2,
                 workers: int = 2, extra_env: dict | None = None):
        self.instance, self.prefix = instance, prefix
        self.env = dict(os.environ, HUB_DATABASE_URL=database_url, HUB_REDIS_URL=redis_url, HUB_REDIS_PREFIX=prefix,
                        HUB_INSTANCE_PATH=str(instance), HUB_SECRET_KEY="s" * 48,
                        HUB_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000", HUB_LOGIN_LIMIT_PER_ACCOUNT="5 per minute",
                        **(extra_env or {}))
        self.count, self.workers = servers, workers
        self.processes: list[tuple[subprocess.Popen, object]] = []
        self.bases: list[str] = []

    def start(self) -> list[str]:
        subprocess.run(FLASK + ["db", "upgrade"], cwd=ROOT, env=self.env, check=True, capture_output=True)
        subprocess.run(FLASK + ["hub", "seed-demo"], cwd=ROOT, env=self.env, check=True, capture_output=True)
        for i in range(self.count):
            port = free_port()
            log = open(self.instance / f"gunicorn-{i}.log", "w")
            self.processes.append((subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-k", "gevent", "-w", str(self.workers), "-b", f"127.0.0.1:{port}",
                 "wsgi:app"], cwd=ROOT, env=dict(self.env, HUB_BASE_URL=f"http://127.0.0.1:{port}"), stdout=log,
                stderr=subprocess.STDOUT), log))
            self.bases.append(f"http://127.0.0.1:{port}")
        for i, base in enumerate(self.bases):
            if not wait_until_serving(base):
                self.stop()
                pytest.fail("gunicorn did not start: " + self.log(i)[-3000:])
        return self.bases

    def log(self, i: int) -> str:
        return (self.instance / f"gunicorn-{i}.log").read_text(errors="replace")

    def master_pid(self, i: int) -> int:
        return self.processes[i][0].pid

    def stop(self) -> None:
        for process, log in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)
            log.close()
        self.processes = []


cluster_env: dict[str, str] = {}  # what the servers were started with, for CLI checks against them


@pytest.fixture(scope="module")
def cluster(services, tmp_path_factory):
    instance = tmp_path_factory.mktemp("scaleout")
    # This run's own keys and channel in the shared Redis database: nothing else is touched.
    prefix = "scaleout-" + uuid.uuid4().hex[:8]
    servers = Cluster(services, REDIS_URL, instance, prefix)
    bases = servers.start()
    cluster_env.update(database=services, instance=str(instance), redis_prefix=prefix)
    try:
        yield bases
    finally:
        servers.stop()
        store = redis_client()
        for key in list(store.scan_iter(f"*{prefix}*")):
            store.delete(key)


def redis_client():
    import redis
    return redis.Redis.from_url(REDIS_URL)


def flask_command(env: dict, *args) -> subprocess.CompletedProcess:
    return subprocess.run(FLASK + list(args), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def seeded_sqlite_instance(instance: Path) -> tuple[dict, str]:
    """A fresh instance on the embedded defaults (SQLite, on-disk Whoosh), migrated and seeded:
    the environment to run it with, and a bearer token of the demo facilitator."""
    env = dict(os.environ, HUB_INSTANCE_PATH=str(instance), HUB_SECRET_KEY="k" * 48, HUB_MAIL_LOOP="0",
               HUB_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000")
    for key in ("HUB_DATABASE_URL", "HUB_REDIS_URL", "HUB_TEST_DATABASE_URL", "HUB_STORAGE_URL"):
        env.pop(key, None)
    for step in (["db", "upgrade"], ["hub", "seed-demo"]):
        done = flask_command(env, *step)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    made = flask_command(env, "hub", "create-token", "--email", "facilitator@demo.hub")
    assert made.returncode == 0, made.stderr
    return env, made.stdout.strip().splitlines()[-1]


class HubServe:
    """`hub serve` (gevent, one process) on the instance's SQLite file."""

    def __init__(self, env: dict, log_path):
        self.env, self.log_path = env, log_path
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self):
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(FLASK + ["hub", "serve", "--port", str(self.port)], cwd=ROOT,
                                        env=dict(self.env, HUB_BASE_URL=self.base), stdout=log,
                                        stderr=subprocess.STDOUT)
        log.close()
        if not wait_until_serving(self.base):
            self.stop()
            pytest.fail("hub serve did not start: " + self.log_path.read_text()[-3000:])

    def kill(self):
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def _flask(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(FLASK + list(args), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
