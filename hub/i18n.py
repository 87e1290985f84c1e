"""Which language and time zone a page is rendered in.

The selectors hand Flask-Babel ready objects, parsed once per process per language or zone:
parsing them again on every request cost a signed-in page more than its own database query."""
from __future__ import annotations

from functools import lru_cache

from babel import Locale
from flask import current_app, request
from flask_login import current_user
from pytz import timezone


@lru_cache(maxsize=64)
def _locale(tag: str) -> Locale:
    return Locale.parse(tag)


@lru_cache(maxsize=1024)  # an unknown zone raises, as before, and is not remembered
def _zone(name: str):
    return timezone(name)


def select_locale() -> Locale | None:
    languages = current_app.config["LANGUAGES"]
    preferred = getattr(current_user, "preferred_language", None)
    if preferred not in languages:
        preferred = request.accept_languages.best_match(languages) if request else None
    return _locale(preferred) if preferred else None


def select_timezone():
    name = getattr(current_user, "time_zone", None)
    return _zone(name) if name else None
