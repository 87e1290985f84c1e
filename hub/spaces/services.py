"""Creating spaces. Cohorts and teams create theirs through hub.people.services."""
from __future__ import annotations

import re
import secrets
import unicodedata

from sqlalchemy import select

from hub.extensions import db
from hub.spaces.models import Space

# Cohort and team spaces are listed (others may know the team exists) and closed to non-members.
DEFAULTS = {
    "community": {"visibility": "community", "join_policy": "open"},
    "cohort": {"visibility": "listed", "join_policy": "invite"},
    "team": {"visibility": "listed", "join_policy": "invite"},
    "affinity": {"visibility": "secret", "join_policy": "invite"},
}


RESERVED_SLUGS = {"new", "invitations"}  # words used by /spaces/... pages themselves


def slugify(text: str) -> str:
    """"Learning Network 2026–2027" -> "learning-network-2026-2027": accents dropped, every other
    non-alphanumeric character (en dashes too) a separator."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    kept = "".join(ch if ch.isascii() and ch.isalnum() else ("" if unicodedata.combining(ch) else "-")
                   for ch in decomposed)
    slug = re.sub(r"-+", "-", kept).strip("-")
    return slug[:60].strip("-") or "space"


def unique_slug(name: str) -> str:
    # A taken name gets a random suffix, never "-2": a counter would reveal that a secret
    # space with that name exists.
    base = slugify(name)
    slug = base if base not in RESERVED_SLUGS else f"{base}-{secrets.token_hex(3)}"
    while db.session.scalar(select(Space.id).where(Space.slug == slug)) is not None:
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def new_space(kind: str, name: str, purpose: str = "", **fields) -> Space:
    """A Space added to the session, not committed: the caller commits it with its owner."""
    settings = {**DEFAULTS[kind], **fields}
    space = Space(kind=kind, name=name, slug=unique_slug(name), purpose=purpose, **settings)
    db.session.add(space)
    return space
