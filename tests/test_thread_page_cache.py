"""Kept thread pages (hub.forums.thread_pages): a reader's next visit is served from what was
rendered for them, and every change the page depends on shows on the very next visit."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from hub.extensions import db
from hub.forums import drafts, moderation, reactions, reading
from hub.forums import services as forum
from hub.forums.categories import categories_of
from hub.notify import services as notify
from hub.fastpath.page_cache import Kept, Pages
from hub.people import services as people
from tests.helpers import factories as f
from tests.helpers import login, post_form, without_request_tokens


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def queries_for(client, url: str) -> tuple[int, object]:
    seen = []
    listener = lambda *args: seen.append(1)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(seen), response


class _Page:
    """A page's text where without_request_tokens expects a response."""

    def __init__(self, text: str):
        self.text = text

    def get_data(self, as_text: bool = True) -> str:
        return self.text


def second_worker(app, **overrides):
    """Another app object on the same database, standing for another gunicorn worker: its own
    engine, its own kept pages (no tables made or dropped: they are the first app's)."""
    from config import TestConfig
    from hub import create_app
    from tests.conftest import IsolatedClient
    other = create_app(TestConfig(app.config["INSTANCE_PATH"], **overrides))
    other.test_client_class = IsolatedClient
    return other


def settled(client, thread) -> str:
    """Visit until the page is kept (the first visit marks the thread read, which the page shows)."""
    for _ in range(2):
        assert client.get(f"/threads/{thread.id}").status_code == 200
    return client.get(f"/threads/{thread.id}").get_data(as_text=True)


@pytest.fixture
def reader(app, world, ctx):
    client = app.test_client()
    login(client, world.participant)
    return client


@pytest.fixture
def discussion(world, ctx):
    thread = f.thread(world.participant, world.cohort.space, "Interpreter access at check-in", "Opening words")
    f.reply(world.teammate, thread, "We ask at booking.")
    notify.mark_read(world.participant)  # the reply's note: the bell starts empty
    return thread


def test_a_settled_page_is_served_from_the_kept_render_without_reading_posts(app, world, reader, discussion):
    long = f.thread(world.participant, world.cohort.space, "A long one", "Opening")
    for i in range(60):
        f.reply(world.teammate, long, f"Reply number {i}")
    notify.mark_read(world.participant)
    counts = {}
    for thread in (discussion, long):
        before = settled(reader, thread)
        seen = []
        listener = lambda _c, _cur, statement, *_a: seen.append(statement)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            response = reader.get(f"/threads/{thread.id}")
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert response.status_code == 200
        assert without_request_tokens(response) == without_request_tokens(_Page(before))  # the same page
        assert not [s for s in seen if "FROM forum_posts" in s]  # not one post read, rendered or counted
        assert not [s for s in seen if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
        counts[thread.id] = len(seen)
    f.reply(world.teammate, discussion, "Something new")
    fresh, _ = queries_for(reader, f"/threads/{discussion.id}")
    assert counts[discussion.id] == counts[long.id] < fresh


def test_a_kept_page_carries_this_requests_token_and_nonce(app, world, reader, discussion):
    settled(reader, discussion)
    response = reader.get(f"/threads/{discussion.id}")
    page = response.get_data(as_text=True)
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)[1]
    assert set(re.findall(r'name="csrf_token" value="([^"]+)"', page)) == {meta}
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])[1]
    assert set(re.findall(r'nonce="([^"]+)"', page)) == {nonce}
    again = reader.get(f"/threads/{discussion.id}").get_data(as_text=True)
    assert re.search(r'nonce="([^"]+)"', again)[1] != nonce  # a fresh nonce every time
    # The token from the kept page is good for writing.
    reply = reader.post(f"/threads/{discussion.id}/reply", data={"body": "Posted from a kept page", "csrf_token": meta})
    assert reply.status_code == 302
    assert "Posted from a kept page" in reader.get(f"/threads/{discussion.id}").get_data(as_text=True)


