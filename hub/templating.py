"""Jinja globals and filters shared by every template."""
from __future__ import annotations

from flask import Flask, current_app
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user

from hub import policy


def register(app: Flask) -> None:
    def can(action: str, obj=None) -> bool:
        return policy.can(current_user, action, obj)

    def has_endpoint(endpoint: str) -> bool:
        return endpoint in current_app.view_functions

    def query_with(**changes) -> str:
        """The current query string with some arguments replaced (pagers keep the filters)."""
        from urllib.parse import urlencode
        from flask import request
        args = {k: v for k, v in request.args.items() if k not in changes}
        args.update({k: v for k, v in changes.items() if v not in (None, "")})
        return urlencode(args)

    app.jinja_env.globals.update(can=can, has_endpoint=has_endpoint, get_locale=get_locale, query_with=query_with)
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
