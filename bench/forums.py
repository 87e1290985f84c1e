"""Forum pages under load, beside a bare Flask "ceiling", in the same run.

Seeds a throwaway SQLite instance (default 200k posts in 10k threads over 40 spaces), serves it with
gunicorn (2 sync workers) next to a bare Flask app that renders 50 items from a 20-row SQLite query,
and loads both from 127.0.0.1 in interleaved rounds (ceiling, thread page, the thread page from a
second hub server that keeps no rendered pages, category page) as signed-in participants, and the
hub's floor (/healthz, anonymous). Prints the median req/s across rounds, p50/p99 latency over all
requests, each page's ratio to the ceiling (median over median) and the median of its per-round
ratios ("paired"). Clients keep the session cookie the server sets, as a browser does.
Goal: thread page >= 0.6 x the ceiling's req/s, p99 <= 60 ms.

    .venv/bin/python bench/forums.py            # full run (about 7 minutes)
    .venv/bin/python bench/forums.py --quick    # smoke run
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from markupsafe import escape

ROOT = Path(__file__).resolve().parent.parent
FULL = {"posts": 200_000, "threads": 10_000, "spaces": 40, "users": 2_000, "seconds": 10.0, "rounds": 5}
QUICK = {"posts": 10_000, "threads": 500, "spaces": 12, "users": 300, "seconds": 2.0, "rounds": 2}
PASSWORD = "bench-password-2026"
MEASURED_POSTS = 120  # the measured thread has 3 pages; page 1 (50 posts) is measured
GOAL_RATIO, GOAL_P99_MS = 0.6, 60.0
# One user agent for signing in and for every request, as one browser would send: Flask-Login ties
# the session to it, and a changed one makes every response rewrite the session cookie.
USER_AGENT = "hub-bench/1.0"

# ------------------------------------------------------------------ the ceiling
# gunicorn imports this module in its workers and calls ceiling_app(): nothing of hub is imported,
# and importing has no side effects.
CEILING_PAGE = """<!doctype html><html><head><title>ceiling-ok</title></head><body><h1>Thread</h1><ol>
{% for id, name, at, html in items %}<li id="post-{{ loop.index }}"><header><a href="/people/{{ id }}">{{ name }}</a>
<time>{{ at }}</time></header><div class="prose">{{ html|safe }}</div></li>
{% endfor %}</ol></body></html>"""


def ceiling_app():
    from flask import Flask, render_template
    from jinja2 import DictLoader

    app = Flask(__name__)
    app.jinja_loader = DictLoader({"page.html": CEILING_PAGE})  # compiled once and cached, as hub's are
    local, thread_id = threading.local(), int(os.environ["CEILING_THREAD"])

    @app.get("/")
    def page():
        if not hasattr(local, "db"):  # one connection per worker, like hub's pool
            local.db = sqlite3.connect(os.environ["CEILING_DB"])
        rows = local.db.execute("SELECT u.id, u.name, p.created_at, p.body_html FROM forum_posts p JOIN users u "
                                "ON u.id = p.author_id WHERE p.thread_id = ? ORDER BY p.number LIMIT 20",
                                (thread_id,)).fetchall()
        return render_template("page.html", items=[rows[i % len(rows)] for i in range(50)])

    return app


# ------------------------------------------------------------------ seeding
BODIES = [
    "Thanks, this is really helpful. We saw the same pattern with our **Spanish-speaking** patients.",
    "Has anyone used a REaL data script at the front desk?\n\nHow did you train staff, and how long did it take "
    "before the *unknown* category dropped below 10%?",
    "We stratified A1c control by race, ethnicity and preferred language last quarter:\n\n"
    "- Overall control: **68%**\n- Spanish-preferring patients: **54%**\n- Patients needing an interpreter: *51%*\n\n"
    "The gap narrowed after we added evening group visits. Run chart: https://example.org/run-chart",
    "### What we tried\n\n1. Called every patient overdue for a screening\n2. Offered the call in their language\n"
    "3. Booked the visit during the call\n\n> Patients told us the reminder letters were confusing.\n\n"
    "Our query, in case it helps:\n\n```\nSELECT language, count(*) FROM overdue GROUP BY language;\n```",
    ("Our community advisory board asked us to slow down and listen before changing the workflow. We held "
     "three listening sessions with patients and community health workers, and what we heard changed our aim "
     "statement. ") * 3 + "\n\nMore in the [toolkit](https://example.org/toolkit).",
]
TOPICS = ["Run charts for A1c by language", "Interpreter access at check-in", "REaL data completeness",
          "Listening sessions with patients", "Stratifying blood pressure control", "Doula referrals",
          "Screening outreach calls", "Advisory board notes", "Follow-up after discharge", "PDSA cycle results"]
TAGS = ["data", "pdsa", "language-access", "maternal-health", "diabetes", "hypertension", "screening"]
NAMES = ["Maria Hernandez", "Aisha Bello", "Kevin Tran", "Rosa Delgado", "Jordan Park", "Tomasa Yazzie", "Wei Chen"]


def seed(env: dict, a) -> dict:
    """Migrate, then bulk insert with SQLAlchemy Core executemany; the ORM only for the few spaces, so
    that the default-category listener runs as in the app. Returns what the load generator checks."""
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    migrated = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import insert, select
    from config import Config
    from hub import content, create_app
    from hub.auth.services import hash_password
    from hub.extensions import db
    from hub.forums.models import Category, Post, Reaction, Thread, ThreadTag
    from hub.people.models import Cohort, Organization, Team, TeamMembership, User
    from hub.spaces.services import new_space

    rng, now = random.Random(2026), datetime.now(timezone.utc).replace(tzinfo=None)
    rendered = [(body, str(content.render(body))) for body in BODIES]  # real Markdown HTML, rendered once
    with create_app(Config(env)).app_context():
        pw, users = hash_password(PASSWORD), range(1, a.users + 1)  # one hash: scrypt per person takes minutes
        # Core skips the ORM's username listener, so usernames are given here.
        db.session.execute(insert(User), [{"id": i, "email": f"person{i}@bench.hub", "username": f"person{i}",
                                           "name": f"{NAMES[i % len(NAMES)]} {i}", "password_hash": pw,
                                           "created_at": now - timedelta(days=800)} for i in users])
        n_comm, n_cohort = max(1, a.spaces // 8), max(1, a.spaces // 10)
        org = Organization(name="Bench Health Network")
        communities = [new_space("community", f"Community {i}") for i in range(n_comm)]
        cohorts = [Cohort(name=f"Cohort {i}", program="learning_network", space=new_space("cohort", f"Cohort {i}"))
                   for i in range(n_cohort)]
        teams = [Team(name=f"Team {i}", organization=org, space=new_space("team", f"Team {i}"),
                      cohorts=[cohorts[i % n_cohort]]) for i in range(a.spaces - n_comm - n_cohort)]
        db.session.add_all([org, *cohorts, *teams])
        db.session.commit()
        # Six people per team; the bench participants (the first users) are in team 0.
        members = {t.id: [(k * 6 + j) % a.users + 1 for j in range(6)] for k, t in enumerate(teams)}
        db.session.execute(insert(TeamMembership), [{"team_id": t, "user_id": u, "role": "member"}
                                                    for t, people in members.items() for u in people])
        readers = {s.id: list(users) for s in communities}  # who may write and react where
        readers |= {t.space_id: members[t.id] for t in teams}
        readers |= {c.space_id: sorted({u for t in c.teams for u in members[t.id]}) for c in cohorts}
        space_ids = sorted(readers)
        cats = {s: list(db.session.scalars(select(Category.id).where(Category.space_id == s))) for s in space_ids}
        # Measured: thread 1, in the first community space (everyone reads it: the largest audience).
        home = communities[0]
        general = db.session.scalar(select(Category).where(Category.space_id == home.id, Category.slug == "general"))
        # One opening post per thread, the rest spread unevenly (a few long threads, many short ones).
        counts = [MEASURED_POSTS] + [1] * (a.threads - 1)
        weights = [0] + [rng.paretovariate(1.5) for _ in counts[1:]]
        for j in rng.choices(range(a.threads), weights, k=max(0, a.posts - sum(counts))):
            counts[j] += 1
        threads, posts, reactions, tags, post_id = [], [], [], [], 0
        conn = db.session.connection()
        for j, n in enumerate(counts):
            tid, space = j + 1, home.id if j == 0 else rng.choice(space_ids)
            people, start = readers[space], now - timedelta(days=rng.uniform(1, 700))
            times = [start] + sorted(start + (now - start) * rng.random() for _ in range(n - 1))
            # last_post_number, reply_count and last_posted_at as create_thread and reply keep them.
            threads.append({"id": tid, "space_id": space, "category_id": general.id if j == 0 else
                            rng.choice(cats[space]), "author_id": rng.choice(people),
                            "kind": "question" if j % 10 == 3 else "discussion",
                            "title": f"{TOPICS[j % len(TOPICS)]} (thread {tid})", "created_at": start,
                            "last_posted_at": times[-1], "last_post_number": n, "reply_count": n - 1})
            tags += [{"thread_id": tid, "tag": t} for t in rng.sample(TAGS, rng.choice((0, 0, 1, 2)))]
            for number, at in enumerate(times, 1):
                post_id += 1
                body, html = rendered[rng.randrange(len(rendered))]
                posts.append({"id": post_id, "thread_id": tid, "number": number, "author_id": rng.choice(people),
                              "body": body, "body_html": html, "created_at": at})
                if rng.random() < (0.35 if j == 0 else 0.12):
                    reactions += [{"post_id": post_id, "user_id": u, "kind": rng.choice(("thumbsup", "heart", "tada")),
                                   "created_at": at} for u in rng.sample(people, min(len(people), rng.randint(1, 4)))]
            if len(posts) >= 20_000 or j == len(counts) - 1:  # executemany in batches: bounded memory
                for model, rows in ((Thread, threads), (Post, posts), (Reaction, reactions), (ThreadTag, tags)):
                    if rows:
                        conn.execute(insert(model), rows)
                threads, posts, reactions, tags = [], [], [], []
        db.session.commit()
        top = db.session.scalar(select(Thread.title).where(Thread.category_id == general.id)
                                .order_by(Thread.last_posted_at.desc(), Thread.id.desc()).limit(1))
        seeded = {"thread_title": db.session.get(Thread, 1).title, "category_top": top,
                  "category_path": f"/spaces/{home.slug}/c/{general.slug}"}
        db.session.execute(db.text("PRAGMA wal_checkpoint(TRUNCATE)"))  # start from a settled file
        db.session.remove()
        db.engine.dispose()
    print(f"migrations {migrated - began:.1f} s, bulk seeding {time.perf_counter() - migrated:.1f} s", flush=True)
    return seeded


# ------------------------------------------------------------------ servers and load
def get(port: int, path: str, cookie: str = "") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie, "User-Agent": USER_AGENT} if cookie else {})
    resp = conn.getresponse()
    return resp.status, resp.read()


def start_gunicorn(app_spec: str, chdir: Path, env: dict, log: Path, procs: list) -> int:
    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with open(log, "w") as out:
        # Its own session, so that cleanup ends the master and its workers by process group id.
        procs.append(subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "-w", "2", "-k", "sync",
                                       "-b", f"127.0.0.1:{port}", "--chdir", str(chdir), app_spec],
                                      env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True))
    for _ in range(300):
        if procs[-1].poll() is not None:
            raise SystemExit(f"gunicorn {app_spec} exited:\n{log.read_text()[-2000:]}")
        try:
            get(port, "/login" if app_spec == "wsgi:app" else "/")
            return port
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn {app_spec} did not answer:\n{log.read_text()[-2000:]}")


def sign_in(port: int, email: str) -> str:
    """One login per load-generator client (the endpoint is rate-limited). Returns a Cookie header."""
    import requests
    with requests.Session() as s:
        s.headers["User-Agent"] = USER_AGENT
        token = re.search(r'name="csrf-token" content="([^"]+)"', s.get(f"http://127.0.0.1:{port}/login").text)[1]
        resp = s.post(f"http://127.0.0.1:{port}/login", allow_redirects=False,
                      data={"email": email, "password": PASSWORD, "csrf_token": token})
        if resp.status_code != 302 or "hub_session" not in s.cookies:
            raise SystemExit(f"login as {email} failed: HTTP {resp.status_code}")
        return f"hub_session={s.cookies['hub_session']}"


def load_round(port: int, path: str, jars: list[dict], marker: bytes, seconds: float) -> tuple[float, list, float]:
    """One client per cookie jar requests `path` back to back for `seconds`; every answer is checked.
    Returns req/s, latencies, and the CPU the load generator used (1.0 = a whole core: then it is the limit)."""
    latencies, failures, deadline = [], [], time.perf_counter() + seconds

    def client(jar: dict) -> None:
        # Sync workers close every connection; http.client reconnects by itself.
        conn, mine = http.client.HTTPConnection("127.0.0.1", port, timeout=30), []
        try:
            while (began := time.perf_counter()) < deadline:
                conn.request("GET", path, headers=jar)
                resp = conn.getresponse()
                body = resp.read()
                mine.append(time.perf_counter() - began)
                if resp.status != 200 or marker not in body:  # a redirect to /login must not count
                    failures.append(f"HTTP {resp.status} {resp.getheader('Location') or ''}, wanted {marker!r}")
                    return
                # As a browser does: a session the server rewrote (the first page after signing in
                # stores its CSRF token) is what the next request sends. Cookies ignore ports, so
                # the jar is shared by both hub servers, as a browser's would be.
                stored = re.match(r"hub_session=([^;]*)", resp.getheader("Set-Cookie") or "")
                if stored:
                    jar["Cookie"] = f"hub_session={stored[1]}"
        except Exception as err:  # noqa: BLE001  (reported below, once the other clients stop)
            failures.append(repr(err))
        finally:
            conn.close()
            latencies.extend(mine)

    workers = [threading.Thread(target=client, args=(jar,)) for jar in jars]
    began, cpu = time.perf_counter(), time.process_time()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if failures:
        raise SystemExit(f"{path}: {failures[0]}")
    wall = time.perf_counter() - began
    return len(latencies) / wall, latencies, (time.process_time() - cpu) / wall


def anonymous(clients: int) -> list[dict]:
    return [{"User-Agent": USER_AGENT} for _ in range(clients)]


def measure(a, seeded: dict, hub_port: int, ceiling_port: int, unkept_port: int) -> tuple[dict, dict, dict, dict]:
    jars = [{"Cookie": sign_in(hub_port, f"person{i}@bench.hub"), "User-Agent": USER_AGENT}
            for i in range(1, a.concurrency + 1)]
    title = str(escape(seeded["thread_title"])).encode()
    targets = {  # name: (port, path, cookie jars, text that proves it is the real page)
        "ceiling": (ceiling_port, "/", anonymous(a.concurrency), b"ceiling-ok"),
        "thread": (hub_port, "/threads/1?page=1", jars, title),
        # The same page from a server that keeps no rendered pages: what every first visit after a
        # change costs (the same sessions work there: one database, one secret key).
        "rendered": (unkept_port, "/threads/1?page=1", jars, title),
        "category": (hub_port, seeded["category_path"], jars, str(escape(seeded["category_top"])).encode()),
        # The hub's own floor, for reading the figures above: every hook and header of every
        # request, and nothing else (no session cookie, no person, no query).
        "floor": (hub_port, "/healthz", anonymous(a.concurrency), b'"ok"'),
    }
    status, body = get(hub_port, "/threads/1?page=1", jars[0]["Cookie"])
    if status != 200 or len(set(re.findall(rb'id="post-(\d+)"', body))) != 50:
        raise SystemExit(f"thread page: HTTP {status}, not 50 posts")
    for target in targets.values():  # warm up: caches, read states, templates
        load_round(*target, 1.0)
    names = list(targets)
    rates, latencies, cpu = ({n: [] for n in names} for _ in range(3))
    for r in range(a.rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:  # rotate: no target always goes first
            rate, lat, used = load_round(*targets[name], a.seconds)
            rates[name].append(rate)
            latencies[name] += lat
            cpu[name].append(used)
        print(f"round {r + 1}/{a.rounds}: " + "  ".join(f"{n} {rates[n][-1]:.0f}/s" for n in names), flush=True)
    return targets, rates, latencies, cpu


def report(a, targets: dict, rates: dict, latencies: dict, cpu: dict) -> None:
    print(f"\n{a.posts:,} posts, {a.threads:,} threads, {a.spaces} spaces, {a.users:,} people. gunicorn 2 sync "
          f"workers each; {a.concurrency} clients per target; {a.rounds} rounds x {a.seconds:g} s; "
          f"{os.cpu_count()} CPUs, shared with the load generator.\n")
    ceiling = statistics.median(rates["ceiling"])
    print(f"{'target':<9} {'path':<30} {'req/s':>7} {'(min-max)':>11} {'p50 ms':>7} {'p99 ms':>7} {'x ceiling':>9}"
          f" {'paired':>7} {'gen CPU':>7}")
    for name, (_port, path, _cookies, _marker) in targets.items():
        median = statistics.median(rates[name])
        cuts = statistics.quantiles([s * 1000 for s in latencies[name]], n=100)
        spread = f"({min(rates[name]):.0f}-{max(rates[name]):.0f})"
        # "paired": the median of each round's ratio to that round's ceiling, which a machine
        # slowing down or speeding up between rounds moves less than the ratio of the medians.
        paired = statistics.median(r / c for r, c in zip(rates[name], rates["ceiling"]))
        print(f"{name:<9} {path:<30} {median:>7.1f} {spread:>11} {cuts[49]:>7.1f} {cuts[98]:>7.1f} "
              f"{median / ceiling:>9.2f} {paired:>7.2f} {statistics.median(cpu[name]):>7.0%}")
        if name == "thread":
            ratio, p99 = median / ceiling, cuts[98]
    verdict = {True: "PASS", False: "FAIL"}
    print(f"\ngoal, thread page: req/s {ratio:.2f} x ceiling (>= {GOAL_RATIO}) {verdict[ratio >= GOAL_RATIO]}; "
          f"p99 {p99:.1f} ms (<= {GOAL_P99_MS:g}) {verdict[p99 <= GOAL_P99_MS]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for name, kind in (("posts", int), ("threads", int), ("spaces", int), ("users", int), ("seconds", float),
                       ("rounds", int)):
        parser.add_argument(f"--{name}", type=kind, help=f"default {FULL[name]} ({QUICK[name]} with --quick)")
    parser.add_argument("--concurrency", type=int, default=4, help="clients per target (default 4)")
    parser.add_argument("--quick", action="store_true", help="small data, short rounds: a smoke run")
    parser.add_argument("--keep", action="store_true", help="keep the instance folder (to profile it)")
    a = parser.parse_args()
    for key, value in (QUICK if a.quick else FULL).items():
        setattr(a, key, value if getattr(a, key) is None else getattr(a, key))
    if a.threads < 1 or a.posts < a.threads + MEASURED_POSTS or a.spaces < 3 or a.users < a.concurrency:
        parser.error(f"need posts >= threads + {MEASURED_POSTS}, spaces >= 3, users >= concurrency")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the cleanup below on kill too

    instance, procs = Path(tempfile.mkdtemp(prefix="bench-forums-")), []
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "FLASK_"))}  # the embedded defaults
    env |= {"HUB_INSTANCE_PATH": str(instance), "HUB_SECRET_KEY": secrets.token_urlsafe(48),
            # Sync workers: Socket.IO must not pick gevent (installed, but nothing is monkey-patched).
            "HUB_SOCKETIO_ASYNC_MODE": "threading"}
    try:
        seeded = seed(env, a)
        hub_port = start_gunicorn("wsgi:app", ROOT, env, instance / "hub.log", procs)
        ceiling_env = env | {"CEILING_DB": str(instance / "hub.sqlite3"), "CEILING_THREAD": "1"}
        ceiling_port = start_gunicorn("forums:ceiling_app()", ROOT / "bench", ceiling_env, instance / "ceiling.log",
                                      procs)
        unkept_port = start_gunicorn("wsgi:app", ROOT, env | {"HUB_PAGE_CACHE_MB": "0"}, instance / "unkept.log", procs)
        report(a, *measure(a, seeded, hub_port, ceiling_port, unkept_port))
    finally:
        for proc in procs:  # only the servers started here, by their process group
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(10)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if a.keep:
            print(f"instance kept in {instance}")
        else:
            shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
