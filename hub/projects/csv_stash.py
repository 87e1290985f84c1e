"""An uploaded CSV kept between its preview and its confirmation (a form field could not carry a
5 MB file: forms are capped at 500 kB). Each is a file in the instance folder named for who sent
it, the measure and a random token, so only the person who uploaded it can confirm it for that
measure; it is removed once written, and any left over for an hour is removed on the next upload."""
from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from flask import current_app

MAX_AGE_SECONDS = 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "csv-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(user, measure, token: str) -> Path | None:
    if not _TOKEN.fullmatch(token or ""):
        return None
    return _folder() / f"{int(user.id)}-{int(measure.id)}-{token}.csv"


def keep(user, measure, text: str) -> str:
    _prune()
    token = secrets.token_urlsafe(24)
    _path(user, measure, token).write_text(text, encoding="utf-8")
    return token


def take(user, measure, token: str) -> str | None:
    """The kept text, or None when there is none (expired, another person's, another measure's)."""
    path = _path(user, measure, token)
    if path is None or not path.is_file() or time.time() - path.stat().st_mtime > MAX_AGE_SECONDS:
        return None
    return path.read_text(encoding="utf-8")


def drop(user, measure, token: str) -> None:
    path = _path(user, measure, token)
    if path is not None:
        path.unlink(missing_ok=True)


def _prune() -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in _folder().glob("*.csv"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue
