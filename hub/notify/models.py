"""Notifications, watching levels and email preferences.

A notification is stored for one person and shown or sent only while they may still see its
subject (its thread or post when it has one, else its space)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column

from hub.extensions import db, utcnow

WATCH_LEVELS = ("watching", "tracking", "normal", "muted")
EMAIL_FREQUENCIES = ("immediately", "daily", "weekly", "never")
DEFAULT_FREQUENCY = "daily"
# Kinds of notification a person may turn off (the rest, mentions and replies among them, follow
# watching levels instead). None is off until they say so.
OPTIONAL_KINDS = ("reaction",)


class Notification(db.Model):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(300), default="")
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    # The policy action the recipient must still pass on the subject when it is shown or sent.
    requires: Mapped[str] = mapped_column(String(40), default="space.view")
    subject_type: Mapped[str | None] = mapped_column(String(20))  # a key of notify.SUBJECT_TYPES, or None (the space)
    subject_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime)


class Watch(db.Model):
    """A person's chosen level for one thread or one category (exactly one of the two is set)."""

    __tablename__ = "watches"
    __table_args__ = (UniqueConstraint("user_id", "thread_id", "category_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("forum_threads.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("forum_categories.id", ondelete="CASCADE"),
                                                    index=True)
    level: Mapped[str] = mapped_column(String(10))


class EmailSettings(db.Model):
    __tablename__ = "email_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    frequency: Mapped[str] = mapped_column(String(12), default=DEFAULT_FREQUENCY)
    # Mentions, direct messages and replies to one's own threads are emailed when the person is
    # away (as Discourse does), whatever the digest choice, unless they turn it off.
    when_away: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    last_digest_at: Mapped[datetime | None] = mapped_column(DateTime)


class MutedKind(db.Model):
    """A kind of notification (one of OPTIONAL_KINDS) someone chose not to get."""

    __tablename__ = "notification_mutes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
