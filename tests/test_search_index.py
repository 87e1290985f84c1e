"""The index never goes stale: failed writes and a busy index are retried from the database
queue, several processes write at once without harm, and reindex rebuilds and checks."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hub import search
from hub.search import queue as search_queue
from hub.search import rebuild as search_rebuild
from hub.search.documents import document_for
from hub.extensions import db
from hub.forums import services as forum
from tests.helpers import factories as f

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def thread(app, world):
    with app.test_request_context():
        made = f.thread(world.participant, world.commons, "Baseline thread", "original words")
    assert search.search(world.participant, "original").total == 1
    return made


def _opening(thread):
    from hub.forums.models import Post
    return db.session.scalar(db.select(Post).where(Post.thread_id == thread.id, Post.number == 1))


def test_a_failed_index_write_is_kept_and_retried_until_the_index_converges(app, world, thread, monkeypatch):
    def broken(*_args, **_kwargs):
        raise OSError("disk full (simulated)")
    monkeypatch.setattr("whoosh.writing.SegmentWriter.commit", broken)
    with app.test_request_context():
        forum.edit_post(world.participant, _opening(thread), {"body": "replacement platypus"})
    assert search_queue.drain() is False
    row = db.session.scalars(db.select(search_queue.SearchQueue)).one()
    # The index failed, not the document: recorded, retried, never counted towards giving up.
    assert row.attempts == 0 and "disk full" in row.last_error
    assert search.search(world.participant, "original").hits == []  # queued: left out, not shown stale
    monkeypatch.undo()
    assert not search_rebuild.check().ok  # the check sees the lag
    assert search.search(world.participant, "platypus").total == 1  # the next search drains it
    assert search.search(world.participant, "original").total == 0
    assert search_queue.pending_count() == 0 and search_rebuild.check().ok


def test_a_busy_index_leaves_the_change_queued_and_the_policy_still_decides(app, world, thread):
    ix = search.get_index()
    lock = ix.storage.lock(ix.indexname + "_WRITELOCK")
    assert lock.acquire()  # another process is writing
    try:
        with app.test_request_context():
            forum.edit_post(world.participant, _opening(thread), {"body": "echidna notes"})
            from hub.forums.categories import categories_of
            from hub.forums import moderation
            moderation.move_thread(world.facilitator, thread, categories_of(world.team.space)[0])
        found = search.search(world.outsider, "original")
        # The index still says commons, but a queued document is left out of everything:
        # no hit, no count, no facet, no suggestion from what it used to say.
        assert found.hits == [] and found.total == 0 and found.facets.get("kind", {}) == {}
        assert search.search(world.outsider, "originel").did_you_mean is None
        assert search_queue.pending_count() >= 2
    finally:
        lock.release()
    assert search.search(world.participant, "echidna").total == 1
    assert search.search(world.outsider, "echidna").total == 0
    assert search_rebuild.check().ok


WRITER = textwrap.dedent("""
    import sys
    from config import TestConfig
    from hub import create_app
    from hub.search import queue as search_queue
    from hub.extensions import db
    from hub.people.models import User
    from hub.spaces.models import Space
    from tests.helpers import factories as f
    app = create_app(TestConfig(sys.argv[1]))
    with app.app_context(), app.test_request_context():
        author = db.session.get(User, int(sys.argv[2]))
        space = db.session.get(Space, int(sys.argv[3]))
        for n in range(int(sys.argv[5])):
            thread = f.thread(author, space, f"Process {sys.argv[4]} thread {n}", "concurrent wallaby words")
            f.reply(author, thread, f"wallaby reply {n}")
            search_queue.drain(timeout=0.2)  # as a request's teardown would: never block for long
        # Whatever stayed queued is another process's turn; finish ours before leaving.
        while search_queue.pending_count():
            search_queue.drain(timeout=2.0)
    print("done")
""")


def test_several_processes_writing_at_once_neither_corrupt_nor_block_each_other(app, world):
    instance = app.config["INSTANCE_PATH"]
    db.session.commit()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, instance, str(world.participant.id),
                               str(world.commons.id), str(n), "12"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(3)]
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0 and "done" in out, err[-2000:]
    results = search.search(world.participant, "wallaby", per_page=50)
    assert results.total == 3 * 12 * 2
    result = search_rebuild.check()
    assert result.ok, (result.missing[:5], result.extra[:5], result.stale[:5])


def test_reindex_rebuilds_everything_and_check_reports_the_difference(app, world, thread):
    runner = app.test_cli_runner()
    ix = search.get_index()
    with ix.writer() as writer:
        writer.delete_by_term("key", f"thread:{thread.id}")
        writer.delete_by_term("key", f"person:{world.admin.id}")
    checked = runner.invoke(args=["hub", "reindex", "--check"])
    assert checked.exit_code == 1
    assert "2 missing" in checked.output and f"missing: thread:{thread.id}" in checked.output
    rebuilt = runner.invoke(args=["hub", "reindex"])
    assert rebuilt.exit_code == 0, rebuilt.output
    count = lambda table: len(db.session.scalars(db.select(db.text("id")).select_from(db.text(table))).all())  # noqa: E731
    expected = 1 + count("users") + count("spaces")  # the thread, the people and the spaces (by name)
    assert f"Indexed {expected} documents." in rebuilt.output
    assert runner.invoke(args=["hub", "reindex", "--check"]).exit_code == 0
    assert search.search(world.participant, "baseline").total == 1


def test_reindex_check_reports_stale_and_extra_documents(app, world, thread):
    with search.get_index().writer() as writer:
        writer.update_document(**{**document_for(f"thread:{thread.id}"),
                                  "body": "something old", "digest": "0"})
        writer.add_document(key="thread:999999", kind="thread", id=999999, space=f"s{world.commons.id}",
                            hidden="0", title="Ghost")
    result = search_rebuild.check()
    assert result.stale == [f"thread:{thread.id}"] and result.extra == ["thread:999999"] and not result.missing
    # The ghost is also never shown: nothing in the database stands behind it.
    assert search.search(world.participant, "ghost").hits == []


def test_a_document_that_cannot_be_built_strands_only_itself(app, world, thread, monkeypatch):
    """One broken profile must not hold back a moderator's hide queued beside it; once it has
    failed MAX_ATTEMPTS times its old entry is removed rather than left saying something stale."""
    from hub.forums import moderation
    from hub.people import search_docs as people_docs
    real = people_docs.person_document

    def fragile(person):
        if person.id == world.teammate.id:
            raise ValueError("broken profile (simulated)")
        return real(person)
    monkeypatch.setattr(people_docs, "person_document", fragile)
    with app.test_request_context():
        world.teammate.bio = "Quollzz enthusiast"
        db.session.commit()
        reply = f.reply(world.participant, thread, "quollzz sightings")
        moderation.set_post_hidden(world.facilitator, reply, True, "check")
    for _attempt in range(search_queue.MAX_ATTEMPTS):
        search_queue.drain()
    assert search.search(world.outsider, "quollzz").total == 0
    assert search.search(world.participant, "quollzz").total == 1  # their hidden reply, applied
    stuck = db.session.scalars(db.select(search_queue.SearchQueue)).all()
    assert [r.doc_key for r in stuck] == [f"person:{world.teammate.id}"]
    assert stuck[0].attempts == search_queue.MAX_ATTEMPTS and "broken profile" in stuck[0].last_error
    with search.open_searcher(search.get_index()) as searcher:
        assert searcher.document_number(key=f"person:{world.teammate.id}") is None  # failed closed
    monkeypatch.undo()
    assert search_rebuild.check().stuck == [f"person:{world.teammate.id}"]  # and reported
