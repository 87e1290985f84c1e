"""Migrations produce exactly the models' schema; configuration is safe by default."""
from __future__ import annotations

import os
import sqlite3
from unittest import mock

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect, text

from config import Config, InsecureConfig, TestConfig, normalise_database_url
from hub import create_app
from hub.extensions import db


def _empty_database(app):
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def test_upgrade_on_an_empty_database_matches_the_models(tmp_path):
    app = create_app(TestConfig(str(tmp_path / "instance")))
    _empty_database(app)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
        tables = set(inspect(db.engine).get_table_names())
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    assert diff == [], f"models and migrations differ on {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}: {diff}"
    assert {"users", "spaces", "space_memberships", "teams", "cohorts", "api_tokens", "invitations"} <= tables


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(tmp_path):
    # Always SQLite, even in the PostgreSQL lane: this is the embedded default's promise.
    env = {k: v for k, v in os.environ.items() if k != "HUB_TEST_DATABASE_URL"}
    app = create_app(TestConfig(str(tmp_path / "instance"), environ=env))
    with app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path):
    env = {"HUB_INSTANCE_PATH": str(tmp_path / "inst")}
    first, second = Config(env), Config(env)
    assert len(first.SECRET_KEY) >= 48 and first.SECRET_KEY == second.SECRET_KEY
    key_file = tmp_path / "inst" / "secret_key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert first.SQLALCHEMY_DATABASE_URI == f"sqlite:///{tmp_path / 'inst' / 'hub.sqlite3'}"


def test_production_refuses_an_insecure_configuration(tmp_path):
    env = {"HUB_INSTANCE_PATH": str(tmp_path / "inst"), "HUB_ENV": "production"}
    with pytest.raises(InsecureConfig) as refused:
        create_app(Config(env))
    message = str(refused.value)
    assert "HUB_SECRET_KEY" in message and "https" in message and "HUB_SMTP_HOST" in message
    good = dict(env, HUB_SECRET_KEY="k" * 48, HUB_BASE_URL="https://hub.example.org",
                HUB_DATABASE_URL="postgresql://hub@db/hub", HUB_SMTP_HOST="smtp.example.org")
    config = Config(good)
    config.check_production()  # no exception
    assert config.SESSION_COOKIE_SECURE and config.REMEMBER_COOKIE_SECURE
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://hub@db/hub"


def test_database_url_spellings():
    assert normalise_database_url("postgres://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_sqlite_file_is_created_under_the_instance_path(tmp_path):
    os_env = {"HUB_INSTANCE_PATH": str(tmp_path / "place")}
    app = create_app(Config(os_env))
    with app.app_context():
        db.create_all()
    assert (tmp_path / "place" / "hub.sqlite3").exists()
    assert sqlite3.connect(tmp_path / "place" / "hub.sqlite3").execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert os.path.isdir(tmp_path / "place" / "outbox")


def test_redis_keys_and_channel_carry_the_configured_prefix(tmp_path):
    """Two hubs on one Redis database keep apart: rate-limit counters and the Socket.IO channel
    both start with HUB_REDIS_PREFIX ("hub" unless set)."""
    from hub.extensions import socketio
    env = {"HUB_INSTANCE_PATH": str(tmp_path / "instance")}
    assert Config(env).RATELIMIT_KEY_PREFIX == "hub"
    config = Config(env | {"HUB_REDIS_PREFIX": "north-clinic", "HUB_REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert config.RATELIMIT_KEY_PREFIX == "north-clinic"
    # (Socket.IO's set-up is caught, not made: the extension object keeps a message queue it was
    # given for every later app in this process, and the test client refuses one.)
    with mock.patch.object(socketio, "init_app") as init:
        create_app(config)
    assert init.call_args.kwargs["channel"] == "north-clinic-socketio"
    assert init.call_args.kwargs["message_queue"] == "redis://127.0.0.1:6379/0"
