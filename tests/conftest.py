"""App, database, mail server and the named personas every access test uses."""
from __future__ import annotations

import contextvars
import os
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient

from config import TestConfig
from hub import create_app
from hub.extensions import db
from tests.helpers import factories


def _database_of_this_worker() -> None:
    """Under pytest-xdist each worker has a PostgreSQL database of its own (the lane's database
    name plus the worker's id, made once), so workers never empty each other's tables."""
    url, worker = os.environ.get("HUB_TEST_DATABASE_URL", ""), os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not url.startswith(("postgresql", "postgres:")):
        return
    import psycopg
    base, _, name = url.rpartition("/")
    mine = f"{name}_{worker}"
    plain = base.replace("postgresql+psycopg:", "postgresql:") + "/" + name
    with psycopg.connect(plain, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (mine,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{mine}"')
    os.environ["HUB_TEST_DATABASE_URL"] = f"{base}/{mine}"


_database_of_this_worker()


class IsolatedClient(FlaskClient):
    """Each request runs outside the test's own app context, as a real request would:
    its own `g`, its own database session, its own current_user."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_app(tmp_path, **overrides):
    app = create_app(TestConfig(str(tmp_path / "instance"), **overrides))
    app.test_client_class = IsolatedClient
    with app.app_context():
        if _on_postgresql(app):
            _empty_postgresql()  # a shared PostgreSQL database: start every test from empty
        else:
            db.create_all()
    return app


def _on_postgresql(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


def _empty_postgresql() -> None:
    """Every table emptied and every id sequence restarted (~35 ms), instead of the schema dropped
    and made again (~700 ms a test on PostgreSQL; TRUNCATE ~200 ms). The schema is made only
    when it is not all there: first, or after a test that dropped it (the migrations test)."""
    from sqlalchemy import inspect, text

    tables = db.metadata.sorted_tables
    if set(inspect(db.engine).get_table_names()) < {t.name for t in tables}:
        db.drop_all()
        db.create_all()
        return
    with db.engine.begin() as connection:
        # Tests over may leave connections behind (a socket handler's or a thread's session): one
        # idle inside a transaction holds row locks a delete would wait on forever, and idle ones
        # add up to PostgreSQL's connection limit. This worker's database is its own, so those go
        # (a connection of the running test is busy or idle only for moments); anything else that
        # blocks fails within the timeout instead of hanging.
        connection.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND (state LIKE 'idle in transaction%' "
            "OR (state = 'idle' AND state_change < now() - interval '2 seconds'))"))
        connection.execute(text("SET LOCAL lock_timeout = '30s'"))
        for table in reversed(tables):
            connection.execute(table.delete())
        for name in connection.execute(text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")).scalars():
            connection.execute(text(f'ALTER SEQUENCE "{name}" RESTART'))
        for table in tables:
            table.dispatch.after_create(table, connection)  # the rows a table is made with (page_epochs)


def _inside(app):
    """Yield the app inside its context, then leave the database as empty as it was found."""
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()  # (a shared PostgreSQL database is emptied when the next test starts)


@pytest.fixture
def app(tmp_path):
    yield from _inside(make_app(tmp_path))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ctx(app):
    """A request context, for services that build links with url_for."""
    with app.test_request_context():
        yield


@pytest.fixture
def make_client(app):
    return app.test_client


@pytest.fixture
def smtp_server(tmp_path):
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    controller = Controller(Keep(), hostname="127.0.0.1", port=free_port())
    controller.start()
    controller.messages = received
    yield controller
    controller.stop()


@pytest.fixture
def mail_app(tmp_path, smtp_server):
    yield from _inside(make_app(tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port))


@dataclass
class World:
    """The personas of ARCHITECTURE.md, placed in one small collaborative."""
    commons: object
    cohort: object
    team: object
    other_team: object
    affinity: object
    secret: object
    other_affinity: object
    participant: object
    teammate: object
    outsider: object
    member: object
    removed_member: object
    facilitator: object
    other_facilitator: object
    admin: object
    deactivated: object


@pytest.fixture
def world(app):
    return make_world()


def make_world() -> World:
    """The personas' collaborative, in the current app's database."""
    f = factories
    commons = f.space("community", "Commons")
    cohort = f.cohort("Learning Network")
    team = f.team("Clinic Team", cohorts=[cohort])
    other_team = f.team("Hospital Team")
    affinity = f.space("affinity", "Listed Caucus", visibility="listed", join_policy="request")
    secret = f.space("affinity", "Secret Circle", visibility="secret")
    other_affinity = f.space("affinity", "Other Group", visibility="secret")
    participant, teammate = f.user("Pat Participant"), f.user("Tess Teammate")
    outsider = f.user("Olu Outsider")
    member, removed = f.user("Mo Member"), f.user("Remy Removed")
    facilitator, other_facilitator = f.user("Fay Facilitator", "facilitator"), f.user("Otto Facilitator", "facilitator")
    admin, deactivated = f.user("Ada Admin", "admin"), f.user("Dee Deactivated", active=False)
    f.join_team(participant, team, "lead")
    f.join_team(teammate, team)
    f.join_team(outsider, other_team)
    for space in (affinity, secret):
        f.join_space(member, space)
        f.join_space(facilitator, space, "facilitator")
    f.join_space(other_facilitator, other_affinity, "facilitator")
    # The removed member belonged once; their membership row is gone.
    removed_row = f.join_space(removed, secret)
    db.session.delete(removed_row)
    db.session.commit()
    return World(commons, cohort, team, other_team, affinity, secret, other_affinity, participant, teammate,
                 outsider, member, removed, facilitator, other_facilitator, admin, deactivated)


def free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def services_required() -> bool:
    return os.environ.get("CI") == "true" or os.environ.get("HUB_REQUIRE_SERVICES") == "1"
