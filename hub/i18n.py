"""Which language and time zone a page is rendered in."""
from __future__ import annotations

from flask import current_app, request
from flask_login import current_user


def select_locale() -> str | None:
    languages = current_app.config["LANGUAGES"]
    preferred = getattr(current_user, "preferred_language", None)
    if preferred in languages:
        return preferred
    return request.accept_languages.best_match(languages) if request else None


def select_timezone() -> str | None:
    return getattr(current_user, "time_zone", None) or None
