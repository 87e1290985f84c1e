"""A space is where a group's content lives; who may see it is decided in hub.policy."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db, utcnow

SPACE_KINDS = ("community", "cohort", "team", "affinity")
# community: every signed-in person reads it; listed: name and purpose are discoverable,
# content is for members; secret: non-members get exactly what a missing page gets.
VISIBILITIES = ("community", "listed", "secret")
JOIN_POLICIES = ("open", "request", "invite")
HISTORY_POLICIES = ("full", "from_joining")
SPACE_ROLES = ("member", "facilitator")


class Space(db.Model):
    __tablename__ = "spaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(160))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    purpose: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(20), default="listed")
    join_policy: Mapped[str] = mapped_column(String(20), default="invite")
    history_policy: Mapped[str] = mapped_column(String(20), default="full")
    agreement: Mapped[str] = mapped_column(Text, default="")
    agreement_html: Mapped[str] = mapped_column(Text, default="")
    agreement_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)

    memberships: Mapped[list["SpaceMembership"]] = relationship(
        back_populates="space", cascade="all, delete-orphan"
    )

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def __repr__(self) -> str:
        return f"<Space {self.id} {self.kind} {self.slug}>"


class SpaceMembership(db.Model):
    """An explicit membership. Team and cohort spaces also count their teams' people (policy)."""

    __tablename__ = "space_memberships"
    __table_args__ = (UniqueConstraint("space_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="member")
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    agreement_accepted_version: Mapped[int] = mapped_column(Integer, default=0)

    space: Mapped[Space] = relationship(back_populates="memberships")
    user: Mapped["User"] = relationship()  # noqa: F821


class JoinRequest(db.Model):
    """Both directions of joining: a person asks (kind "request", facilitators decide) or a
    facilitator invites (kind "invite", the person decides)."""

    __tablename__ = "join_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="request")
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending|approved|declined|withdrawn
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    space: Mapped[Space] = relationship()
    user: Mapped["User"] = relationship(foreign_keys=[user_id])  # noqa: F821
    created_by: Mapped["User"] = relationship(foreign_keys=[created_by_id])  # noqa: F821
    decided_by: Mapped["User | None"] = relationship(foreign_keys=[decided_by_id])  # noqa: F821


class AuditEvent(db.Model):
    """What happened to a space's membership and settings, for its facilitators."""

    __tablename__ = "space_audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    actor: Mapped["User | None"] = relationship(foreign_keys=[actor_id])  # noqa: F821
    subject: Mapped["User | None"] = relationship(foreign_keys=[subject_id])  # noqa: F821
