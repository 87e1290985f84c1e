"""The stratified measure page and the network view under load, beside the
bare-Flask ceiling of bench/forums.py, in the same run.

Seeds a throwaway SQLite instance with a cohort of 50 teams, each with a project of 6 measures
× 36 months × 8 race strata (and the whole), serves it with gunicorn (2 sync workers) beside the
ceiling (the same app as bench/forums.py, on its own small database), and loads both from
127.0.0.1 in interleaved rounds as signed-in people: the team's own view (raw) and a peer's in
the cohort (small cells suppressed), and the network view of the measure every team adopted,
as a facilitator. Prints median req/s, p50/p99, and each page's ratio to the
ceiling (median over median, and the median of per-round ratios). Pages are rendered on every
request: nothing keeps them.
Goal: the measure page >= 0.25 x the ceiling's req/s; the network view >= 0.1 x.

    .venv/bin/python bench/measures.py            # full run
    .venv/bin/python bench/measures.py --quick    # smoke run
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import forums  # noqa: E402  (its ceiling, its HTTP helpers and load rounds: one method for both benches)

ROOT = Path(__file__).resolve().parent.parent
FULL = {"teams": 50, "measures": 6, "periods": 36, "seconds": 8.0, "rounds": 5}
QUICK = {"teams": 6, "measures": 2, "periods": 24, "seconds": 2.0, "rounds": 2}
RACE = ("American Indian or Alaska Native", "Asian", "Black or African American",
        "Native Hawaiian or Pacific Islander", "White", "Multiracial", "Other race", "Unknown")
GOALS = {"measure": 0.25, "peer": 0.25, "network": 0.1}


def seed(env: dict, a) -> dict:
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import insert
    from config import Config
    from hub import create_app
    from hub.auth.services import hash_password
    from hub.extensions import db
    from hub.people.models import Cohort, Organization, Team, TeamMembership, User
    from hub.projects import measure_sets
    from hub.projects.models import DataPoint, Measure, Project
    from hub.spaces.services import new_space

    rng, now = random.Random(19), datetime(2026, 12, 1)
    with create_app(Config(env)).app_context():
        pw = hash_password(forums.PASSWORD)
        people = a.teams * 4
        db.session.execute(insert(User), [{"id": i, "email": f"person{i}@bench.hub", "username": f"person{i}",
                                           "name": f"Person {i}", "password_hash": pw, "created_at": now}
                                          for i in range(1, people + 1)])
        org = Organization(name="Bench Health Network")
        cohort = Cohort(name="Bench cohort", program="learning_network", space=new_space("cohort", "Bench cohort"))
        teams = [Team(name=f"Team {i}", organization=org, space=new_space("team", f"Team {i}"), cohorts=[cohort])
                 for i in range(a.teams)]
        db.session.add_all([org, cohort, *teams])
        db.session.commit()
        db.session.execute(insert(TeamMembership), [{"team_id": t.id, "user_id": k * 4 + j + 1, "role": "member"}
                                                    for k, t in enumerate(teams) for j in range(4)])
        projects = [Project(team_id=t.id, space_id=t.space_id, title=f"Project of {t.name}", visibility="cohort",
                            created_by_id=k * 4 + 1, focus_stratifier="race", focus_group=RACE[2],
                            reference_group=RACE[4]) for k, t in enumerate(teams)]
        db.session.add_all(projects)
        db.session.commit()
        # The first measure of every project is the cohort's network measure, adopted by each team.
        facilitator = User(email="facilitator@bench.hub", username="facilitator", name="Bench Facilitator",
                           password_hash=pw, site_role="facilitator")
        db.session.add(facilitator)
        db.session.commit()
        item = measure_sets.publish_item(facilitator, measure_sets.measure_set_of(cohort), {
            "name": "Network measure", "kind": "outcome", "type": "proportion", "direction": "up",
            "period": "month", "stratifiers": ["race"]})
        measures = [measure_sets.adopt(facilitator, p, item.id) for p in projects]
        others = [Measure(project_id=p.id, name=f"Measure {m + 2}", type="proportion", stratifiers=["race"])
                  for p in projects for m in range(a.measures - 1)]
        db.session.add_all(others)
        db.session.commit()
        measures += others
        rows = []
        for measure in measures:
            for i in range(a.periods):
                period = date(2024 + i // 12, i % 12 + 1, 1)
                strata = []
                for group in RACE:
                    den = rng.choice((4, 9, 40, 120, 300))
                    strata.append((group, rng.randint(0, den) if i < a.periods // 2 else int(den * 0.7), den))
                for group, num, den in strata:
                    rows.append({"measure_id": measure.id, "period": period, "stratum": f"race={group}",
                                 "numerator": num, "denominator": den, "updated_by_id": 1, "updated_at": now})
                rows.append({"measure_id": measure.id, "period": period, "stratum": "",
                             "numerator": sum(s[1] for s in strata), "denominator": sum(s[2] for s in strata),
                             "updated_by_id": 1, "updated_at": now})
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(DataPoint), rows[start:start + 5000])
        db.session.commit()
        return {"measure_id": measures[0].id, "member": "person1@bench.hub", "peer": "person5@bench.hub",
                "rows": len(rows), "name": measures[0].name,
                "network": f"/cohorts/{cohort.id}/measures/{item.id}", "facilitator": "facilitator@bench.hub"}


def ceiling_database(folder: Path) -> Path:
    """The forums bench's ceiling reads 20 posts of one thread; a small database of just that."""
    path = folder / "ceiling.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("CREATE TABLE forum_posts (id INTEGER PRIMARY KEY, thread_id INT, author_id INT, number INT, "
                     "created_at TEXT, body_html TEXT)")
        conn.executemany("INSERT INTO users VALUES (?, ?)", [(i, f"Person {i}") for i in range(1, 8)])
        conn.executemany("INSERT INTO forum_posts VALUES (?, 1, ?, ?, '2026-11-30 10:00', ?)",
                         [(n, n % 7 + 1, n, f"<p>{forums.BODIES[n % len(forums.BODIES)][:300]}</p>")
                          for n in range(1, 21)])
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for name, kind in (("teams", int), ("measures", int), ("periods", int), ("seconds", float), ("rounds", int)):
        parser.add_argument(f"--{name}", type=kind)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--quick", action="store_true")
    a = parser.parse_args()
    for key, value in (QUICK if a.quick else FULL).items():
        setattr(a, key, value if getattr(a, key) is None else getattr(a, key))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    instance, procs = Path(tempfile.mkdtemp(prefix="bench-measures-")), []
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "FLASK_"))}
    env.update(HUB_INSTANCE_PATH=str(instance), HUB_SECRET_KEY="b" * 48, HUB_MAIL_LOOP="0",
               HUB_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000", HUB_LOGIN_LIMIT_PER_ACCOUNT="1000 per minute",
               HUB_LOGIN_LIMIT_PER_IP="1000 per minute", HUB_PAGE_CACHE="0")
    try:
        began = time.perf_counter()
        seeded = seed(env, a)
        print(f"seeded {seeded['rows']:,} data rows in {time.perf_counter() - began:.0f} s", flush=True)
        hub_port = forums.start_gunicorn("wsgi:app", ROOT, env, instance / "hub.log", procs)
        ceiling_env = dict(env, CEILING_DB=str(ceiling_database(instance)), CEILING_THREAD="1")
        ceiling_port = forums.start_gunicorn("forums:ceiling_app()", Path(__file__).resolve().parent, ceiling_env,
                                             instance / "ceiling.log", procs)
        member = [{"Cookie": forums.sign_in(hub_port, seeded["member"]), "User-Agent": forums.USER_AGENT}
                  for _ in range(a.concurrency)]
        peer = [{"Cookie": forums.sign_in(hub_port, seeded["peer"]), "User-Agent": forums.USER_AGENT}
                for _ in range(a.concurrency)]
        path = f"/measures/{seeded['measure_id']}?stratifier=race"
        marker = seeded["name"].encode()
        staff = [{"Cookie": forums.sign_in(hub_port, seeded["facilitator"]), "User-Agent": forums.USER_AGENT}
                 for _ in range(a.concurrency)]
        targets = {"ceiling": (ceiling_port, "/", forums.anonymous(a.concurrency), b"ceiling-ok"),
                   "measure": (hub_port, path, member, marker), "peer": (hub_port, path, peer, b"hidden"),
                   "network": (hub_port, seeded["network"], staff, b"Network measure")}
        for target in targets.values():
            forums.load_round(*target, 1.0)
        rates, latencies = {n: [] for n in targets}, {n: [] for n in targets}
        names = list(targets)
        for r in range(a.rounds):
            for name in names[r % len(names):] + names[:r % len(names)]:
                rate, lat, _cpu = forums.load_round(*targets[name], a.seconds)
                rates[name].append(rate)
                latencies[name] += lat
            print(f"round {r + 1}/{a.rounds}: " + "  ".join(f"{n} {rates[n][-1]:.0f}/s" for n in names), flush=True)
        ceiling = statistics.median(rates["ceiling"])
        print(f"\n{a.teams} teams x {a.measures} measures x {a.periods} months x {len(RACE)} strata; gunicorn 2 sync "
              f"workers; {a.concurrency} clients per target; {a.rounds} rounds x {a.seconds:g} s; "
              f"{os.cpu_count()} CPUs shared with the load generator.\n")
        print(f"{'target':<8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'x ceiling':>9} {'paired':>7} {'goal':>6}")
        for name in names:
            median = statistics.median(rates[name])
            cuts = statistics.quantiles([s * 1000 for s in latencies[name]], n=100)
            paired = statistics.median(r / c for r, c in zip(rates[name], rates["ceiling"]))
            goal = GOALS.get(name)
            verdict = "" if goal is None else ("PASS" if median / ceiling >= goal else "FAIL") + f" {goal}"
            print(f"{name:<8} {median:>7.1f} {cuts[49]:>7.1f} {cuts[98]:>7.1f} {median / ceiling:>9.2f} "
                  f"{paired:>7.2f} {verdict:>6}")
    finally:
        for proc in procs:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