def _question(world):
    return f.thread(world.participant, world.cohort.space, "Which script works?", "Tell me", kind="question")


# (what changes, how, what the reader must see right after)
CHANGES = {
    "a reply": (lambda w, t, p: f.reply(w.teammate, t, "A brand new reply"), "A brand new reply"),
    "an edit": (lambda w, t, p: forum.edit_post(w.teammate, p, {"body": "Edited: we ask twice"}),
                "Edited: we ask twice"),
    "a reaction": (lambda w, t, p: reactions.toggle(w.teammate, t and p, "heart"),
                   '<span class="visually-hidden">heart</span>1'),
    "a lock": (lambda w, t, p: moderation.set_locked(w.facilitator, t, True), "Locked: only facilitators can reply"),
    "an author's new name": (lambda w, t, p: _rename(w.teammate, "Tessa Renamed"), "Tessa Renamed"),
    "a category's new name": (lambda w, t, p: _rename_category(w.facilitator, t), "Renamed category"),
    "an author's new picture": (lambda w, t, p: _picture(w.teammate), '<img class="avatar avatar-32" src="/people/'),
    "a saved draft": (lambda w, t, p: drafts.save(w.participant, f"reply:{t.id}", body="Half a thought"),
                      "Half a thought"),
    "a watching level": (lambda w, t, p: reading.set_level(w.participant, "muted", thread=t),
                         '<option value="muted" selected>'),
    "a notification": (lambda w, t, p: f.thread(w.teammate, w.cohort.space, "Look", f"@{w.participant.username} hi"),
                       '<span class="badge" id="notification-count" aria-live="polite">1</span>'),
    "becoming the space's facilitator": (lambda w, t, p: f.join_space(w.participant, w.cohort.space, "facilitator"),
                                         "Moderate this thread"),
    # Issue 17: a category's posting rights, and the reader's own reaction in the React picker.
    "a category closed to replies": (lambda w, t, p: _close_to_replies(w.facilitator, t),
                                     "Only the facilitators of this space reply in"),
    "the reader's own reaction": (lambda w, t, p: reactions.toggle(w.participant, p, "tada"),
                                  'aria-pressed="true" aria-label="React with celebrate"'),
}


def _close_to_replies(actor, thread):
    from hub.forums.categories import update_category
    update_category(actor, thread.category, {"who_may_reply": "facilitators"})


def _rename(person, name):
    person.name = name
    db.session.commit()


def _picture(person):
    import io

    from hub.people import avatars
    from tests.helpers.pictures import phone_jpeg
    upload = type("Upload", (), {"stream": io.BytesIO(phone_jpeg()), "filename": "me.jpg"})()
    avatars.set_picture(person, person, upload)


def _rename_category(actor, thread):
    from hub.forums.categories import update_category
    category = thread.category
    update_category(actor, category, {"name": "Renamed category", "slug": category.slug,
                                      "description": category.description})


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_the_page_shows_is_seen_on_the_next_visit(world, reader, discussion, change):
    make, expected = CHANGES[change]
    post = discussion and db.session.scalars(db.select(forum.Post).where(forum.Post.thread_id == discussion.id,
                                                                         forum.Post.number == 2)).one()
    assert expected not in settled(reader, discussion)
    make(world, discussion, post)
    assert expected in reader.get(f"/threads/{discussion.id}").get_data(as_text=True)


def test_hidden_posts_and_accepted_answers_show_at_once(world, reader):
    thread = _question(world)
    answer = f.reply(world.teammate, thread, "Use the teach-back script")
    rude = f.reply(world.teammate, thread, "Something rude")
    settled(reader, thread)
    moderation.set_post_hidden(world.facilitator, rude, True)
    forum.accept_answer(world.participant, thread, answer)
    page = reader.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Something rude" not in page and "Accepted answer" in page


