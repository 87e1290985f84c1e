"""Spaces: who belongs to a space, who may discover, read, post in, manage or join it, and the
same questions as SQL sets (visible, discoverable and member spaces, the spaces one moderates).
Membership is read at the moment of asking; a caller may hand it in, fetched with its own
statement (`membership_columns`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, and_, exists, false, literal, or_, select, true
from werkzeug.exceptions import Forbidden, NotFound

from hub.extensions import db
from hub.people.models import Cohort, Team, TeamMembership, cohort_teams
from hub.policy.roles import STAFF_ROLES, is_admin, is_staff, signed_in
from hub.spaces.models import JoinRequest, Space, SpaceMembership


# ---------------------------------------------------------------- spaces

def _everyone_reads(space: Space) -> bool:
    # An affinity space is never readable by the whole community, whatever its fields say.
    return space.visibility == "community" and space.kind != "affinity"


def _staff_oversees(user, space: Space) -> bool:
    # Site facilitators and admins support every cohort and team space, but affinity
    # spaces are closed to them unless they join (and joining is visible to members).
    return is_staff(user) and space.kind != "affinity"


ASK = object()  # "read the membership now": the default of every rule below that needs it


@dataclass(frozen=True)
class Membership:
    """What the rules read of a SpaceMembership, when a caller fetched it in its own statement
    (see `membership_columns`); a SpaceMembership row serves the same purpose."""
    role: str
    agreement_accepted_version: int
    joined_at: Any


@dataclass(frozen=True)
class Ties:
    """A person's ties to one space as a caller's own statement fetched them (`membership_columns`):
    their explicit membership, if any, and whether one of their teams makes them a member (the
    team's own space, or the space of a cohort the team is in)."""
    explicit: Membership | None
    through_team: bool


def membership_columns(user_id, space_id) -> list:
    """Scalar subqueries for a caller's own query that fetch, in that statement, the person's ties
    to a space (as `is_member` reads them); `membership_from` turns their values into `Ties`."""
    mine = and_(SpaceMembership.space_id == space_id, SpaceMembership.user_id == user_id)
    through_team = select(Space.id).where(Space.id == space_id, or_(
        and_(Space.kind == "team", Space.id.in_(_my_team_space_ids(user_id))),
        and_(Space.kind == "cohort", Space.id.in_(_my_cohort_space_ids(user_id))))).exists()
    return [*(select(column).where(mine).scalar_subquery() for column in
              (SpaceMembership.role, SpaceMembership.agreement_accepted_version, SpaceMembership.joined_at)),
            through_team]


def membership_from(values) -> Ties:
    role, accepted, joined_at, through_team = values
    return Ties(Membership(role, accepted, joined_at) if role is not None else None, bool(through_team))


def explicit_membership(user, space: Space, membership=ASK) -> SpaceMembership | Membership | None:
    if not signed_in(user):
        return None
    if membership is not ASK:
        return membership.explicit if isinstance(membership, Ties) else membership
    return db.session.scalar(
        select(SpaceMembership).where(
            SpaceMembership.space_id == space.id, SpaceMembership.user_id == user.id
        )
    )


def is_member(user, space: Space, membership=ASK) -> bool:
    """Explicit members, plus a team's people in its team space and its cohorts' spaces."""
    if not signed_in(user):
        return False
    if explicit_membership(user, space, membership) is not None:
        return True
    if isinstance(membership, Ties):
        return membership.through_team
    my_team_ids = {m.team_id for m in user.team_memberships}
    if space.kind == "team":
        team = db.session.scalar(select(Team).where(Team.space_id == space.id))
        return team is not None and team.id in my_team_ids
    if space.kind == "cohort":
        cohort = db.session.scalar(select(Cohort).where(Cohort.space_id == space.id))
        return cohort is not None and any(t.id in my_team_ids for t in cohort.teams)
    return False


def is_space_facilitator(user, space: Space, membership=ASK) -> bool:
    membership = explicit_membership(user, space, membership)
    return membership is not None and membership.role == "facilitator"


def agreement_pending(user, space: Space, membership=ASK) -> bool:
    """An affinity member who has not accepted the current group agreement may not enter yet."""
    if space.kind != "affinity" or space.agreement_version <= 0:
        return False
    membership = explicit_membership(user, space, membership)
    return membership is not None and membership.agreement_accepted_version < space.agreement_version


def _can_view_space(user, space: Space, membership=ASK) -> bool:
    if not signed_in(user):
        return False
    if _everyone_reads(space) or _staff_oversees(user, space):
        return True
    return is_member(user, space, membership) and not agreement_pending(user, space, membership)


def _can_discover_space(user, space: Space) -> bool:
    # Someone invited to a secret space may see its name and purpose to decide.
    if not signed_in(user):
        return False
    return (space.visibility in ("community", "listed") or _can_view_space(user, space)
            or is_member(user, space) or _has_pending_invitation(user, space))


def _can_post_in_space(user, space: Space) -> bool:
    return not space.is_archived and _can_view_space(user, space)


def _can_manage_space(user, space: Space, membership=ASK) -> bool:
    # An affinity facilitator manages only after accepting the current agreement, like any
    # member: managing shows members' words (flags, the log), so it never comes before entry.
    if not signed_in(user):
        return False
    if is_space_facilitator(user, space, membership) and not agreement_pending(user, space, membership):
        return True
    return _staff_oversees(user, space)


def _can_administer_space(user, space: Space) -> bool:
    # Archive, rename, appoint facilitators: never grants reading the content.
    return is_admin(user)


def _can_request_to_join(user, space: Space) -> bool:
    if not _can_discover_space(user, space) or space.is_archived or space.join_policy != "request":
        return False
    if is_member(user, space):
        return False
    return pending_join(user, space) is None


def pending_join(user, space: Space) -> JoinRequest | None:
    """The person's open request or invitation for the space, if any (at most one is kept)."""
    if not signed_in(user):
        return None
    return db.session.scalar(select(JoinRequest).where(
        JoinRequest.space_id == space.id, JoinRequest.user_id == user.id, JoinRequest.status == "pending"))


def _has_pending_invitation(user, space: Space) -> bool:
    pending = pending_join(user, space)
    return pending is not None and pending.kind == "invite"


def _can_decide_join(user, request: JoinRequest) -> bool:
    if request.status != "pending" or not signed_in(user):
        return False
    if request.kind == "invite":
        return request.user_id == user.id  # the invited person accepts or declines
    return _can_manage_space(user, request.space)


def _can_see_join(user, request: JoinRequest) -> bool:
    return signed_in(user) and (request.user_id == user.id or _can_manage_space(user, request.space))


# ---------------------------------------------------------------- spaces as SQL sets

def _my_team_space_ids(user_id: int):
    return select(Team.space_id).join(TeamMembership, TeamMembership.team_id == Team.id).where(
        TeamMembership.user_id == user_id
    )


def _my_cohort_space_ids(user_id: int):
    return (
        select(Cohort.space_id)
        .join(cohort_teams, cohort_teams.c.cohort_id == Cohort.id)
        .join(TeamMembership, TeamMembership.team_id == cohort_teams.c.team_id)
        .where(TeamMembership.user_id == user_id)
    )


def _explicit_membership_clause(user_id: int, entered: bool):
    """Correlated on Space. With `entered`, affinity members must have accepted the current agreement."""
    condition = and_(SpaceMembership.space_id == Space.id, SpaceMembership.user_id == user_id)
    if entered:
        condition = and_(condition, or_(Space.kind != "affinity",
                                        SpaceMembership.agreement_accepted_version >= Space.agreement_version))
    return exists(select(SpaceMembership.id).where(condition))


def _membership_clause(user_id: int, entered: bool = True):
    return or_(
        _explicit_membership_clause(user_id, entered),
        Space.id.in_(_my_team_space_ids(user_id)),
        Space.id.in_(_my_cohort_space_ids(user_id)),
    )


def _space_view_condition(user_id, staff):
    """Who reads a space, as SQL: everyone in a community space, members, and site staff outside
    affinity spaces. `staff` is an SQL truth: true()/false() for a known person, or a column."""
    return or_((Space.visibility == "community") & (Space.kind != "affinity"), _membership_clause(user_id),
               and_(staff, Space.kind != "affinity"))


def _space_view_clause(user):
    if not signed_in(user):
        return false()
    return _space_view_condition(user.id, true() if is_staff(user) else false())


def reads_space(space_id, user_id, site_role):
    """Whether a person may read one space, as SQL, for a statement built before anyone asks:
    `space_id`, `user_id` and `site_role` may be bound parameters or columns of the caller's own
    query, such as the person's row (the same rule as `_space_view_clause`; a first answer, for
    a signed-in person)."""
    staff = or_(*(site_role == role for role in STAFF_ROLES))  # (not IN: that is expanded per execution)
    return select(Space.id).where(Space.id == space_id, _space_view_condition(user_id, staff)).exists()


def visible_space_ids(user) -> frozenset[int]:
    """Ids of every space whose content this user may read right now."""
    if not signed_in(user):
        return frozenset()
    return frozenset(db.session.scalars(select(Space.id).where(_space_view_clause(user))))


def discoverable_space_ids(user) -> frozenset[int]:
    """Spaces whose name and purpose the user may see (content may still be closed)."""
    if not signed_in(user):
        return frozenset()
    invited = select(JoinRequest.space_id).where(JoinRequest.user_id == user.id, JoinRequest.kind == "invite",
                                                 JoinRequest.status == "pending")
    clause = or_(Space.visibility.in_(("community", "listed")), _space_view_clause(user),
                 _membership_clause(user.id, entered=False), Space.id.in_(invited))
    return frozenset(db.session.scalars(select(Space.id).where(clause)))


def belongs_clause(user_id: int):
    """SQL: the spaces a person belongs to (not merely oversees): the community-wide ones and
    their own, agreement accepted or not. Their home page and their chat sidebar list these."""
    return or_((Space.visibility == "community") & (Space.kind != "affinity"),
               _membership_clause(user_id, entered=False))


def member_space_ids(user) -> frozenset[int]:
    """Spaces the user belongs to (belongs_clause)."""
    if not signed_in(user):
        return frozenset()
    return frozenset(db.session.scalars(select(Space.id).where(belongs_clause(user.id))))


def _managed_space_ids(user):
    """Spaces this user moderates: their facilitators, and site staff outside affinity spaces."""
    facilitates = (select(SpaceMembership.space_id).join(Space, Space.id == SpaceMembership.space_id)
                   .where(SpaceMembership.user_id == user.id, SpaceMembership.role == "facilitator",
                          or_(Space.kind != "affinity",
                              SpaceMembership.agreement_accepted_version >= Space.agreement_version)))
    clause = Space.id.in_(facilitates)
    if is_staff(user):
        clause = or_(clause, Space.kind != "affinity")
    return select(Space.id).where(clause)


def reads_where_left(user, row) -> bool:
    """A library version or file, or a post revision, left in a space its resource or thread moved
    from (`left_in_space`) was written for that space's readers and stays theirs."""
    return row.left_in_space_id is None or _can_view_space(user, row.left_in_space)


def reads_where_left_clause(user, column):
    """SQL twin of reads_where_left, on the row's `left_in_space_id` column."""
    return or_(column.is_(None), column.in_(select(Space.id).where(_space_view_clause(user))))


class AgreementPending(Forbidden):
    """Refused only because the person, a member of the space, has not yet accepted its current
    group agreement: pages send them to the agreement (hub.errors), then back to where they were."""

    def __init__(self, slug: str):
        super().__init__()
        self.slug = slug


def require_known_in_spaces(user, stmt, *space_ids) -> None:
    """NotFound unless `stmt` (the object's id, by its key) finds a row whose space, by any of the
    columns `space_ids`, is one the user may view: one statement for a missing object and for one
    in a space they cannot read alike, so that the time a "not found" takes tells nothing
    (hub.policy.core.KNOWN_CHECKS)."""
    visible = select(Space.id).where(_space_view_clause(user))
    known = or_(*(column.in_(visible) for column in space_ids))
    row = db.session.execute(stmt.add_columns(known, pending_agreement_slug(user, space_ids[0])).limit(1)).first()
    if row is None or not row[-2]:
        if row is not None and row[-1] is not None:
            raise AgreementPending(row[-1])
        raise NotFound()


def pending_agreement_slug(user, space_id):
    """SQL: the slug of the space `space_id` (a column or value) when the person is a member who has
    yet to accept its current group agreement, else NULL; asked in the statement that decides a
    "not found", so a member is sent to the agreement and everyone else learns nothing more."""
    if not signed_in(user):
        return literal(None, String)
    waiting = select(SpaceMembership.id).where(
        SpaceMembership.space_id == Space.id, SpaceMembership.user_id == user.id,
        SpaceMembership.agreement_accepted_version < Space.agreement_version).exists()
    return select(Space.slug).where(Space.id == space_id, Space.kind == "affinity", Space.agreement_version > 0,
                                    waiting).scalar_subquery()

