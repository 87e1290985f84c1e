"""Read-side helpers for people; every listing starts from the policy scope."""
from __future__ import annotations

from sqlalchemy import func, or_, select

from hub import policy
from hub.extensions import db
from hub.people.models import Organization, TeamMembership, User

PAGE_SIZE = 30


def directory_query(viewer, q: str = "", organization_id: int | None = None, team_id: int | None = None):
    stmt = policy.scope(select(User), viewer).outerjoin(Organization, Organization.id == User.organization_id)
    q = (q or "").strip()
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(User.name).like(like), func.lower(User.title).like(like),
                              func.lower(Organization.name).like(like)))
    if organization_id:
        stmt = stmt.where(User.organization_id == organization_id)
    if team_id:
        stmt = stmt.where(User.id.in_(select(TeamMembership.user_id).where(TeamMembership.team_id == team_id)))
    return stmt


def directory_page(viewer, page: int = 1, **filters) -> tuple[list[User], int]:
    stmt = directory_query(viewer, **filters)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    people = db.session.scalars(
        stmt.order_by(func.lower(User.name), User.id).limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)
    ).all()
    return list(people), total


def visible_person(viewer, person_id: int) -> User | None:
    """The person if the viewer may see them; None reads the same as a missing id."""
    person = db.session.get(User, person_id)
    return person if person is not None and policy.can(viewer, "person.view", person) else None