@pytest.mark.parametrize("loss", ["removed from the team", "thread moved out of reach", "account deactivated"])
def test_losing_access_ends_the_kept_page_at_once(app, world, reader, discussion, loss):
    settled(reader, discussion)
    if loss == "removed from the team":
        people.remove_team_member(world.facilitator, world.team, world.participant)
        expected = 404
    elif loss == "thread moved out of reach":
        moderation.move_thread(world.facilitator, discussion, categories_of(world.other_team.space)[0])
        expected = 404
    else:
        world.participant.active = False
        db.session.commit()
        expected = 302  # signed out: to the sign-in page
    response = reader.get(f"/threads/{discussion.id}")
    assert response.status_code == expected
    assert "We ask at booking." not in response.get_data(as_text=True)


def test_a_removed_reactors_reaction_stops_counting_on_a_kept_page(world, reader, discussion, ctx):
    opening = discussion  # the teammate reacts to the opening post, then leaves the team
    from hub.forums.models import Post
    first = db.session.scalars(db.select(Post).where(Post.thread_id == opening.id, Post.number == 1)).one()
    reactions.toggle(world.teammate, first, "tada")
    assert '<span class="visually-hidden">celebrate</span>1' in settled(reader, discussion)
    people.remove_team_member(world.facilitator, world.team, world.teammate)
    assert '<span class="visually-hidden">celebrate</span>1' not in reader.get(
        f"/threads/{discussion.id}").get_data(as_text=True)


def test_pages_are_kept_per_reader_never_shared(app, world, reader, discussion):
    other = app.test_client()
    login(other, world.teammate)
    settled(other, discussion)  # kept for the teammate, who wrote the reply and may edit it
    mine = reader.get(f"/threads/{discussion.id}").get_data(as_text=True)
    theirs = other.get(f"/threads/{discussion.id}").get_data(as_text=True)
    from hub.forums.models import Post
    reply_id = db.session.scalars(db.select(Post.id).where(Post.thread_id == discussion.id, Post.number == 2)).one()
    assert f"/posts/{reply_id}/edit" in theirs and f"/posts/{reply_id}/edit" not in mine
    assert world.participant.name in mine.split("</header>")[0] and world.teammate.name in theirs.split("</header>")[0]


def test_a_flash_message_is_shown_once_and_never_kept(world, reader, discussion):
    settled(reader, discussion)
    response = post_form(reader, f"/threads/{discussion.id}/watch", {"level": "tracking"},
                         token_from=f"/threads/{discussion.id}", follow_redirects=True)
    assert "Notification level saved." in response.get_data(as_text=True)
    assert "Notification level saved." not in reader.get(f"/threads/{discussion.id}").get_data(as_text=True)


def test_another_process_writing_is_seen_through_the_database(app, world, reader, discussion):
    """Nothing tells the first worker about the second one's write: its stamp reads it."""
    settled(reader, discussion)
    second = second_worker(app)
    writer = second.test_client()
    login(writer, world.teammate)
    assert post_form(writer, f"/threads/{discussion.id}/reply", {"body": "Written by the other worker"},
                     token_from=f"/threads/{discussion.id}").status_code == 302
    assert "Written by the other worker" in reader.get(f"/threads/{discussion.id}").get_data(as_text=True)
    with second.app_context():
        db.engine.dispose()


def test_turned_off_every_visit_renders_afresh(app, world, discussion):
    off = second_worker(app, PAGE_CACHE_MB=0)
    client = off.test_client()
    login(client, world.teammate)
    for _ in range(2):
        client.get(f"/threads/{discussion.id}")
    with off.app_context():
        counts = [queries_for(client, f"/threads/{discussion.id}")[0] for _ in range(2)]
        assert off.extensions["hub_pages"] is False
        db.engine.dispose()
    on_counts = []
    other = app.test_client()
    login(other, world.participant)
    settled(other, discussion)
    on_counts = queries_for(other, f"/threads/{discussion.id}")[0]
    assert counts[0] == counts[1] > on_counts


