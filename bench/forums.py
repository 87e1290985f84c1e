"""Forum pages under load, beside a bare Flask "ceiling", in the same run.

Seeds a throwaway SQLite instance (default 200k posts in 10k threads over 40 spaces), serves it
with gunicorn (2 sync workers) next to a bare Flask app that renders 50 items from a 20-row
SQLite query, and loads both from 127.0.0.1 in interleaved rounds (ceiling, thread page,
category page), as signed-in participants. Prints the median req/s across rounds, p50/p99
latency over all requests, and each page's ratio to the ceiling. Goal: thread page >= 0.6 x the
ceiling's req/s and p99 <= 60 ms.

    .venv/bin/python bench/forums.py            # full run (a few minutes)
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
MEASURED_POSTS = 120  # the measured thread: page 1 of 3
GOAL_RATIO, GOAL_P99_MS = 0.6, 60.0

# ------------------------------------------------------------------ the ceiling
# gunicorn imports this module in its workers and calls ceiling_app(): nothing of hub, and no
# side effects at import time.
CEILING_PAGE = """<!doctype html><html><head><title>ceiling-ok</title></head><body><h1>Thread</h1><ol>
{% for id, name, at, html in items %}<li id="post-{{ loop.index }}"><header><a href="/people/{{ id }}">{{ name }}</a>
<time>{{ at }}</time></header><div class="prose">{{ html|safe }}</div></li>
{% endfor %}</ol></body></html>"""


def ceiling_app():
    from flask import Flask, render_template
    from jinja2 import DictLoader

    app = Flask(__name__)
    app.jinja_loader = DictLoader({"page.html": CEILING_PAGE})  # compiled once and cached, as hub's are
    local = threading.local()
    thread_id = int(os.environ["CEILING_THREAD"])

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
    "Our query, in case it helps:\n\n```\nSELECT language, count(*) FROM overdue GROUP BY language;\n```\n\n"
    "Happy to share the script with anyone who wants it.",
    ("Our community advisory board asked us to slow down and listen before changing the workflow. "
     "We held three listening sessions with patients and community health workers, and what we heard "
     "changed our aim statement. ") * 3 + "\n\nMore in the [toolkit](https://example.org/toolkit).",
]
TOPICS = ["Run charts for A1c by language", "Interpreter access at check-in", "REaL data completeness",
          "Listening sessions with patients", "Stratifying blood pressure control", "Doula referrals",
          "Screening outreach calls", "Community advisory board meeting notes", "Follow-up after discharge",
          "PDSA cycle three results"]
TAGS = ["data", "pdsa", "language-access", "maternal-health", "diabetes", "hypertension", "screening"]
FIRST = ["Maria", "Aisha", "Kevin", "Rosa", "Jordan", "Linda", "Tomasa", "Ibrahim", "Grace", "Denise", "Wei", "Luis"]
LAST = ["Hernandez", "Bello", "Tran", "Delgado", "Park", "Yazzie", "Hassan", "Washington", "Chen", "Ramirez"]


def seed(env: dict, a) -> dict:
    """Migrate, then bulk insert with SQLAlchemy Core (the ORM only for the 40 spaces, so the
    default-category listener runs as in the app). Returns what the load generator needs."""
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
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
    rendered = [(body, str(content.render(body))) for body in BODIES]
    app = create_app(Config(env))
    with app.app_context():
        pw = hash_password(PASSWORD)  # one hash for all: scrypt per person would take minutes
        users = range(1, a.users + 1)
        # Core skips the ORM's username listener, so usernames are given here.
        db.session.execute(insert(User), [
            {"id": i, "email": f"person{i}@bench.hub", "name": f"{FIRST[i % 12]} {LAST[i % 10]} {i}",
             "username": f"person{i}", "password_hash": pw, "created_at": now - timedelta(days=800)} for i in users])
        n_comm, n_cohort = max(1, a.spaces // 8), max(1, a.spaces // 10)
        org = Organization(name="Bench Health Network")
        communities = [new_space("community", f"Community {i}") for i in range(n_comm)]
        cohorts = [Cohort(name=f"Cohort {i}", program="learning_network", space=new_space("cohort", f"Cohort {i}"))
                   for i in range(n_cohort)]
        teams = [Team(name=f"Team {i}", organization=org, space=new_space("team", f"Team {i}"),
                      cohorts=[cohorts[i % n_cohort]]) for i in range(a.spaces - n_comm - n_cohort)]
        db.session.add_all([org, *cohorts, *teams])
        db.session.commit()
        # Six people per team; the bench participants (the first users) are all in team 0.
        members = {t.id: [(k * 6 + j) % a.users + 1 for j in range(6)] for k, t in enumerate(teams)}
        db.session.execute(insert(TeamMembership), [{"team_id": t, "user_id": u, "role": "member"}
                                                    for t, people in members.items() for u in people])
        readers = {s.id: list(users) for s in communities}  # who may write where: authors and reactors
        readers |= {t.space_id: members[t.id] for t in teams}
        readers |= {c.space_id: sorted({u for t in c.teams for u in members[t.id]}) for c in cohorts}
        space_ids = sorted(readers)
        cats = {s: [c.id for c in db.session.scalars(select(Category).where(Category.space_id == s))] for s in space_ids}
        measured_space = communities[0]
        measured_cat = db.session.scalar(select(Category).where(Category.space_id == measured_space.id,
                                                                Category.slug == "general"))
        # Post counts: one opening post each, the rest spread unevenly (a few long threads).
        counts = [1] * a.threads
        counts[0] = MEASURED_POSTS
        weights = [rng.paretovariate(1.5) for _ in counts]
        weights[0] = 0
        for j in rng.choices(range(a.threads), weights, k=max(0, a.posts - sum(counts))):
            counts[j] += 1
        threads, posts, reactions, tags, post_id = [], [], [], [], 0
        conn = db.session.connection()
        for j, n in enumerate(counts):
            tid = j + 1
            space = measured_space.id if j == 0 else rng.choice(space_ids)
            people = readers[space]
            start = now - timedelta(days=rng.uniform(1, 700))
            times = [start] + sorted(start + (now - start) * rng.random() for _ in range(n - 1))
            threads.append({"id": tid, "space_id": space, "category_id": measured_cat.id if j == 0 else
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
        category_top = db.session.scalar(select(Thread.title).where(Thread.category_id == measured_cat.id)
                                         .order_by(Thread.last_posted_at.desc(), Thread.id.desc()).limit(1))
        thread_title = db.session.get(Thread, 1).title
        category_path = f"/spaces/{measured_space.slug}/c/{measured_cat.slug}"
        db.session.execute(db.text("PRAGMA wal_checkpoint(TRUNCATE)"))  # start from a settled file
        db.session.remove()
        db.engine.dispose()
    return {"thread_title": thread_title, "category_path": category_path, "category_top": category_top}


# ------------------------------------------------------------------ servers and load
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, cookie: str = "") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def start_gunicorn(app_spec: str, chdir: Path, env: dict, log: Path, procs: list) -> int:
    port = free_port()
    with open(log, "w") as out:
        # Own session, so that cleanup can end the master and its workers by process group id.
        proc = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "-w", "2", "-k", "sync",
                                 "-b", f"127.0.0.1:{port}", "--chdir", str(chdir), app_spec],
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    procs.append(proc)
    for _ in range(300):
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn {app_spec} exited:\n{log.read_text()[-2000:]}")
        try:
            get(port, "/login" if app_spec == "wsgi:app" else "/")
            return port
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn {app_spec} did not answer:\n{log.read_text()[-2000:]}")


def sign_in(port: int, email: str) -> str:
    """One login per load-generator connection (the endpoint is rate-limited): a Cookie header."""
    import requests
    with requests.Session() as s:
        page = s.get(f"http://127.0.0.1:{port}/login").text
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        resp = s.post(f"http://127.0.0.1:{port}/login", allow_redirects=False,
                      data={"email": email, "password": PASSWORD, "csrf_token": token})
        if resp.status_code != 302 or "hub_session" not in s.cookies:
            raise SystemExit(f"login as {email} failed: HTTP {resp.status_code}")
        return f"hub_session={s.cookies['hub_session']}"


def load_round(port: int, path: str, cookies: list[str], marker: bytes, seconds: float) -> tuple[float, list[float]]:
    """len(cookies) clients request `path` back to back for `seconds`; every answer is checked."""
    latencies, failures = [], []
    deadline = time.perf_counter() + seconds

    def client(cookie: str) -> None:
        # Sync workers close every connection; http.client reconnects by itself.
        conn, mine = http.client.HTTPConnection("127.0.0.1", port, timeout=30), []
        headers = {"Cookie": cookie} if cookie else {}
        try:
            while (began := time.perf_counter()) < deadline:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                body = resp.read()
                mine.append(time.perf_counter() - began)
                if resp.status != 200 or marker not in body:
                    failures.append(f"HTTP {resp.status} {resp.getheader('Location') or ''} marker={marker!r}")
                    return
        except Exception as err:  # noqa: BLE001  (reported below, after the other clients stop)
            failures.append(repr(err))
        finally:
            conn.close()
            latencies.extend(mine)

    workers = [threading.Thread(target=client, args=(c,)) for c in cookies]
    began = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if failures:
        raise SystemExit(f"{path}: {failures[0]}")
    return len(latencies) / (time.perf_counter() - began), latencies


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
        setattr(a, key, getattr(a, key) if getattr(a, key) is not None else value)
    if a.threads < 1 or a.posts < a.threads + MEASURED_POSTS or a.spaces < 3 or a.users < a.concurrency:
        parser.error("need posts >= threads + 120, spaces >= 3, users >= concurrency")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the cleanup below on kill too

    instance, procs = Path(tempfile.mkdtemp(prefix="bench-forums-")), []
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "FLASK_"))}  # the embedded defaults
    env |= {"HUB_INSTANCE_PATH": str(instance), "HUB_SECRET_KEY": secrets.token_urlsafe(48),
            # Sync workers: Socket.IO must not pick gevent (installed, but nothing is patched).
            "HUB_SOCKETIO_ASYNC_MODE": "threading"}
    try:
        began = time.perf_counter()
        seeded = seed(env, a)
        seed_s = time.perf_counter() - began
        hub_port = start_gunicorn("wsgi:app", ROOT, env, instance / "hub.log", procs)
        ceiling_env = env | {"CEILING_DB": str(instance / "hub.sqlite3"), "CEILING_THREAD": "1"}
        ceiling_port = start_gunicorn("forums:ceiling_app()", ROOT / "bench", ceiling_env, instance / "ceiling.log",
                                      procs)
        cookies = [sign_in(hub_port, f"person{i}@bench.hub") for i in range(1, a.concurrency + 1)]
        targets = {  # name: (port, path, cookies, marker that proves it is the real page)
            "ceiling": (ceiling_port, "/", [""] * a.concurrency, b"ceiling-ok"),
            "thread": (hub_port, "/threads/1?page=1", cookies, str(escape(seeded["thread_title"])).encode()),
            "category": (hub_port, seeded["category_path"], cookies, str(escape(seeded["category_top"])).encode()),
        }
        status, body = get(hub_port, "/threads/1?page=1", cookies[0])
        shown = len(set(re.findall(rb'id="post-(\d+)"', body)))
        if status != 200 or shown != 50:
            raise SystemExit(f"thread page: HTTP {status}, {shown} posts shown (expected 200 and 50)")
        for port, path, jar, marker in targets.values():  # warm up: caches, read states, templates
            load_round(port, path, jar, marker, 1.0)
        rates = {name: [] for name in targets}
        latencies = {name: [] for name in targets}
        names = list(targets)
        for r in range(a.rounds):
            for name in names[r % 3:] + names[:r % 3]:  # rotate the order: no target always goes first
                rate, lat = load_round(*targets[name], a.seconds)
                rates[name].append(rate)
                latencies[name] += lat
            print(f"round {r + 1}/{a.rounds}: " + "  ".join(f"{n} {rates[n][-1]:.0f}/s" for n in names), flush=True)
        report(a, seeded, seed_s, targets, rates, latencies)
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


def report(a, seeded, seed_s, targets, rates, latencies) -> None:
    print(f"\n{a.posts:,} posts, {a.threads:,} threads, {a.spaces} spaces, {a.users:,} people; seeded in {seed_s:.1f} s."
          f"\ngunicorn 2 sync workers each; {a.concurrency} clients per target; {a.rounds} rounds x {a.seconds:g} s; "
          f"{os.cpu_count()} CPUs (the load generator shares them).\n")
    ceiling = statistics.median(rates["ceiling"])
    print(f"{'target':<9} {'path':<30} {'req/s':>7} {'(min-max)':>12} {'p50 ms':>7} {'p99 ms':>7} {'x ceiling':>9}")
    summary = {}
    for name, (_port, path, _jar, _marker) in targets.items():
        median = statistics.median(rates[name])
        cuts = statistics.quantiles([s * 1000 for s in latencies[name]], n=100)
        summary[name] = (median / ceiling, cuts[98])
        spread = f"({min(rates[name]):.0f}-{max(rates[name]):.0f})"
        print(f"{name:<9} {path:<30} {median:>7.1f} {spread:>12} {cuts[49]:>7.1f} {cuts[98]:>7.1f} "
              f"{median / ceiling:>9.2f}")
    ratio, p99 = summary["thread"]
    print(f"\ngoal, thread page: req/s {ratio:.2f} x ceiling (>= {GOAL_RATIO}) {'PASS' if ratio >= GOAL_RATIO else 'FAIL'}; "
          f"p99 {p99:.1f} ms (<= {GOAL_P99_MS:g}) {'PASS' if p99 <= GOAL_P99_MS else 'FAIL'}")


if __name__ == "__main__":
    main()
