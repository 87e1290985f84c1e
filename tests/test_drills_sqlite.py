"""Fault drill: the server on SQLite is killed (SIGKILL) in the middle of a burst of forum
replies through the JSON API, then started again. The database file is sound (integrity_check
"ok"), every reply that was answered 201 is there, the search queue the app drains by itself
(after each committing request and before each search) empties within a bounded wait, and
`flask hub reindex --check` finds the index true to the database."""
from __future__ import annotations

import sqlite3
import threading
import time

import pytest
import requests

from tests.helpers.faults import wait_until
from tests.helpers.servers import HubServe, flask_command, seeded_sqlite_instance

pytestmark = pytest.mark.services

WRITERS, KILL_AFTER = 8, 40  # concurrent posters; the server dies once this many replies were answered 201


def test_killing_the_sqlite_server_mid_burst_loses_no_answered_post(tmp_path):
    instance = tmp_path / "instance"
    env, token = seeded_sqlite_instance(instance)
    auth = {"Authorization": "Bearer " + token}
    server = HubServe(env, tmp_path / "serve.log")
    server.start()
    try:
        threads = requests.get(server.base + "/api/v1/latest", headers=auth, timeout=10).json()["items"]
        targets = [t["id"] for t in threads[:3]]
        answered: dict[int, str] = {}  # post id -> body, for every 201
        lock, killed = threading.Lock(), threading.Event()

        def write(w: int) -> None:
            for n in range(500):
                body = f"drill reply {w}-{n}"
                try:
                    r = requests.post(f"{server.base}/api/v1/threads/{targets[n % len(targets)]}/posts",
                                      json={"body": body}, headers=auth, timeout=10)
                except requests.RequestException:
                    if killed.is_set():
                        return
                    continue
                if r.status_code == 201:
                    with lock:
                        answered[r.json()["id"]] = body
                elif not killed.is_set():
                    raise AssertionError(f"{r.status_code}: {r.text[:300]}")

        writers = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
        for t in writers:
            t.start()
        assert wait_until(lambda: len(answered) >= KILL_AFTER, 60), "the burst got going"
        killed.set()
        server.kill()
        killed_at = len(answered)
        for t in writers:
            t.join(timeout=30)

        database = instance / "hub.sqlite3"
        with sqlite3.connect(database) as conn:  # (opening it recovers the write-ahead log)
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            found = dict(conn.execute("SELECT id, body FROM forum_posts WHERE body LIKE 'drill reply %'").fetchall())
            left_queued = conn.execute("SELECT count(*) FROM search_queue").fetchone()[0]
        missing = {i: b for i, b in answered.items() if found.get(i) != b}
        print(f"\nsqlite drill: SIGKILL of `hub serve` after {killed_at} replies answered 201 ({WRITERS} writers); "
              f"answered 201: {len(answered)}, found in the database: {len(found)}, answered but missing: "
              f"{len(missing)}, stored but never answered: {len(set(found) - set(answered))}")
        assert not missing, f"answered 201 but not stored: {list(missing.items())[:5]}"

        server.start()
        with sqlite3.connect(database) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

        def queue_empty() -> bool:
            requests.get(server.base + "/api/v1/search", params={"q": "drill"}, headers=auth, timeout=10)
            with sqlite3.connect(database) as conn:
                return conn.execute("SELECT count(*) FROM search_queue").fetchone()[0] == 0
        began = time.monotonic()
        assert wait_until(queue_empty, 30, 0.5), "the search queue drains"
        print(f"  search queue: {left_queued} rows left by the kill, drained {time.monotonic() - began:.1f} s "
              f"after the restart")
        checked = flask_command(env, "hub", "reindex", "--check")
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "0 missing, 0 extra, 0 stale, 0 stuck" in checked.stdout
        hits = requests.get(server.base + "/api/v1/search", params={"q": '"drill reply"'}, headers=auth,
                            timeout=10).json()
        assert hits["items"], "the replies are found by search"
    finally:
        server.stop()
