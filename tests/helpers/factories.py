"""Small hand-written factories: each makes one committed row with sensible defaults."""
from __future__ import annotations

import itertools

from hub import content
from hub.auth.services import hash_password
from hub.extensions import db
from hub.people.models import Cohort, Organization, Team, TeamMembership, User
from hub.spaces import services as spaces
from hub.spaces.models import Space, SpaceMembership

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def user(name: str | None = None, role: str = "participant", active: bool = True, email: str | None = None,
         organization: Organization | None = None, bio: str = "") -> User:
    n = next(_seq)
    person = User(name=name or f"Person {n}", email=email or f"person{n}@example.org", site_role=role, active=active,
                  password_hash=hash_password(PASSWORD), organization=organization, bio=bio,
                  bio_html=str(content.render(bio)))
    db.session.add(person)
    db.session.commit()
    return person


def organization(name: str | None = None) -> Organization:
    org = Organization(name=name or f"Organization {next(_seq)}")
    db.session.add(org)
    db.session.commit()
    return org


def space(kind: str = "affinity", name: str | None = None, **fields) -> Space:
    created = spaces.new_space(kind, name or f"{kind.title()} space {next(_seq)}", **fields)
    db.session.commit()
    return created


def cohort(name: str | None = None, program: str = "learning_network") -> Cohort:
    name = name or f"Cohort {next(_seq)}"
    made = Cohort(name=name, program=program, space=spaces.new_space("cohort", name))
    db.session.add(made)
    db.session.commit()
    return made


def team(name: str | None = None, org: Organization | None = None, cohorts: list[Cohort] = ()) -> Team:
    name = name or f"Team {next(_seq)}"
    made = Team(name=name, organization=org or organization(), space=spaces.new_space("team", name), cohorts=list(cohorts))
    db.session.add(made)
    db.session.commit()
    return made


def join_team(person: User, to: Team, role: str = "member") -> TeamMembership:
    membership = TeamMembership(team_id=to.id, user_id=person.id, role=role)
    db.session.add(membership)
    db.session.commit()
    return membership


def join_space(person: User, to: Space, role: str = "member") -> SpaceMembership:
    membership = SpaceMembership(space_id=to.id, user_id=person.id, role=role)
    db.session.add(membership)
    db.session.commit()
    return membership


def thread(author: User, where: Space, title: str = "A thread", body: str = "Opening words", **fields):
    """A thread through the real service (mentions, notifications and all). Needs a request context."""
    from hub.forums import services as forum
    from hub.forums.categories import categories_of, general_category
    # The category the New thread form offers first (categories_of(where)[0] for someone who may
    # start no thread there, so that the service answers them).
    category = general_category(author, where) or categories_of(where)[0]
    data = {"title": title, "body": body, "category_id": category.id, **fields}
    return forum.create_thread(author, where, data)


def reply(author: User, to, body: str = "A reply"):
    from hub.forums import services as forum
    return forum.reply(author, to, {"body": body})
