"""One way for services to say "this input is wrong, and here is what to fix, per field"."""
from __future__ import annotations

import unicodedata


class ValidationError(Exception):
    def __init__(self, fields: dict[str, str], message: str | None = None):
        self.fields = dict(fields)
        self.message = message or next(iter(self.fields.values()), "Invalid input.")
        super().__init__(self.message)


def require_text(fields: dict[str, str], name: str, value: str | None, label: str, max_len: int,
                 required: bool = True) -> str:
    """Trim `value`; record a per-field message in `fields` when it is missing or too long."""
    from flask_babel import gettext as _

    value = normalise_text(value).strip()
    if required and not value:
        fields[name] = _("%(label)s is required.", label=label)
    elif len(value) > max_len:
        fields[name] = _("%(label)s must be at most %(n)d characters.", label=label, n=max_len)
    return value


def canonical_email(value: str | None) -> str:
    """An email as hub compares it, everywhere one is read (sign-in and its limits, invitations,
    resets, the command line): NFKC folds look-alike forms such as full-width letters into the
    plain ones, then case is folded, so one address is always one key."""
    return unicodedata.normalize("NFKC", value or "").strip().lower()


def normalise_text(value) -> str:
    """Text as hub stores it, whatever sent it: browsers send a textarea's line endings as CRLF,
    other clients LF or CR, and the quote and mention parsers (like Markdown) read lines by LF.
    Every text field a service takes passes here (require_text), as do drafts and previews."""
    text = "" if value is None else str(value)
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


# The largest id or count the database's integer columns hold (32-bit on PostgreSQL): route ids
# and API numbers past it are refused where they enter (hub/__init__.py, hub.api.openapi).
DATABASE_INT_MAX = 2**31 - 1


def local_path(target: str | None) -> bool:
    """Only a path on this site ("/\\evil" is "//evil" to a browser)."""
    from urllib.parse import urlsplit
    if not target or not target.startswith("/") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and not target.startswith("//")


def same_name(column, name: str):
    """A clause: this column holds the name, ignoring case. SQLite's lower() folds only ASCII,
    so the exact spelling is asked too: a name the database's unique index would refuse is
    always found (and refused by field) first."""
    from sqlalchemy import func, or_
    return or_(func.lower(column) == name.lower(), column == name)
