"""People in the search index: a profile's public words (never the email address). Everyone
signed in finds active people; a deactivated one is found by admins (and themselves)."""
from __future__ import annotations

from typing import Iterator

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hub import policy
from hub.people.models import Organization, Team, TeamMembership, User
from hub.search.documents import Kind, id_chunks, plain_text, register, with_digest
from hub.search.queue import changed, expansion, watch

def person_document(person: User) -> dict:
    teams = [m.team.name for m in person.team_memberships]
    organization = person.organization.name if person.organization else ""
    about = " ".join(part for part in (f"@{person.username}", person.pronouns, person.title, organization,
                                       *teams, plain_text(person.bio)) if part)
    return with_digest({
        "key": f"person:{person.id}", "kind": "person", "id": person.id, "space": policy.PEOPLE_KEY,
        "space_id": 0, "hidden": "0" if person.active else "1", "exempt": f"u{person.id}",
        "origin": person.created_at, "created": person.created_at, "author": "", "tags": "", "status": "",
        "title": person.name, "body": about, "context": organization,
    })


def _people(session, ids: list[int]) -> Iterator[tuple[str, dict | None]]:
    rows = {u.id: u for u in session.scalars(
        select(User).where(User.id.in_(ids)).options(selectinload(User.organization),
                                                     selectinload(User.team_memberships)
                                                     .selectinload(TeamMembership.team)))}
    for ident in ids:
        yield f"person:{ident}", (person_document(rows[ident]) if ident in rows else None)


def _all_people(session) -> Iterator[dict]:
    for chunk in id_chunks(session, select(User.id).order_by(User.id)):
        yield from (doc for _key, doc in _people(session, chunk) if doc)
        session.expunge_all()


register("person", Kind(User, _l("Person"), _people, _all_people, lambda s: s.scalar(select(func.count(User.id))),
                        lambda ident: url_for("people.profile", person_id=ident),
                        lambda stmt: stmt.options(selectinload(User.organization))))

PERSON_FIELDS = ("name", "username", "pronouns", "title", "organization_id", "bio", "active", "created_at")


def _person_changed(person: User, change: str):
    if change == "dirty" and not changed(person, *PERSON_FIELDS):
        return []
    return [f"person:{person.id}"]


def _renamed(prefix: str):
    def keys(row, change: str):
        return [f"{prefix}:{row.id}"] if change == "dirty" and changed(row, "name") else []
    return keys


watch(User, _person_changed)
watch(TeamMembership, lambda membership, _change: [f"person:{membership.user_id}"])
watch(Team, _renamed("team-people"))
watch(Organization, _renamed("org-people"))
expansion("team-people", lambda session, team_id: [f"person:{i}" for i in session.scalars(
    select(TeamMembership.user_id).where(TeamMembership.team_id == team_id))])
expansion("org-people", lambda session, org_id: [f"person:{i}" for i in session.scalars(
    select(User.id).where(User.organization_id == org_id))])
