"""The thread page, kept rendered for each reader until anything it shows them changes.

Reading is what a forum mostly does: the same people open the same threads again and again, and
rendering fifty posts with their reactions and actions is most of a thread page's cost. So the
rendered page is kept (hub.fastpath.page_cache) under a stamp worked out on every request, after the
policy has let the person in:

- the person's SpaceFacts for the thread's space, the only policy input the page's rules read
  (hub.policy.permissions), so losing or gaining a right changes the stamp;
- `forum_threads.version`, moved in the same transaction as any change to the thread, its posts,
  their reactions and attachments or its tags (the counter registered below with hub.fastpath.versions:
  no writer has to remember it);
- the people epoch (memberships, names, roles, profile pictures: what decides whose reactions
  count, what names read and whose picture shows; categories too, so a category's posting
  rights, which decide the reply form, and the spaces a moderator may move the thread to), the
  person's read position, reply draft, watching levels and unread notification count;
- the language, time zone, name and site role the page is rendered for, and the page number.

Everything else the template reads is either in those rows or fixed for the person. A page with
a flash message to show is never kept or served from here.

The person, the thread and the stamp's rows come in one statement run as plain SQL (`load`):
the policy admits the person on those rows, and only a page that must be rendered reads the
thread through the ORM, asking the policy again (`as_model`).
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any, Callable, NamedTuple

from flask import g, session
from flask_babel import get_locale, get_timezone
from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased, joinedload

from hub import policy
from hub.fastpath import page_cache, plain_sql, versions
from hub.auth import sessions
from hub.extensions import db
from hub.forums.models import Category, Draft, Post, PostAttachment, Reaction, ReadState, Thread, ThreadTag
from hub.notify import services as notify
from hub.notify.models import Notification, Watch
from hub.people.models import Cohort, Team, TeamMembership, User
from hub.spaces.models import Space, SpaceMembership

for _model in (Space, SpaceMembership, TeamMembership, Team, Cohort, Category):
    page_cache.epoch_moves_with(_model)
page_cache.epoch_moves_with(User, ("name", "active", "site_role", "avatar_key"))


def _thread_of_post(post_ids: list[int]):
    return select(Post.thread_id).where(Post.id.in_(post_ids))


# A thread's version moves with every change its page shows: the thread, its posts and tags, and
# its posts' reactions and attachments (hub.fastpath.versions).
versions.register(versions.Counter(
    Thread.__table__, direct={Thread: lambda t: t.id, Post: lambda p: p.thread_id, ThreadTag: lambda t: t.thread_id},
    through={Reaction: (lambda r: r.post_id, _thread_of_post), PostAttachment: (lambda a: a.post_id, _thread_of_post)}))


# The thread's space, by its own name: reads_space reads `spaces` in a subquery of its own.
_SPACE = aliased(Space)
# What the sign-in check, the language and zone, the policy and the stamp read, and no more: every
# other column costs each request its conversion. The person's other attributes load when something
# reads them (rendering does, once); the thread and its space are read again whole to render.
_PERSON_KEYS = ("id", "name", "username", "site_role", "active", "session_version", "preferred_language",
                "time_zone")
_THREAD_KEYS = ("id", "space_id", "category_id", "author_id", "kind", "created_at", "locked_at", "hidden_at",
                "deleted_at")
_SPACE_KEYS = ("id", "kind", "visibility", "history_policy", "agreement_version", "archived_at", "slug")
_TIE_KEYS = ("tie_role", "tie_accepted_version", "tie_joined_at", "tie_through_team")  # policy.membership_columns
# What a kept page of the thread depends on for the person, in the order `stamp` reads them
# (last_read third, the bell's "anything unread?" last).
STAMP_KEYS = ("version", "epoch", "last_read", "draft_at", "watch_thread", "watch_category", "any_unread")


class SpaceRow(namedtuple("SpaceRow", _SPACE_KEYS)):
    """What the policy reads of a space, as the stamp's statement read it."""
    __slots__ = ()
    is_archived = Space.is_archived  # the model's own definition


class ThreadRow(namedtuple("ThreadRow", (*_THREAD_KEYS, "space"))):
    """What the policy reads of a thread, and its space, as the stamp's statement read them: enough
    to admit the person and to stamp the page. Rendering reads the thread through the ORM (`as_model`)."""
    __slots__ = ()


