"""The application factory: a short list of named steps."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter
from sqlalchemy import event

from config import ROOT, Config


def create_app(config: Config | None = None) -> Flask:
    config = config or Config()
    config.check_production()
    app = Flask(
        __name__,
        instance_path=config.INSTANCE_PATH,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(config)
    if config.PROXY_COUNT:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.PROXY_COUNT, x_proto=config.PROXY_COUNT,
                                x_host=config.PROXY_COUNT)
    _prepare_folders(app)
    _configure_logging(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_cross_cutting(app)
    _register_search_documents()
    _register_notification_subjects()
    return app


def _prepare_folders(app: Flask) -> None:
    for key in ("INSTANCE_PATH", "SEARCH_INDEX_DIR", "UPLOAD_DIR", "OUTBOX_DIR"):
        Path(app.config[key]).mkdir(parents=True, exist_ok=True)


def _configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        app.logger.setLevel(logging.INFO)


def _init_extensions(app: Flask) -> None:
    from hub import models  # noqa: F401  (every model registered before mappers configure)
    from hub.extensions import babel, csrf, db, limiter, login_manager, migrate
    from hub.i18n import select_locale, select_timezone
    from hub.auth import sockets  # noqa: F401  (tells realtime who a socket is)
    from hub.auth.sessions import configure_login

    db.init_app(app)
    with app.app_context():
        _tune_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.init_app(app)
    configure_login(login_manager)


def _tune_sqlite(engine, busy_timeout_ms: int) -> None:
    """WAL so readers never block the writer, enforced foreign keys, and a busy timeout."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


class _DatabaseInt(IntegerConverter):
    """<int:…> in every route: an id the database's integers can hold. A larger number is a 404, as
    for a missing row, instead of failing inside the query."""

    def to_python(self, value: str) -> int:
        from werkzeug.exceptions import NotFound

        from hub.validation import DATABASE_INT_MAX
        number = super().to_python(value)
        # Not a converter "max": a failed match lets the router answer 405 for the path's other
        # methods; no row has this id, so this is a 404.
        if number > DATABASE_INT_MAX:
            raise NotFound()
        return number


def _register_blueprints(app: Flask) -> None:
    """Each domain's front door: importing its routes module puts the routes on its blueprint."""
    app.url_map.converters["int"] = _DatabaseInt
    from hub.api import routes as api_routes  # noqa: F401
    from hub.forums import routes as forum_routes  # noqa: F401
    from hub.library import routes as library_routes  # noqa: F401
    from hub.projects import routes as project_routes  # noqa: F401
    from hub.spaces import routes as space_routes  # noqa: F401
    from hub.api.blueprint import bp as api_bp
    from hub.auth.views import bp as auth_bp
    from hub.chat.views import bp as chat_bp
    from hub.forums.blueprint import bp as forums_bp
    from hub.home.views import bp as home_bp
    from hub.library.blueprint import bp as library_bp
    from hub.notify.views import bp as notify_bp
    from hub.people.program_views import bp as program_bp
    from hub.people.views import bp as people_bp
    from hub.projects.blueprint import bp as projects_bp
    from hub.search.views import bp as search_bp
    from hub.spaces.blueprint import bp as spaces_bp

    for blueprint in (auth_bp, home_bp, people_bp, program_bp, spaces_bp, forums_bp, notify_bp, search_bp, api_bp,
                      library_bp, chat_bp, projects_bp):
        app.register_blueprint(blueprint)


def _register_search_documents() -> None:
    """Each domain says what the search index holds of it and which changes refresh it."""
    from hub.chat import search_docs as chat_documents  # noqa: F401
    from hub.forums import search_docs as forum_documents  # noqa: F401
    from hub.library import search_docs as library_documents  # noqa: F401
    from hub.people import search_docs as people_documents  # noqa: F401
    from hub.projects import search_docs as project_documents  # noqa: F401
    from hub.spaces import search_docs as space_documents  # noqa: F401


def _register_notification_subjects() -> None:
    """Each domain says what its notifications are about (hub.notify.subjects)."""
    from hub.chat import fanout as chat_fanout  # noqa: F401
    from hub.forums import fanout as forum_fanout  # noqa: F401
    from hub.library import fanout as library_fanout  # noqa: F401
    from hub.projects import fanout as project_fanout  # noqa: F401


def _register_cross_cutting(app: Flask) -> None:
    from hub import cli, errors, realtime, security, templating
    from hub.fastpath import every_request
    from hub.search import queue as search_queue
    from hub.extensions import limiter

    search_queue.init_app(app)
    security.register(app)
    every_request.init_app(app, limiter)  # after the blueprints: it looks at their rate limits
    errors.register(app)
    templating.register(app)
    realtime.init_app(app)
    from hub.chat import events as chat_events
    chat_events.init_app(app)
    cli.register(app)
