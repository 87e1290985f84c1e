"""Chat delivery under load, beside a bare Flask-SocketIO broadcast server, in the same run.

N python-socketio clients (socketio.AsyncClient, one asyncio process) join one channel; one
more client sends 10 messages/s. Each message carries its send time; every receiver records
its delivery latency. Reported per run: p50 and p99 latency and delivered/expected.

Both servers run under the same settings: gunicorn, one gevent worker, websocket transport.
  hub   wsgi:app (SQLite, the real /chat namespace: token auth, policy, seq, store before ack)
  bare  bare_app() below: a /chat namespace whose join joins a room and whose send emits to it
Then the two-process run: two hub servers (and two bare ones) on PostgreSQL + Redis, the
clients split between them, the sender on the first.
Goals (issue 7): hub p99 <= 1.5 x bare p99 at N = 500; 0 messages lost in every run.

    .venv/bin/python bench/chat.py                      # N = 50, 200, 500 (a few minutes)
    .venv/bin/python bench/chat.py --sizes 50 --seconds 3 --no-redis   # smoke run
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_RATIO = 1.5


# ------------------------------------------------------------------ the bare server
# gunicorn imports this module in its workers and calls bare_app(): nothing of hub is imported.
def bare_app():
    from flask import Flask
    from flask_socketio import SocketIO, join_room

    app = Flask(__name__)
    sio = SocketIO(app, async_mode="gevent", message_queue=os.environ.get("BARE_REDIS_URL") or None,
                   cors_allowed_origins=None)
    counter = {"seq": 0}

    @sio.on("join", namespace="/chat")
    def join(data):
        join_room(f"chat:{data['channel_id']}")
        return {"ok": True, "missed": []}

    @sio.on("send", namespace="/chat")
    def send(data):
        counter["seq"] += 1
        message = {"channel_id": data["channel_id"], "seq": counter["seq"], "id": counter["seq"], "body": data["body"]}
        sio.emit("message", message, to=f"chat:{data['channel_id']}", namespace="/chat")
        return {"ok": True, "message": message}

    return app


# ------------------------------------------------------------------ set-up (run in a subprocess)
def setup(people: int, out: Path) -> None:
    """Inside the hub's environment: people in one community space with one channel, a token each."""
    from hub import create_app
    from hub.auth.models import ApiToken, digest
    from hub.auth.tokens import TOKEN_PREFIX
    from hub.chat import services
    from hub.extensions import db
    from hub.people.models import User
    from hub.spaces import services as spaces

    app = create_app()
    with app.app_context(), app.test_request_context():
        space = spaces.new_space("community", "Bench Commons")
        db.session.commit()
        users = [User(email=f"bench{i}@example.org", name=f"Bench {i}", site_role="admin" if i == 0 else "participant",
                      active=True, password_hash="x") for i in range(people)]
        db.session.add_all(users)
        db.session.commit()
        tokens = []
        for user in users:
            plain = TOKEN_PREFIX + secrets.token_urlsafe(24)
            db.session.add(ApiToken(user_id=user.id, label="bench", token_hash=digest(plain), prefix=plain[:12]))
            tokens.append(plain)
        db.session.commit()
        channel = services.create_channel(users[0], space, {"name": "bench"})
        out.write_text(json.dumps({"channel_id": channel.id, "tokens": tokens}))


# ------------------------------------------------------------------ servers
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(app_spec: str, env: dict, log: Path, procs: list) -> str:
    port = free_port()
    handle = open(log, "w")
    procs.append(subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "-k", "gevent", "-w", "1",
                                   "--worker-connections", "2000", "-b", f"127.0.0.1:{port}", app_spec],
                                  cwd=env.get("BENCH_CWD", str(ROOT)), env=env, stdout=handle,
                                  stderr=subprocess.STDOUT))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if procs[-1].poll() is not None:
            raise SystemExit(f"gunicorn {app_spec} exited:\n{log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn {app_spec} did not answer:\n{log.read_text()[-2000:]}")


