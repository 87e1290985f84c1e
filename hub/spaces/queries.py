"""Read-side helpers for spaces; each starts from a policy scope."""
from __future__ import annotations

from sqlalchemy import select

from hub import policy
from hub.extensions import db
from hub.people.models import Cohort, Team
from hub.spaces.models import Space

def space_by_slug(slug: str) -> Space | None:
    """A space by its address, or None; callers then ask the policy (a hidden space answers as missing)."""
    return db.session.scalar(select(Space).where(Space.slug == slug))


KIND_ORDER = {"community": 0, "cohort": 1, "team": 2, "affinity": 3}


def _sorted(spaces) -> list[Space]:
    return sorted(spaces, key=lambda s: (KIND_ORDER.get(s.kind, 9), s.name.lower()))


def discoverable_spaces(user) -> list[Space]:
    ids = policy.discoverable_space_ids(user)
    if not ids:
        return []
    return _sorted(db.session.scalars(select(Space).where(Space.id.in_(ids), Space.archived_at.is_(None))))


def my_spaces(user) -> list[Space]:
    ids = policy.member_space_ids(user)
    if not ids:
        return []
    return _sorted(db.session.scalars(select(Space).where(Space.id.in_(ids), Space.archived_at.is_(None))))


def owner_of(space: Space):
    """The cohort or team a space belongs to, if any."""
    if space.kind == "cohort":
        return db.session.scalar(select(Cohort).where(Cohort.space_id == space.id))
    if space.kind == "team":
        return db.session.scalar(select(Team).where(Team.space_id == space.id))
    return None


def member_list(space: Space) -> list:
    """Everyone who belongs: explicit members and, for team/cohort spaces, the teams' people."""
    people = {m.user.id: (m.user, m.role) for m in space.memberships if m.user.active}
    owner = owner_of(space)
    teams = [owner] if space.kind == "team" and owner else (owner.teams if owner is not None else [])
    for team in teams:
        for membership in team.memberships:
            if membership.user.active:
                people.setdefault(membership.user.id, (membership.user, "member"))
    return sorted(people.values(), key=lambda pair: pair[0].name.lower())