def test_kept_pages_are_bounded_and_outdated_ones_dropped():
    pages = Pages(max_chars=1000)
    pages.put(("a",), Kept((1,), [[b"x" * 200]], None))
    pages.put(("b",), Kept((1,), [[b"y" * 200]], None))
    assert pages.get(("a",), (2,)) is None  # outdated: dropped, never served
    assert pages.get(("a",), (1,)) is None
    for name in "cdefg":
        pages.put((name,), Kept((1,), [[b"z" * 200]], None))
    assert pages.used <= 1000 and pages.get(("b",), (1,)) is None  # the least recently used went first
    pages.put(("huge",), Kept((1,), [[b"h" * 600]], None))
    assert pages.get(("huge",), (1,)) is None  # one page may not push out everything else


def test_secrets_are_cut_out_and_the_next_requests_joined_in():
    from hub.fastpath.page_cache import cut, joined
    page = '<meta content="TOK"><script nonce="NON"></script><input value="TOK">'.encode()
    parts = cut(page, "TOK", "NON")
    kept = b"".join(chunk for piece in parts for chunk in piece)
    assert b"TOK" not in kept and b"NON" not in kept and b"<input value=" in kept
    assert joined(parts, b"new", b"n2") == b'<meta content="new"><script nonce="n2"></script><input value="new">'


@pytest.mark.parametrize("where", ["commons", "cohort", "team"])
def test_a_kept_thread_page_costs_one_statement(app, world, reader, ctx, where):
    """The person's row, the thread and everything its stamp reads come in one statement; the
    sign-in check finds the person already read, and their ties to the space (a team member in
    their team's space and their cohort's, who holds no membership of either) come in it too."""
    space = {"commons": world.commons, "cohort": world.cohort.space, "team": world.team.space}[where]
    thread = f.thread(world.teammate, space, "Welcome, everyone", "Say hello")
    settled(reader, thread)
    seen = []
    listener = lambda _c, _cur, statement, *_a: seen.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        page = reader.get(f"/threads/{thread.id}")
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert page.status_code == 200 and "Say hello" in page.get_data(as_text=True)
    assert len(seen) == 1 and "FROM users LEFT OUTER JOIN forum_threads" in seen[0].replace("\n", " ")


def test_signed_in_by_a_remember_me_cookie_the_page_is_the_persons_own(app, world, ctx):
    from tests.helpers import login as sign_in
    thread = f.thread(world.teammate, world.commons, "Remembered", "Hello again")
    browser = app.test_client()
    sign_in(browser, world.participant, remember=True)
    browser.delete_cookie("hub_session")  # the browser was closed: only the remember-me cookie is left
    page = browser.get(f"/threads/{thread.id}")
    assert page.status_code == 200 and world.participant.name in page.get_data(as_text=True).split("</header>")[0]
    stranger = app.test_client()
    assert stranger.get(f"/threads/{thread.id}").status_code == 302  # to the sign-in page


def test_a_thread_moved_after_its_stamp_was_read_is_refused_before_it_renders(app, world, reader, discussion,
                                                                              monkeypatch):
    """The stamp's statement and rendering are two reads: a thread moved out of the reader's reach
    in between is asked of the policy again, through the ORM, and answers "not found"."""
    from hub.forums import thread_pages
    stale = thread_pages.load(world.participant.id, discussion.id)  # read while it was readable
    assert stale.readable and stale.thread.space.id == world.cohort.space.id
    moderation.move_thread(world.facilitator, discussion, categories_of(world.other_team.space)[0])
    monkeypatch.setattr(thread_pages, "load", lambda *_args: stale)
    response = reader.get(f"/threads/{discussion.id}")
    assert response.status_code == 404
    assert "We ask at booking." not in response.get_data(as_text=True)


