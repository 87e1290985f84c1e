"""Secrets are stored only as SHA-256 digests; the plain value is shown once."""
from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db, utcnow


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Invitation(db.Model):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    site_role: Mapped[str] = mapped_column(String(20), default="participant")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    team_role: Mapped[str] = mapped_column(String(30), default="member")
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    invited_by: Mapped["User"] = relationship(foreign_keys=[invited_by_id])  # noqa: F821
    team: Mapped["Team | None"] = relationship()  # noqa: F821

    @property
    def status(self) -> str:
        if self.used_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= utcnow():
            return "expired"
        return "pending"


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so a person can tell their tokens apart without the secret.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped["User"] = relationship()  # noqa: F821


class LoginSession(db.Model):
    """One signed-in browser: its cookie (and remember-me cookie) carries a random key whose digest
    is kept here. Signing out ends this row, so a copied cookie stops working at once, while the
    person's other browsers stay signed in (the user's session_version ends them all)."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)

