"""hub.fastpath.plain_sql: a statement run on the driver's cursor answers exactly what Core answers for it,
with the same conversions, and is seen by whatever watches the statements sent. Runs on SQLite
and, in the PostgreSQL lane, on PostgreSQL."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import bindparam, event, literal, select

from hub.extensions import db
from hub.forums import drafts, moderation, reading
from hub.forums.thread_pages import LOAD_QUERY
from hub.notify import services as notify
from hub.people.models import User
from hub.fastpath.plain_sql import PlainStatement
from hub.spaces.models import SpaceMembership
from tests.helpers import factories as f


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def both(statement: PlainStatement, params: dict):
    with db.engine.connect() as connection:
        plain = statement.one_or_none(connection, params)
        core = connection.execute(statement.statement, params).one_or_none()
    return plain, (tuple(core) if core is not None else None)


def test_the_thread_pages_statement_reads_what_core_reads_for_every_kind_of_reader(world, ctx):
    thread = f.thread(world.member, world.secret, "Circle notes", f"@{world.facilitator.username} hello")
    f.reply(world.facilitator, thread, "A reply")
    reading.mark_read_to(world.member, thread, 1)
    reading.set_level(world.member, "watching", thread=thread)
    drafts.save(world.member, f"reply:{thread.id}", body="half a thought")
    moderation.set_locked(world.facilitator, thread, True)
    notify.notify([world.member.id], "test", "a note", "/", world.secret)
    db.session.commit()
    compared = 0
    for person in (world.member, world.facilitator, world.admin, world.outsider, world.removed_member,
                   world.deactivated):
        for thread_id in (thread.id, thread.id + 1000):
            plain, core = both(LOAD_QUERY, {"user_id": person.id, "thread_id": thread_id,
                                            "draft_key": f"reply:{thread_id}", "login_key": ""})
            assert plain == core
            compared += 1
    # The member's own row, with the values that need converting (the driver's text and integers
    # on SQLite become datetimes and booleans): nothing came back as the driver sent it.
    member, _ = both(LOAD_QUERY, {"user_id": world.member.id, "thread_id": thread.id,
                                  "draft_key": f"reply:{thread.id}", "login_key": ""})
    assert member[4] is True  # active
    assert any(isinstance(value, datetime) for value in member)  # created_at, locked_at, the draft's
    assert "watching" in member and "member" in member  # the watch level, the membership's role
    assert compared == 12


def test_no_row_is_none_and_literal_and_repeated_binds_are_filled_in(world, ctx):
    who = bindparam("who")
    statement = PlainStatement(
        select(User.id, User.active, User.created_at, literal("fixed"), (User.id == who))
        .where(User.id == who, (User.site_role == "participant") | (User.name == "nobody")))
    plain, core = both(statement, {"who": world.participant.id})
    assert plain == core and plain[0] == world.participant.id and plain[1] is True and plain[3] == "fixed"
    assert isinstance(plain[2], datetime)
    assert both(statement, {"who": -1}) == (None, None)


def test_a_statement_that_would_expand_a_list_per_execution_is_refused(world, ctx):
    statement = PlainStatement(select(User.id).where(User.id.in_(bindparam("ids", expanding=True))))
    with db.engine.connect() as connection, pytest.raises(ValueError, match="expand"):
        statement.one_or_none(connection, {"ids": [1, 2]})


def test_more_than_one_row_is_an_error_not_a_silent_first(world, ctx):
    statement = PlainStatement(select(User.id).where(User.active.is_(True)))
    with db.engine.connect() as connection, pytest.raises(ValueError, match="another"):
        statement.one_or_none(connection, {})


def test_statement_watchers_see_it_with_its_parameters_on_the_connection_it_ran_on(world, ctx):
    seen = []

    def before(conn, _cursor, statement, parameters, _context, _many):
        seen.append(("before", conn, statement, parameters))

    def after(conn, _cursor, statement, _parameters, _context, _many):
        seen.append(("after", conn, statement))

    member_id = world.member.id  # (read before listening: reading it may refresh the row)
    plain = PlainStatement(select(SpaceMembership.role).where(SpaceMembership.user_id == bindparam("who"),
                                                              SpaceMembership.space_id == world.secret.id))
    event.listen(db.engine, "before_cursor_execute", before)
    event.listen(db.engine, "after_cursor_execute", after)
    try:
        with db.engine.connect() as connection:
            assert plain.one_or_none(connection, {"who": member_id}) == ("member",)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
        event.remove(db.engine, "after_cursor_execute", after)
    assert [entry[0] for entry in seen] == ["before", "after"], seen
    assert seen[0][1] is connection and "space_memberships" in seen[0][2]
    assert member_id in (seen[0][3].values() if isinstance(seen[0][3], dict) else seen[0][3])


def test_inside_the_sessions_transaction_it_sees_what_the_session_wrote(world, ctx):
    # (the remember-me path: a request that already read runs the statement in its transaction)
    world.participant.name = "Pat Renamed"
    db.session.flush()
    row = LOAD_QUERY.one_or_none(db.session.connection(), {"user_id": world.participant.id, "thread_id": 0,
                                                           "draft_key": "reply:0", "login_key": ""})
    assert row[1] == "Pat Renamed"
    db.session.rollback()
