"""Search at 100k documents: hub's Whoosh index beside SQLite FTS5 (bm25), same corpus, same queries.

Builds a throwaway instance: 40 spaces (2 community, 4 cohort, 34 team), 2,000 people and 100,000
forum documents (threads and replies) of generated English forum text: content words drawn from a
Zipf distribution over a health-equity and everyday vocabulary, function words at their natural
frequencies in English prose. Then, in the same run:

- indexing: `flask hub reindex`'s code path (database -> documents -> Whoosh) in docs/s, beside
  loading the same rows into an FTS5 table (porter stemmer, diacritics folded);
- 200 queries (1-3 words, phrases, OR, exclusions, prefixes, filters) as a participant who reads
  5 of the 40 spaces. hub: `hub.search.search()`, what the results page calls (permission filter
  inside the query, total, facets by type and space, highlighted snippets, each hit re-checked with
  the policy). FTS5: the same answer in SQL (top 20 by bm25 with snippets, the total, both facets),
  restricted to the same 5 spaces.

Prints p50/p95 per engine and the ratio. Goals: hub p95 <= 2 x FTS5 p95; reindex >= 500 docs/s.

    .venv/bin/python bench/search.py            # full run (a few minutes)
    .venv/bin/python bench/search.py --quick    # smoke run (10k documents)
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.search_corpus import Corpus, make_queries  # noqa: E402

FULL = {"docs": 100_000, "queries": 200, "repeat": 3}
QUICK = {"docs": 10_000, "queries": 60, "repeat": 2}
GOAL_RATIO, GOAL_DOCS_PER_S = 2.0, 500


def seed(env: dict, corpus: Corpus, n_docs: int) -> dict:
    """Migrate, then bulk insert spaces, people, threads and replies (Core executemany)."""
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    from sqlalchemy import insert
    from config import Config
    from hub import create_app
    from hub.extensions import db
    from hub.forums.models import Category, Post, Thread, ThreadTag
    from hub.people.models import Cohort, Organization, Team, TeamMembership, User
    from hub.search.queue import SearchQueue
    from hub.spaces.services import new_space

    rng, now = random.Random(7), datetime(2026, 11, 30)
    app = create_app(Config(env))
    with app.app_context():
        db.session.execute(insert(User), [{"id": i, "email": f"p{i}@bench.hub", "username": f"person{i}",
                                           "name": corpus.name(i), "password_hash": "x", "bio": corpus.sentence(),
                                           "created_at": now - timedelta(days=900)} for i in range(1, 2001)])
        org = Organization(name="Bench Health")
        communities = [new_space("community", f"Community {i}") for i in range(2)]
        cohorts = [Cohort(name=f"Cohort {i}", program="learning_network", space=new_space("cohort", f"Cohort {i}"))
                   for i in range(4)]
        teams = [Team(name=f"Team {i}", organization=org, space=new_space("team", f"Team {i}"),
                      cohorts=[cohorts[i % 4]]) for i in range(34)]
        db.session.add_all([org, *cohorts, *teams])
        db.session.commit()
        # The participant (user 1) is on teams 0 and 4, both in cohort 0: 2 + 1 + 2 = 5 readable spaces.
        rows = [{"team_id": teams[0].id, "user_id": 1, "role": "member"},
                {"team_id": teams[4].id, "user_id": 1, "role": "member"}]
        rows += [{"team_id": t.id, "user_id": 2 + k * 5 + j, "role": "member"} for k, t in enumerate(teams)
                 for j in range(5)]
        db.session.execute(insert(TeamMembership), rows)
        spaces = [s.id for s in communities] + [c.space_id for c in cohorts] + [t.space_id for t in teams]
        cats = {s: db.session.scalar(db.select(Category.id).where(Category.space_id == s).limit(1)) for s in spaces}
        threads, posts, tags, post_id, tid, made = [], [], [], 0, 0, 0
        conn = db.session.connection()
        while made < n_docs:
            tid += 1
            space, start = rng.choice(spaces), now - timedelta(days=rng.uniform(1, 700))
            replies = min(n_docs - made - 1, int(rng.paretovariate(1.3) * 3) + rng.randint(0, 6))
            question = rng.random() < 0.15
            threads.append({"id": tid, "space_id": space, "category_id": cats[space], "author_id": rng.randint(1, 2000),
                            "kind": "question" if question else "discussion", "title": corpus.title(),
                            "created_at": start, "last_posted_at": start, "last_post_number": replies + 1,
                            "reply_count": replies, "accepted_post_id": None})
            tags += [{"thread_id": tid, "tag": t} for t in rng.sample(corpus.tags, rng.choice((0, 0, 1, 2)))]
            for number in range(1, replies + 2):
                post_id += 1
                body = corpus.post()
                posts.append({"id": post_id, "thread_id": tid, "number": number, "author_id": rng.randint(1, 2000),
                              "body": body, "body_html": body, "created_at": start + timedelta(hours=number)})
            if question and replies and rng.random() < 0.5:
                threads[-1]["accepted_post_id"] = post_id
            made += replies + 1
            if len(posts) >= 20_000 or made >= n_docs:
                for model, batch in ((Thread, threads), (Post, posts), (ThreadTag, tags)):
                    if batch:
                        conn.execute(insert(model), batch)
                threads, posts, tags = [], [], []
        db.session.execute(db.delete(SearchQueue))  # the bench indexes in one go, like `hub reindex`
        db.session.commit()
        readable = {s.id for s in communities} | {cohorts[0].space_id, teams[0].space_id, teams[4].space_id}
        info = {"threads": tid, "posts": post_id, "readable": sorted(readable), "slugs": {
            s: db.session.get(type(communities[0]), s).slug for s in readable}}
        db.session.remove()
        db.engine.dispose()
    return info


def load_fts(path: Path, env: dict) -> tuple[sqlite3.Connection, float, int]:
    """The same documents as hub indexes (threads with their opening post, replies), into FTS5."""
    source = sqlite3.connect(Path(env["HUB_INSTANCE_PATH"]) / "hub.sqlite3")
    fts = sqlite3.connect(path)
    fts.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, kind UNINDEXED, space UNINDEXED, "
                "tags UNINDEXED, author UNINDEXED, created UNINDEXED, tokenize='porter unicode61 remove_diacritics 2')")
    began = time.perf_counter()
    rows = source.execute(
        "SELECT 'thread', t.title, p.body, t.space_id, t.author_id, t.created_at, "
        "(SELECT group_concat(tag, ',') FROM forum_thread_tags g WHERE g.thread_id = t.id) "
        "FROM forum_threads t JOIN forum_posts p ON p.thread_id = t.id AND p.number = 1 "
        "UNION ALL SELECT 'post', '', p.body, t.space_id, p.author_id, p.created_at, "
        "(SELECT group_concat(tag, ',') FROM forum_thread_tags g WHERE g.thread_id = t.id) "
        "FROM forum_posts p JOIN forum_threads t ON t.id = p.thread_id WHERE p.number > 1")
    n = 0
    with fts:
        for kind, title, body, space, author, created, tags in rows:
            fts.execute("INSERT INTO docs (title, body, kind, space, tags, author, created) VALUES (?,?,?,?,?,?,?)",
                        (title, body, kind, space, tags or "", author, created))
            n += 1
    seconds = time.perf_counter() - began
    source.close()
    return fts, seconds, n


def fts_answer(fts: sqlite3.Connection, match: str, where: str, params: list, facets: bool = True) -> int:
    """What the results page needs, in FTS5 at its best: the top 20 by bm25 with snippets, then
    the total and both facets from one grouped pass."""
    base = f"FROM docs WHERE docs MATCH ? AND {where}"
    args = [match, *params]
    top = fts.execute(f"SELECT rowid, snippet(docs, 1, '<mark>', '</mark>', '…', 24), bm25(docs, 3.0, 1.0) AS rank "
                      f"{base} ORDER BY rank LIMIT 20", args).fetchall()
    if not facets:
        return len(top)
    groups = fts.execute(f"SELECT kind, space, count(*) {base} GROUP BY kind, space", args).fetchall()
    return sum(n for _kind, _space, n in groups)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    a = argparse.Namespace(**(QUICK if parser.parse_args().quick else FULL))
    work = Path(tempfile.mkdtemp(prefix="hub-search-bench-"))
    env = dict(os.environ, HUB_INSTANCE_PATH=str(work / "instance"), HUB_SECRET_KEY="b" * 40)
    for key in [k for k in env if k.startswith(("HUB_DATABASE", "HUB_REDIS"))]:
        env.pop(key)
    os.environ.update(env)
    try:
        corpus = Corpus(seed=2026)
        began = time.perf_counter()
        info = seed(env, corpus, a.docs)
        print(f"seeded {info['threads']} threads and {info['posts']} posts in {time.perf_counter() - began:.1f} s")

        from config import Config
        from hub import create_app, search
        from hub.search import rebuild as search_rebuild
        from hub.extensions import db
        from hub.people.models import User

        app = create_app(Config(env))
        with app.app_context():
            began = time.perf_counter()
            indexed = search_rebuild.reindex()
            hub_index_s = time.perf_counter() - began
            fts, fts_index_s, fts_docs = load_fts(work / "fts.sqlite3", env)
            print(f"indexing: hub {indexed} docs in {hub_index_s:.1f} s ({indexed / hub_index_s:,.0f} docs/s); "
                  f"FTS5 {fts_docs} docs in {fts_index_s:.1f} s ({fts_docs / fts_index_s:,.0f} docs/s)")

            participant = db.session.get(User, 1)
            assert search.search(participant, "equity").total > 0
            queries = make_queries(corpus, a.queries, info["slugs"], random.Random(11))
            spaces = ",".join(str(s) for s in info["readable"])
            hub_ms, fts_ms, totals, hub_top_ms, fts_top_ms = [], [], [], [], []
            for hub_query, match, where, params in queries:  # warm both: caches, page cache, lexicons
                search.search(participant, hub_query)
                fts_answer(fts, match, f"space IN ({spaces})" + where, params)
            for _ in range(a.repeat):
                for hub_query, match, where, params in queries:
                    t0 = time.perf_counter()
                    found = search.search(participant, hub_query)
                    t1 = time.perf_counter()
                    total = fts_answer(fts, match, f"space IN ({spaces})" + where, params)
                    t2 = time.perf_counter()
                    hub_ms.append((t1 - t0) * 1000)
                    fts_ms.append((t2 - t1) * 1000)
                    totals.append((found.total, total))
                    # Reference: the top 20 alone (what typeahead asks), no total or facets.
                    t0 = time.perf_counter()
                    search.search(participant, hub_query, facets=False)
                    t1 = time.perf_counter()
                    fts_answer(fts, match, f"space IN ({spaces})" + where, params, facets=False)
                    t2 = time.perf_counter()
                    hub_top_ms.append((t1 - t0) * 1000)
                    fts_top_ms.append((t2 - t1) * 1000)
        hub_p50, hub_p95 = statistics.median(hub_ms), percentile(hub_ms, 95)
        fts_p50, fts_p95 = statistics.median(fts_ms), percentile(fts_ms, 95)
        agree = sum(1 for h, s in totals if (h == 0) == (s == 0)) / len(totals)
        print(f"\n{len(queries)} queries x {a.repeat}, as a participant reading 5 of 40 spaces "
              f"(median hits: hub {statistics.median(h for h, _ in totals):.0f}, "
              f"FTS5 {statistics.median(s for _, s in totals):.0f}; both empty or both not: {agree:.0%})")
        print("| engine, answer | p50 ms | p95 ms |\n|---|---:|---:|")
        print(f"| hub (Whoosh), results page: top 20 + total + facets | {hub_p50:.1f} | {hub_p95:.1f} |")
        print(f"| SQLite FTS5, the same | {fts_p50:.1f} | {fts_p95:.1f} |")
        print(f"| hub (Whoosh), top 20 only | {statistics.median(hub_top_ms):.1f} | {percentile(hub_top_ms, 95):.1f} |")
        print(f"| SQLite FTS5, top 20 only | {statistics.median(fts_top_ms):.1f} | {percentile(fts_top_ms, 95):.1f} |")
        ratio = hub_p95 / fts_p95
        top_ratio = percentile(hub_top_ms, 95) / percentile(fts_top_ms, 95)
        print(f"\np95 ratio, top 20 only: {top_ratio:.2f}")
        rate = indexed / hub_index_s
        print(f"\np95 ratio hub / FTS5: {ratio:.2f} (goal <= {GOAL_RATIO}) -> {'met' if ratio <= GOAL_RATIO else 'NOT met'}")
        print(f"reindex: {rate:,.0f} docs/s (goal >= {GOAL_DOCS_PER_S}) -> "
              f"{'met' if rate >= GOAL_DOCS_PER_S else 'NOT met'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
