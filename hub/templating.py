"""Jinja globals and filters shared by every template."""
from __future__ import annotations

from datetime import timezone
from functools import lru_cache

from babel import Locale, dates
from flask import Flask, current_app, g
from flask_babel import format_date, get_locale, get_timezone
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
    app.jinja_env.filters["datetime"] = _datetime
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""


def _datetime(value, fmt: str = "minutes") -> str:
    """Stored times are naive UTC; shown in the person's zone and language, to the minute (the
    medium date and a short time, as static/js/times.js writes live ones). Babel is called
    directly with the locale and zone looked up once per request: a thread page formats fifty."""
    if not value:
        return ""
    where = g.get("_datetime_context")
    if where is None:
        where = g._datetime_context = (str(get_locale()), get_timezone())
    locale, zone = where
    return _formatted(value, fmt, locale, zone)


@lru_cache(maxsize=50_000)
def _formatted(value, fmt: str, locale: str, zone) -> str:
    # A pure function of its arguments, remembered: the same posts are shown to many readers.
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    if fmt == "minutes":  # the medium date with a short time: what Intl's dateStyle/timeStyle say (times.js)
        joined = Locale.parse(locale).datetime_formats["medium"]
        return str(joined).replace("{1}", dates.format_date(value.astimezone(zone) if zone else value, "medium",
                                                             locale=locale)).replace(
            "{0}", dates.format_time(value, "short", tzinfo=zone, locale=locale))
    return dates.format_datetime(value, fmt, tzinfo=zone, locale=locale)
