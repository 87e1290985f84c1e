"""Who is in the collaborative: people, their organizations, teams and cohorts."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from sqlalchemy import (Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Table, Text, UniqueConstraint,
                        event, select)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db, utcnow

SITE_ROLES = ("participant", "facilitator", "admin")
TEAM_ROLES = ("lead", "member", "executive_sponsor", "community_partner")
PROGRAMS = ("learning_network", "action_community")


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # The @handle used in mentions: made from the name once, unique, never the email.
    username: Mapped[str] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    site_role: Mapped[str] = mapped_column(String(20), default="participant")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The program's data staff see measures' raw counts in every project they may read; everyone
    # else outside a project's team sees them with small cells suppressed (hub.policy.projects).
    data_staff: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Bumped by "log out everywhere", password change and deactivation: every older
    # session and remember-me cookie carries the old number and stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    pronouns: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(120), default="")
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    bio: Mapped[str] = mapped_column(Text, default="")
    bio_html: Mapped[str] = mapped_column(Text, default="")
    preferred_language: Mapped[str] = mapped_column(String(10), default="en")
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    # The profile picture's name (hub.people.avatars), new for every picture; None shows initials.
    avatar_key: Mapped[str | None] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime)

    organization: Mapped["Organization | None"] = relationship(back_populates="people")
    team_memberships: Mapped[list["TeamMembership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # Flask-Login protocol, with the session version folded into the id.
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    # Set by hub.auth.sessions while signing a browser in: the key of its login session.
    login_key = None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}:{self.login_key or ''}"

    @property
    def is_staff(self) -> bool:
        return self.site_role in ("facilitator", "admin")

    @property
    def teams(self) -> list["Team"]:
        return [m.team for m in self.team_memberships]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class AnonymousUser:
    """The null-object visitor: the policy never sees None."""

    id = None
    is_anonymous = True
    is_authenticated = False
    is_active = False
    is_staff = False
    site_role = "anonymous"
    name = ""
    avatar_key = None
    preferred_language = None
    time_zone = "UTC"
    team_memberships: list = []

    def get_id(self):
        return None


class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(60), default="")
    city: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)  # kept for history, offered no more

    people: Mapped[list[User]] = relationship(back_populates="organization")
    teams: Mapped[list["Team"]] = relationship(back_populates="organization")


cohort_teams = Table(
    "cohort_teams",
    db.Model.metadata,
    Column("cohort_id", ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
)


class Team(db.Model):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)  # with its space: read-only, kept

    organization: Mapped[Organization] = relationship(back_populates="teams")
    space: Mapped["Space"] = relationship(foreign_keys=[space_id])  # noqa: F821
    memberships: Mapped[list["TeamMembership"]] = relationship(
        back_populates="team", cascade="all, delete-orphan"
    )
    cohorts: Mapped[list["Cohort"]] = relationship(secondary=cohort_teams, back_populates="teams")

    @property
    def members(self) -> list[User]:
        return [m.user for m in self.memberships]


class TeamMembership(db.Model):
    __tablename__ = "team_memberships"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(30), default="member")
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    team: Mapped[Team] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="team_memberships")


class Cohort(db.Model):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    program: Mapped[str] = mapped_column(String(30))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)  # with its space: read-only, kept

    space: Mapped["Space"] = relationship(foreign_keys=[space_id])  # noqa: F821
    teams: Mapped[list[Team]] = relationship(secondary=cohort_teams, back_populates="cohorts")


USERNAME_CHARS = re.compile(r"[^a-z0-9]+")


def username_base(name: str) -> str:
    """"Dr. Ana María Ruiz" -> "ana.maria.ruiz"-like handles: dots, never dashes (team handles use those)."""
    ascii_name = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    words = [w for w in USERNAME_CHARS.split(ascii_name) if w and w not in ("dr", "mr", "ms", "mrs")]
    return ".".join(words)[:32] or "person"


@event.listens_for(User, "before_insert")
def _give_username(_mapper, connection, person: User) -> None:
    if person.username:
        return
    base, n = username_base(person.name), 1
    candidate = base
    while connection.scalar(select(User.id).where(User.username == candidate)) is not None:
        n += 1
        candidate = f"{base}{n}"
    person.username = candidate