def _load_query():
    """Built once: the person's own row, the thread with its space, and the rows a kept page of it
    depends on for that person, in one statement, run on the driver's cursor (hub.fastpath.plain_sql: the
    ORM's and even Core's handling of a statement this wide costs more than the statement). The person's row is placed in the
    session as loaded (hub.auth.sessions.place_loaded_person), where the sign-in check then
    finds it; the other values are used only once the sign-in and the policy have spoken."""
    user_id, thread_id, draft_key = bindparam("user_id"), bindparam("thread_id"), bindparam("draft_key")
    login_key = bindparam("login_key")
    mine = Watch.user_id == user_id
    # Whether the thread's space is one the person may read: a thread elsewhere is then refused
    # after this one statement, as a missing id is (the policy asks nothing more).
    readable = policy.reads_space(Thread.space_id, user_id, User.site_role)
    ties = policy.membership_columns(user_id, Thread.space_id)
    return select(
        *(getattr(User, key).label("person_" + key) for key in _PERSON_KEYS),
        *(getattr(Thread, key).label("thread_" + key) for key in _THREAD_KEYS),
        *(getattr(_SPACE, key).label("space_" + key) for key in _SPACE_KEYS),
        readable.label("readable"),
        # The stamp's rows (STAMP_KEYS):
        Thread.version.label("version"), page_cache.epoch_column().label("epoch"),
        select(ReadState.last_read_number).where(ReadState.user_id == user_id, ReadState.thread_id == Thread.id)
        .scalar_subquery().label("last_read"),
        select(Draft.updated_at).where(Draft.user_id == user_id, Draft.key == draft_key).scalar_subquery()
        .label("draft_at"),
        select(Watch.level).where(mine, Watch.thread_id == Thread.id).scalar_subquery().label("watch_thread"),
        select(Watch.level).where(mine, Watch.thread_id.is_(None), Watch.category_id == Thread.category_id)
        .scalar_subquery().label("watch_category"),
        # Whether the bell has anything to count: most readers have nothing unread, and then the
        # count (which asks the policy about each note's subject) needs no query of its own.
        select(Notification.id).where(Notification.user_id == user_id, Notification.read_at.is_(None)).limit(1)
        .scalar_subquery().label("any_unread"),
        # The person's ties to the thread's space, for the policy's facts.
        *(column.label(name) for column, name in zip(ties, _TIE_KEYS)),
        # Whether the browser's login session is live, for the sign-in check.
        sessions.live_login_session_column(user_id, login_key).label("login_session_id"),
    # The person's row comes even for a thread id that does not exist, so that such a "not found"
    # costs what one in a space they cannot read does: this statement, and nothing else.
    ).outerjoin_from(User, Thread, Thread.id == thread_id).outerjoin(_SPACE, _SPACE.id == Thread.space_id).where(
        User.id == user_id)  # one row: by key


LOAD_QUERY = plain_sql.PlainStatement(_load_query())


class Loaded(NamedTuple):
    """What `load` found: the thread (None if there is none, or no such person), what its page's
    stamp reads for the person, their ties to its space (policy.Ties) and whether it is a space they may
    read (both for policy.require_thread), and their row, which the caller holds on to until the
    sign-in check has found it (the session keeps only weak references to what it loaded)."""
    thread: ThreadRow | None
    rows: tuple
    membership: Any
    readable: Any
    person: User | None


def load(user_id: int, thread_id: int, login_key: str = "") -> Loaded:
    """`login_key` is the digest of the login session key the cookie names: the statement answers
    whether it is live, and the sign-in check takes that answer (hub.auth.sessions.note_checked)."""
    params = {"user_id": user_id, "thread_id": thread_id, "draft_key": f"reply:{thread_id}",
              "login_key": login_key}
    if db.session.registry.has() and db.session().in_transaction():
        # Something read already (a remember-me sign-in): read there too, so a request never holds
        # two connections and what it renders is never older than its stamp.
        row = LOAD_QUERY.one_or_none(db.session.connection(), params)
    else:
        # Usually the first read: on a connection of its own, a kept page never makes an ORM session
        # (hub.fastpath.session.Session). Rendering reads again in one (`as_model`).
        with db.engine.connect() as connection:
            row = LOAD_QUERY.one_or_none(connection, params)
    if row is None:  # no such person
        return Loaded(None, (), policy.ASK, False, None)
    sessions.note_checked(login_key, row.login_session_id)
    person = sessions.place_loaded_person({key: getattr(row, "person_" + key) for key in _PERSON_KEYS})
    if row.thread_id is None:  # no such thread
        return Loaded(None, (), policy.ASK, False, person)
    thread = ThreadRow(*(getattr(row, "thread_" + key) for key in _THREAD_KEYS),
                       space=SpaceRow(*(getattr(row, "space_" + key) for key in _SPACE_KEYS)))
    return Loaded(thread, tuple(getattr(row, key) for key in STAMP_KEYS),
                  policy.membership_from([getattr(row, key) for key in _TIE_KEYS]), bool(row.readable), person)


def as_model(user, seen: ThreadRow) -> Thread:
    """The thread through the ORM, for rendering its page. Read again, so it is asked of the policy
    again: it may have moved since the stamp's statement."""
    thread = db.session.get(Thread, seen.id, options=[joinedload(Thread.space)])
    policy.require_thread(user, thread)
    return thread


def stamp(user, facts: policy.SpaceFacts, rows: tuple, page: int) -> tuple:
    """Everything the page shows this person that can change: the facts, the rows and the bell."""
    # The bell shows it; base.html reuses it.
    g.unread_notifications = notify.unread_count(user) if rows[-1] is not None else 0
    # (The locale and zone objects are the same ones for the same language and zone: hub.i18n.)
    return (facts, rows[:-1], g.unread_notifications, get_locale(), get_timezone(), user.name,
            user.site_role, page)


def serve(user, thread: ThreadRow, facts: policy.SpaceFacts, rows: tuple, page: int,
          render: Callable[[], tuple[str, int | None]]) -> bytes | str:
    """The thread page for `user`, whom policy.require_thread let in with `facts`; `rows` come from
    `load`, and `render` returns (html, read up to)."""
    if session.get("_flashes"):
        html, read_to = render()
        last_read = None
    else:
        current = stamp(user, facts, rows, page)
        html, read_to, _hit = page_cache.serve(("thread", user.id, thread.id, page), current, render)
        last_read = rows[2]
    if read_to is not None and (last_read is None or read_to > last_read):
        from hub.forums import reading
        reading.mark_read_to(user, thread, read_to)
    return html