# ------------------------------------------------------------------ one measured run
async def run_once(bases: list[str], channel_id: int, tokens: list[str], n: int, seconds: float, rate: float) -> dict:
    import socketio

    latencies: list[float] = []
    received: dict[int, set] = {}
    receivers = []

    def keeper(index: int):
        seen = received.setdefault(index, set())

        async def on_message(data):
            body = data.get("body", "")
            if body.startswith("bench "):
                _word, number, sent_at = body.split()
                latencies.append(time.time() - float(sent_at))
                seen.add(int(number))
        return on_message

    async def connect(index: int, base: str, token: str):
        client = socketio.AsyncClient(reconnection=False)
        client.on("message", keeper(index), namespace="/chat")
        for attempt in range(5):
            try:
                await client.connect(base, transports=["websocket"], namespaces=["/chat"], auth={"token": token},
                                     wait_timeout=30)
                break
            except socketio.exceptions.ConnectionError:
                await asyncio.sleep(0.5 * (attempt + 1))
        ack = await client.call("join", {"channel_id": channel_id, "after_seq": 10**9}, namespace="/chat", timeout=60)
        assert ack.get("ok"), ack
        return client

    # Connect in batches so connection set-up does not overlap the measurement.
    for start_at in range(0, n, 50):
        batch = [connect(i, bases[i % len(bases)], tokens[1 + i]) for i in range(start_at, min(n, start_at + 50))]
        receivers.extend(await asyncio.gather(*batch))
    sender = socketio.AsyncClient(reconnection=False)
    await sender.connect(bases[0], transports=["websocket"], namespaces=["/chat"], auth={"token": tokens[0]})
    await sender.call("join", {"channel_id": channel_id, "after_seq": 10**9}, namespace="/chat", timeout=60)
    await asyncio.sleep(2.0)  # let connect-time traffic (presence) settle
    total = int(seconds * rate)
    errors, started = [], time.monotonic()
    for i in range(total):
        await asyncio.sleep(max(0.0, started + i / rate - time.monotonic()))

        def done(ack=None, _i=i):
            if not ack or not ack.get("ok"):
                errors.append(ack)
        await sender.emit("send", {"channel_id": channel_id, "body": f"bench {i} {time.time():.6f}",
                                   "client_id": f"bench-{uuid.uuid4().hex}"}, namespace="/chat", callback=done)
    expected = total * n
    deadline = time.monotonic() + 15
    while sum(len(s) for s in received.values()) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    delivered = sum(len(s) for s in received.values())
    for client in receivers + [sender]:
        await client.disconnect()
    latencies.sort()
    return {"n": n, "messages": total, "expected": expected, "delivered": delivered, "errors": len(errors),
            "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
            "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("nan")}


def rounds(a, n: int, servers: list, data: dict) -> dict:
    """Interleaved rounds (the order flips each round); medians of p50 and p99, summed deliveries."""
    runs: dict[str, list] = {label: [] for label, _bases in servers}
    for r in range(a.rounds):
        for label, bases in (servers if r % 2 == 0 else list(reversed(servers))):
            runs[label].append(asyncio.run(run_once(bases, data["channel_id"], data["tokens"], n, a.seconds, a.rate)))
    summary = {}
    for label, got in runs.items():
        summary[label] = {"n": n, "p50_ms": statistics.median(g["p50_ms"] for g in got),
                          "p99_ms": statistics.median(g["p99_ms"] for g in got),
                          "p99_each": [round(g["p99_ms"], 1) for g in got],
                          "delivered": sum(g["delivered"] for g in got), "expected": sum(g["expected"] for g in got),
                          "errors": sum(g["errors"] for g in got)}
        print(line(label, summary[label]) + f"   p99 by round {summary[label]['p99_each']}", flush=True)
    hub_label, bare_label = servers[0][0], servers[1][0]
    summary["ratio_p99"] = summary[hub_label]["p99_ms"] / summary[bare_label]["p99_ms"]
    print(f"  -> hub/bare median p99 at N={n}: {summary['ratio_p99']:.2f} (goal at N=500: <= {GOAL_RATIO})", flush=True)
    return summary


def line(label: str, r: dict) -> str:
    return (f"  {label:<24} N={r['n']:<4} p50 {r['p50_ms']:8.1f} ms   p99 {r['p99_ms']:8.1f} ms   "
            f"delivered {r['delivered']}/{r['expected']}   send errors {r['errors']}")


def hub_env(instance: Path, extra: dict | None = None) -> dict:
    env = dict(os.environ, HUB_INSTANCE_PATH=str(instance), HUB_SECRET_KEY="b" * 48, HUB_BASE_URL="http://127.0.0.1",
               HUB_CHAT_SEND_LIMIT="100000 per minute", HUB_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000")
    for key in [k for k in env if k.startswith(("HUB_DATABASE", "HUB_REDIS", "HUB_SMTP"))]:
        env.pop(key)
    env.update(extra or {})
    return env


def prepare(env: dict, people: int, instance: Path) -> dict:
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    out = instance / "bench.json"
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--setup", str(people), str(out)], cwd=ROOT,
                   env=dict(env, PYTHONPATH=str(ROOT)), check=True)
    return json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="50,200,500")
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"))
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--redis-sizes", default="500")
    parser.add_argument("--no-redis", action="store_true")
    parser.add_argument("--setup", nargs=2)
    a = parser.parse_args()
    if a.setup:
        setup(int(a.setup[0]), Path(a.setup[1]))
        return
    sizes = [int(s) for s in a.sizes.split(",")]
    people = max(sizes + [int(s) for s in a.redis_sizes.split(",")]) + 1
    work = Path(tempfile.mkdtemp(prefix="hub-bench-chat-"))
    procs: list = []
    results: dict = {"single": [], "redis": []}
    try:
        instance = work / "single"
        env = hub_env(instance)
        data = prepare(env, people, instance)
        hub = start("wsgi:app", env, work / "hub.log", procs)
        bare = start("chat:bare_app()", dict(env, BENCH_CWD=str(ROOT / "bench")), work / "bare.log", procs)
        print(f"one process each: gunicorn -k gevent -w 1; {a.rate:g} msg/s for {a.seconds:g} s per round, "
              f"{a.rounds} rounds, interleaved; clients in one asyncio process; machine shared (2 cores)")
        for n in sizes:
            results["single"].append(rounds(a, n, [("hub", [hub]), ("bare", [bare])], data))
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=15)
        procs.clear()
        if not a.no_redis:
            results["redis"] = redis_runs(a, work, people)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results))


