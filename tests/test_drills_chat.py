"""Fault drill: chat while parts break. Two gunicorn servers (two gevent workers each) on a
PostgreSQL database and a Redis of this test's own; four members of one channel, two on each
server, send steadily. Mid-run one worker is SIGKILLed (gunicorn starts another) and Redis is
stopped for 30 seconds, then started again on its port. Every acknowledged message reaches every
member exactly once, in seq order; every send is answered (acknowledged or refused), none is
dropped without a word; and the database holds exactly the acknowledged messages."""
from __future__ import annotations

import itertools
import os
import signal
import threading
import time
import uuid

import pytest

from tests.helpers.drill_chat import DrillMember
from tests.helpers.faults import OwnRedis, wait_until, worker_holding_connections
from tests.helpers.servers import PG_URL, Cluster, own_database, require_reachable, signed_in_session

pytestmark = pytest.mark.services

PEOPLE = ["participant@demo.hub", "maria.hernández@demo.hub", "kevin.tran@demo.hub", "rosa.delgado@demo.hub"]
KILL_WORKER_AT, REDIS_DOWN_AT, REDIS_DOWN_FOR, SEND_FOR = 4.0, 8.0, 30.0, 44.0
EVERY = 0.25  # seconds between one member's sends


def _stored(database_url: str, channel_id: int, after: int) -> dict[str, int]:
    import psycopg
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT client_id, seq FROM chat_messages WHERE channel_id = %s AND seq > %s",
                            (channel_id, after)).fetchall()
    return dict(rows)


def test_chat_loses_nothing_when_a_worker_dies_and_redis_goes_away(tmp_path):
    require_reachable(PG_URL)
    redis = OwnRedis(tmp_path)
    redis.start()
    members: list[DrillMember] = []
    with own_database("drill_chat") as database_url:
        servers = Cluster(database_url, redis.url, tmp_path, "drill-" + uuid.uuid4().hex[:6],
                          extra_env={"HUB_CHAT_SEND_LIMIT": "100000 per minute"})
        try:
            bases = servers.start()
            sessions = [(signed_in_session(bases[i % 2], email), bases[i % 2]) for i, email in enumerate(PEOPLE)]
            channel = next(c for c in sessions[0][0].get(bases[0] + "/api/v1/channels").json()["items"]
                           if c["name"] == "huddle")
            start = channel["last_seq"]
            members = [DrillMember(base, s, channel["id"], start, email) for (s, base), email in zip(sessions, PEOPLE)]
            assert all(m.joined.wait(10) for m in members), "every member joined"
            for s, _base in sessions:  # their kept-alive HTTP connections go: a worker holding one is not the target
                s.close()
            outcomes, stop = {i: [] for i in range(len(members))}, threading.Event()

            def write(i: int) -> None:
                for n in itertools.count():
                    if stop.is_set():
                        return
                    outcomes[i].append(members[i].send(f"{i}-{n}", f"drill-{i}-{n}", time.monotonic() + 90))
                    time.sleep(EVERY)

            writers = [threading.Thread(target=write, args=(i,)) for i in range(len(members))]
            began = time.monotonic()
            for w in writers:
                w.start()
            faults, outage = [], [0.0, 0.0]
            time.sleep(KILL_WORKER_AT)
            victim = worker_holding_connections(servers.master_pid(0), int(bases[0].rsplit(":", 1)[1]))
            os.kill(victim, signal.SIGKILL)
            faults.append(f"t={time.monotonic() - began:.1f}s SIGKILL worker {victim} of server A")
            time.sleep(REDIS_DOWN_AT - KILL_WORKER_AT)
            redis.stop()
            outage[0] = time.monotonic()
            faults.append(f"t={time.monotonic() - began:.1f}s Redis stopped")
            time.sleep(REDIS_DOWN_FOR)
            redis.start()
            outage[1] = time.monotonic()
            faults.append(f"t={time.monotonic() - began:.1f}s Redis started again")
            time.sleep(max(0.0, SEND_FOR - (time.monotonic() - began)))
            stop.set()
            for w in writers:
                w.join(timeout=120)
            sends = [o for i in outcomes for o in outcomes[i]]
            acked = {o.client_id: o.acked["seq"] for o in sends if o.acked}
            refused = [o for o in sends if o.refused]
            unanswered = [o for o in sends if not o.acked and not o.refused]
            want = set(acked.values())
            during = [o for o in sends if outage[0] <= o.began < outage[1]]
            everyone_has_it = wait_until(lambda: all(want <= set(m.view) for m in members), 60, 0.2)
            time.sleep(1.0)  # a late copy would show here (it is counted as a repeat, never shown twice)
            stored = _stored(database_url, channel["id"], start)
            print(f"\nchat drill: {'; '.join(faults)}")
            print(f"  sent {len(sends)}, acknowledged {len(acked)}, refused {len(refused)}, unanswered "
                  f"{len(unanswered)}, retried sends {sum(1 for o in sends if o.attempts > 1)}, stored {len(stored)}; "
                  f"sent while Redis was down {len(during)}, acknowledged {sum(1 for o in during if o.acked)}")
            for m in members:
                got = set(m.view) & want
                print(f"  {m.name} on {m.base}: delivered {len(got)}, lost {len(want - got)}, "
                      f"live {m.counts.live}, caught up {m.counts.caught_up} in {m.counts.catch_ups} joins, "
                      f"repeats dropped {m.counts.repeats}, reconnects {m.counts.reconnects}")
            assert not unanswered, f"{len(unanswered)} sends never answered: {[o.client_id for o in unanswered][:5]}"
            assert len(acked) > 50 and len(during) > 20, "the run sent enough, during the outage too, to mean something"
            assert everyone_has_it, {m.name: sorted(want - set(m.view))[:10] for m in members}
            for m in members:
                seqs = sorted(s for s in m.view if s > start)
                assert set(seqs) == want, f"{m.name} shows exactly the acknowledged messages"
                assert seqs == list(range(start + 1, start + 1 + len(seqs))), f"{m.name}: in seq order, no gap"
            assert stored == acked, {"stored, never acknowledged": sorted(set(stored) - set(acked))[:10],
                                     "acknowledged, not stored": sorted(set(acked) - set(stored))[:10]}
            assert any(m.counts.reconnects for m in members), "the killed worker's members came back"
        finally:
            for m in members:
                m.close()
            servers.stop()
            redis.stop()