def test_the_person_the_statement_reads_is_the_sessions_own_and_reads_in_full(world, discussion, ctx):
    """The person's row comes with the page's statement, narrowed to what a kept page reads; the
    session holds them as loaded: their other columns load when asked for, and nothing is written."""
    from hub.forums import thread_pages
    from hub.people.models import User
    user_id, email, bio = world.participant.id, world.participant.email, world.participant.bio
    thread_id = discussion.id
    db.session.expunge_all()
    person = thread_pages.load(user_id, thread_id).person
    assert db.session.get(User, user_id) is person
    written = []
    listener = lambda _c, _cur, statement, *_a: written.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert person.email == email and person.bio == bio
        db.session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert not [s for s in written if s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]
    assert any(s.lstrip().upper().startswith("SELECT") for s in written), "the unread columns were loaded"


def test_a_kept_thread_page_makes_no_orm_session(app, world, reader, monkeypatch):
    """A kept page asks the ORM nothing: the person its statement read waits in the request for a
    session that is never made (making and closing one is a fifth of such a page's cost)."""
    from hub import extensions
    thread = f.thread(world.teammate, world.commons, "Quiet", "No session needed")
    settled(reader, thread)
    made = []
    made_before = extensions.Session.__init__

    def counted(self, *args, **kwargs):
        made.append(self)
        made_before(self, *args, **kwargs)
    monkeypatch.setattr(extensions.Session, "__init__", counted)
    page = reader.get(f"/threads/{thread.id}")
    assert page.status_code == 200 and "No session needed" in page.get_data(as_text=True)
    assert made == []
    reader.get("/latest")  # a page that does use the ORM still makes its session
    assert len(made) == 1


def test_the_waiting_person_joins_the_first_session_and_reads_in_full(app, world, discussion):
    """Read before the request has a session, the person is the loader's answer and, once anything
    uses the ORM, the session's own: the same object, their unread columns loading when asked,
    and nothing written."""
    from hub.auth.sessions import load_user_from_session_id
    from hub.forums import thread_pages
    from hub.people.models import User
    from hub.auth.models import LoginSession, digest
    user_id, version, email, bio = (world.participant.id, world.participant.session_version,
                                    world.participant.email, world.participant.bio)
    db.session.add(LoginSession(user_id=user_id, key_hash=digest("this-browser")))
    db.session.commit()
    with app.app_context(), app.test_request_context():  # a request of its own: no ORM session yet
        person = thread_pages.load(user_id, discussion.id, digest("this-browser")).person
        assert not db.session.registry.has()
        # The statement also said the login session is live: the check asks nothing more.
        assert load_user_from_session_id(f"{user_id}:{version}:this-browser") is person
        assert not db.session.registry.has()
        written = []
        listener = lambda _c, _cur, statement, *_a: written.append(statement)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert db.session.get(User, user_id) is person
            assert person.email == email and person.bio == bio
            db.session.commit()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
            db.session.remove()
    assert not [s for s in written if s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]
    assert any(s.lstrip().upper().startswith("SELECT") for s in written), "the unread columns were loaded"


def test_after_a_remember_me_sign_in_the_page_reads_on_the_sessions_own_connection(app, world, ctx, monkeypatch):
    """Signed in from a remember-me cookie, the loader has already read in the session: the page's
    statement joins that read instead of holding a second connection from the pool."""
    from tests.helpers import login as sign_in
    thread = f.thread(world.teammate, world.commons, "Remembered", "Hello again")
    browser = app.test_client()
    sign_in(browser, world.participant, remember=True)
    browser.delete_cookie("hub_session")
    held, most = [0], [0]

    def checked_out(*_args):
        held[0] += 1
        most[0] = max(most[0], held[0])

    def checked_in(*_args):
        held[0] -= 1
    event.listen(db.engine, "checkout", checked_out)
    event.listen(db.engine, "checkin", checked_in)
    try:
        assert browser.get(f"/threads/{thread.id}").status_code == 200
    finally:
        event.remove(db.engine, "checkout", checked_out)
        event.remove(db.engine, "checkin", checked_in)
    assert most[0] == 1, "one connection at a time"