def redis_runs(a, work: Path, people: int) -> list:
    import psycopg
    import redis
    name = "bench_chat_" + uuid.uuid4().hex[:8]
    with psycopg.connect(a.pg, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    procs: list = []
    out = []
    try:
        redis.Redis.from_url(a.redis).flushdb()
        instance = work / "redis"
        env = hub_env(instance, {"HUB_DATABASE_URL": a.pg.rsplit("/", 1)[0] + "/" + name, "HUB_REDIS_URL": a.redis})
        data = prepare(env, people, instance)
        hubs = [start("wsgi:app", env, work / f"hub-r{i}.log", procs) for i in range(2)]
        bare_env = dict(env, BENCH_CWD=str(ROOT / "bench"), BARE_REDIS_URL=a.redis)
        bares = [start("chat:bare_app()", bare_env, work / f"bare-r{i}.log", procs) for i in range(2)]
        print("two processes each (gunicorn -k gevent -w 1 twice), PostgreSQL + Redis message queue; "
              "clients alternate between the two, the sender is on the first")
        for n in [int(s) for s in a.redis_sizes.split(",")]:
            out.append(rounds(a, n, [("hub x2 + redis", hubs), ("bare x2 + redis", bares)], data))
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        with psycopg.connect(a.pg, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return out


if __name__ == "__main__":
    main()
