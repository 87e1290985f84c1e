"""THE access policy. Every "may this person see / do this?" is answered here, in four shapes:

- predicate  `can(user, action, obj) -> bool`
- enforcer   `require(user, action, obj)`: NotFound for what the user may not even know
             exists (identical to a missing object), Forbidden for seen-but-not-allowed
- scope      `visible_space_ids(user)`, `scope(select_stmt, user)`: SQL for listings
- audience   `audience(obj) -> set of user ids` for realtime events and notifications

Pure functions of their arguments: never `request`, `g`, `session` or `current_user`, so a
page, a socket handler, a search query and an email job all ask the same question.
Membership is read from the database at the moment of asking, never cached.
The predicate is written per object and the scope/audience as set queries on purpose: the
property test in tests/test_policy_properties.py checks that the two spellings agree.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import Select, and_, exists, false, or_, select
from sqlalchemy.orm import aliased
from werkzeug.exceptions import Forbidden, NotFound

from hub.auth.models import ApiToken, Invitation
from hub.extensions import db
from hub.forums.models import Category, Flag, Post, Thread
from hub.people.models import Cohort, Team, TeamMembership, User, cohort_teams
from hub.spaces.models import JoinRequest, Space, SpaceMembership

STAFF_ROLES = ("facilitator", "admin")


# ---------------------------------------------------------------- who is asking

def signed_in(user) -> bool:
    """Anonymous visitors and deactivated accounts hold no rights at all."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def is_staff(user) -> bool:
    return signed_in(user) and user.site_role in STAFF_ROLES


def is_admin(user) -> bool:
    return signed_in(user) and user.site_role == "admin"


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


def membership_columns(user_id, space_id) -> list:
    """Scalar subqueries for a caller's own query that fetch, in that statement, the person's
    explicit membership of a space; `membership_from` turns their values back into one."""
    mine = and_(SpaceMembership.space_id == space_id, SpaceMembership.user_id == user_id)
    return [select(column).where(mine).scalar_subquery() for column in
            (SpaceMembership.role, SpaceMembership.agreement_accepted_version, SpaceMembership.joined_at)]


def membership_from(values) -> Membership | None:
    role, accepted, joined_at = values
    return Membership(role, accepted, joined_at) if role is not None else None


def explicit_membership(user, space: Space, membership=ASK) -> SpaceMembership | Membership | None:
    if not signed_in(user):
        return None
    if membership is not ASK:
        return membership
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


# ---------------------------------------------------------------- people

def _can_view_person(user, person: User) -> bool:
    if not signed_in(user):
        return False
    return person.active or person.id == user.id or is_admin(user)


def _can_view_email(user, person: User) -> bool:
    return _can_view_person(user, person) and (person.id == user.id or is_staff(user))


def _can_edit_person(user, person: User) -> bool:
    return signed_in(user) and person.id == user.id


def _can_deactivate_person(user, person: User) -> bool:
    return is_admin(user) and person.id != user.id


# ---------------------------------------------------------------- site-wide actions

def _can_invite(user, site_role: str | None) -> bool:
    if not is_staff(user):
        return False
    # Only an admin may hand out admin rights.
    return site_role != "admin" or is_admin(user)


def _can_manage_invitation(user, invitation: Invitation) -> bool:
    return is_admin(user) or (is_staff(user) and invitation.invited_by_id == user.id)


def _can_own_token(user, token: ApiToken) -> bool:
    return signed_in(user) and token.user_id == user.id


# ---------------------------------------------------------------- forums
# Forum rules are written over SpaceFacts: what the person may do in the space, asked once.
# A thread page asks about fifty posts with the facts of one space (see `permissions`).

@dataclass(frozen=True)
class SpaceFacts:
    user_id: int | None
    view: bool
    post: bool
    manage: bool
    staff: bool
    cutoff: Any  # joining time in a narrow-history affinity space, else None


def space_facts(user, space: Space, membership=ASK) -> SpaceFacts:
    """Everything the forum rules need of one person in one space. The membership is read once
    (or comes fetched with the caller's own statement: `membership_columns`)."""
    if membership is ASK:
        membership = explicit_membership(user, space)
    view = _can_view_space(user, space, membership)
    return SpaceFacts(user_id=user.id if signed_in(user) else None, view=view,
                      post=view and not space.is_archived, manage=_can_manage_space(user, space, membership),
                      staff=is_staff(user), cutoff=history_cutoff(user, space, membership) if view else None)


def history_cutoff(user, space: Space, membership=ASK):
    """In an affinity space whose newcomers see history "from joining", nothing posted before the
    person's (latest) joining is theirs to see, on any surface. None when there is no cut."""
    if space.kind != "affinity" or space.history_policy != "from_joining" or not signed_in(user):
        return None
    membership = explicit_membership(user, space, membership)
    return membership.joined_at if membership is not None else None


def _shown(facts: SpaceFacts, row, author_id: int) -> bool:
    """Deleted things stay visible to the space's moderators only; hidden ones also to their author."""
    if row.deleted_at is not None:
        return facts.manage
    if row.hidden_at is not None:
        return author_id == facts.user_id or facts.manage
    return True


def _thread_visible(facts: SpaceFacts, thread: Thread) -> bool:
    return (facts.view and (facts.cutoff is None or thread.created_at >= facts.cutoff)
            and _shown(facts, thread, thread.author_id))


def _post_visible(facts: SpaceFacts, post: Post) -> bool:
    return (_thread_visible(facts, post.thread) and (facts.cutoff is None or post.created_at >= facts.cutoff)
            and _shown(facts, post, post.author_id))


def _thread_rules(facts: SpaceFacts, thread: Thread) -> dict[str, bool]:
    view = _thread_visible(facts, thread)
    moderate = view and facts.manage
    return {
        "thread.view": view,
        "thread.reply": (view and facts.post and thread.deleted_at is None
                         and (thread.locked_at is None or facts.manage)),
        "thread.moderate": moderate,
        # A global pin puts a thread at the top of everyone's Latest: site staff only.
        "thread.pin_globally": moderate and facts.staff,
        "thread.accept_answer": (view and thread.kind == "question"
                                 and (thread.author_id == facts.user_id or facts.manage)),
    }


def _post_rules(facts: SpaceFacts, post: Post) -> dict[str, bool]:
    view = _post_visible(facts, post)
    live = view and post.deleted_at is None
    own = post.author_id == facts.user_id
    return {
        "post.view": view,
        "post.edit": live and facts.post and (facts.manage or (own and post.thread.locked_at is None)),
        "post.delete": live and (own or facts.manage),
        "post.restore": view and post.deleted_at is not None,
        "post.react": live and facts.post,
        "post.flag": live and not own,
    }


def permissions(user, thread: Thread, posts) -> dict:
    """Every forum answer a thread page needs, from one set of space facts:
    {"thread": {action: bool}, post_id: {action: bool}}."""
    facts = space_facts(user, thread.space)
    answers: dict = {"thread": _thread_rules(facts, thread)}
    for post in posts:
        answers[post.id] = _post_rules(facts, post)
    return answers


def require_thread(user, thread: Thread | None, membership=ASK) -> SpaceFacts:
    """require(user, "thread.view", thread), returning the facts it was decided on, for a thread
    page that goes on to stamp itself with them (hub.forums.thread_pages) without asking again."""
    if thread is None:
        raise NotFound()
    facts = space_facts(user, thread.space, membership)
    if not _thread_visible(facts, thread):
        raise NotFound()
    return facts


class Asker:
    """Answers many questions for one person at once (a badge count, a listing), looking each
    space's facts up once. It lives for one call, so nothing is remembered past the moment."""

    def __init__(self, user):
        self.user = user
        self._facts: dict[int, SpaceFacts] = {}
        self._answers: dict[tuple, bool] = {}

    def facts(self, space: Space) -> SpaceFacts:
        if space.id not in self._facts:
            self._facts[space.id] = space_facts(self.user, space)
        return self._facts[space.id]

    def can(self, action: str, obj: Any) -> bool:
        if isinstance(obj, Thread) and action.startswith("thread."):
            return _thread_rules(self.facts(obj.space), obj).get(action, False)
        if isinstance(obj, Post) and action.startswith("post."):
            return _post_rules(self.facts(obj.thread.space), obj).get(action, False)
        key = (action, type(obj).__name__, getattr(obj, "id", None))
        if key not in self._answers:
            self._answers[key] = can(self.user, action, obj)
        return self._answers[key]


def posts_of_thread_clause(user, thread: Thread):
    """SQL for the posts of one thread this user may see, for a caller that has already required
    "thread.view": the same rules as _post_clause, with the space's facts known in Python, so a
    thread page pays for one set of facts instead of the whole scope per query."""
    facts = space_facts(user, thread.space)
    if not _thread_visible(facts, thread):
        return false()
    clause = Post.thread_id == thread.id
    if facts.cutoff is not None:
        clause = and_(clause, Post.created_at >= facts.cutoff)
    if not facts.manage:
        clause = and_(clause, Post.deleted_at.is_(None), or_(Post.hidden_at.is_(None), Post.author_id == facts.user_id))
    return clause


def _thread_rule(action: str) -> Callable[[Any, Thread], bool]:
    return lambda user, thread: _thread_rules(space_facts(user, thread.space), thread)[action]


def _post_rule(action: str) -> Callable[[Any, Post], bool]:
    return lambda user, post: _post_rules(space_facts(user, post.thread.space), post)[action]


def _can_review_flag(user, flag: Flag) -> bool:
    facts = space_facts(user, flag.post.thread.space)
    return facts.manage and _post_visible(facts, flag.post)


RULES: dict[str, Callable[[Any, Any], bool]] = {
    "space.discover": _can_discover_space,
    "space.view": _can_view_space,
    "space.post": _can_post_in_space,
    "space.manage": _can_manage_space,
    "space.administer": _can_administer_space,
    "space.create": lambda user, _obj: is_staff(user),
    "space.request_join": _can_request_to_join,
    "space.accept_agreement": lambda user, space: signed_in(user) and agreement_pending(user, space),
    "space.leave": lambda user, space: signed_in(user) and explicit_membership(user, space) is not None,
    "space.audit": _can_manage_space,
    "join_request.view": _can_see_join,
    "join_request.decide": _can_decide_join,
    "person.view": _can_view_person,
    "person.view_email": _can_view_email,
    "person.edit": _can_edit_person,
    "person.deactivate": _can_deactivate_person,
    "person.change_role": lambda user, person: is_admin(user) and person.id != user.id,
    "invitation.create": _can_invite,
    "invitation.manage": _can_manage_invitation,
    "token.manage": _can_own_token,
    "program.manage": lambda user, _obj: is_staff(user),  # cohorts, organizations, teams
    "team.manage": lambda user, _team: is_staff(user),
    "directory.view": lambda user, _obj: signed_in(user),
    "category.view": lambda user, category: _can_view_space(user, category.space),
    "category.manage": lambda user, category: _can_manage_space(user, category.space),
    **{action: _thread_rule(action) for action in ("thread.view", "thread.reply", "thread.moderate",
                                                   "thread.pin_globally", "thread.accept_answer")},
    **{action: _post_rule(action) for action in ("post.view", "post.edit", "post.delete", "post.restore",
                                                 "post.react", "post.flag")},
    "flag.review": _can_review_flag,
}

# The action whose refusal means "you may not know this exists": answered with NotFound.
EXISTENCE_ACTION: dict[type, str] = {
    Space: "space.discover",
    User: "person.view",
    ApiToken: "token.manage",
    Invitation: "invitation.manage",
    JoinRequest: "join_request.view",
    Category: "category.view",
    Thread: "thread.view",
    Post: "post.view",
    Flag: "flag.review",
}


# Actions about a particular thing: asked about nothing (a missing row), they answer NotFound.
NEEDS_OBJECT = ({a for a in RULES if a.split(".")[0] in ("space", "person", "token", "join_request", "category",
                                                         "thread", "post", "flag")}
                | {"invitation.manage", "team.manage"}) - {"space.create"}


# Actions whose "may you know this exists?" question differs from the type's default:
# an admin archives or re-staffs a secret space without being able to read it.
EXISTENCE_OVERRIDES = {"space.administer": "space.administer"}


def can(user, action: str, obj: Any = None) -> bool:
    rule = RULES.get(action)
    if rule is None:  # unknown actions fail closed
        return False
    return bool(rule(user, obj))


def require(user, action: str, obj: Any = None) -> None:
    """Raise NotFound for unseen or missing objects, Forbidden for seen-but-not-allowed."""
    if action not in RULES:
        raise Forbidden()
    if action.startswith("space.") and action in NEEDS_OBJECT:
        _require_known_space(user, action, obj)
        if not can(user, action, obj):
            raise Forbidden()
        return
    known = KNOWN_CHECKS.get(action.split(".", 1)[0])
    if known is not None and action in NEEDS_OBJECT:
        known(user, obj)  # NotFound for missing and unseen alike, with the same work either way
    existence = EXISTENCE_ACTION.get(type(obj)) if obj is not None else None
    if existence is not None and not can(user, existence, obj):
        raise NotFound()
    if obj is None and action in NEEDS_OBJECT:
        raise NotFound()
    if action != existence and not can(user, action, obj):  # (asked already when they are one)
        raise Forbidden()


# Per kind of action ("channel", "message"): a check that raises NotFound for a missing object
# and for one the user may not see after the same single query, so that timing cannot tell them
# apart (ids are typed into addresses as easily as slugs). Filled in by the sections below.
KNOWN_CHECKS: dict[str, Callable[[Any, Any], None]] = {}


def _require_known_space(user, action: str, space: Space | None) -> None:
    """The same single query whether or not the space exists, so that a hidden space's "not
    found" takes as long as a missing one's (timing must not reveal a secret space)."""
    known_ids = discoverable_space_ids(user) if signed_in(user) else frozenset()
    if space is None:
        raise NotFound()
    override = EXISTENCE_OVERRIDES.get(action)
    if space.id not in known_ids and not (override and can(user, override, space)):
        raise NotFound()


# ---------------------------------------------------------------- scope (SQL)

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


def _space_view_clause(user):
    if not signed_in(user):
        return false()
    clauses = [
        (Space.visibility == "community") & (Space.kind != "affinity"),
        _membership_clause(user.id),
    ]
    if is_staff(user):
        clauses.append(Space.kind != "affinity")
    return or_(*clauses)


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


def member_space_ids(user) -> frozenset[int]:
    """Spaces the user belongs to (not merely oversees): their home page lists these."""
    if not signed_in(user):
        return frozenset()
    clause = or_((Space.visibility == "community") & (Space.kind != "affinity"),
                 _membership_clause(user.id, entered=False))
    return frozenset(db.session.scalars(select(Space.id).where(clause)))


def _person_clause(user):
    if not signed_in(user):
        return false()
    if is_admin(user):
        return User.id.is_not(None)
    return or_(User.active.is_(True), User.id == user.id)


def _invitation_clause(user):
    if is_admin(user):
        return Invitation.id.is_not(None)
    if is_staff(user):
        return Invitation.invited_by_id == user.id
    return false()


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


# Built once: aliasing is costly, and an alias can serve any number of statements.
_THREAD_ALIAS, _SPACE_ALIAS = aliased(Thread), aliased(Space)


def _after_cutoff_clause(user_id: int, model):
    """SQL twin of the history cut: no membership of the person in the row's narrow-history
    affinity space began after the row was written. One correlated level (on `model`) only:
    a subquery nested inside another would silently stop correlating."""
    thread, narrow = _THREAD_ALIAS, _SPACE_ALIAS
    later = (select(SpaceMembership.id)
             .join(narrow, narrow.id == SpaceMembership.space_id)
             .where(SpaceMembership.user_id == user_id, narrow.kind == "affinity",
                    narrow.history_policy == "from_joining", SpaceMembership.joined_at > model.created_at))
    if model is Thread:
        later = later.where(SpaceMembership.space_id == Thread.space_id)
    else:
        later = later.join(thread, thread.space_id == SpaceMembership.space_id).where(thread.id == model.thread_id)
    return ~exists(later.correlate(model))


def _shown_clause(user, model, in_managed_space):
    return or_(in_managed_space,
               and_(model.deleted_at.is_(None), or_(model.hidden_at.is_(None), model.author_id == user.id)))


def _thread_clause(user):
    if not signed_in(user):
        return false()
    viewable = select(Space.id).where(_space_view_clause(user))
    return and_(Thread.space_id.in_(viewable), _after_cutoff_clause(user.id, Thread),
                _shown_clause(user, Thread, Thread.space_id.in_(_managed_space_ids(user))))


def _post_clause(user):
    if not signed_in(user):
        return false()
    thread = _THREAD_ALIAS
    in_managed = Post.thread_id.in_(select(thread.id).where(thread.space_id.in_(_managed_space_ids(user))))
    return and_(Post.thread_id.in_(visible_thread_ids(user)), _after_cutoff_clause(user.id, Post),
                _shown_clause(user, Post, in_managed))


def visible_thread_ids(user):
    """A subquery of the threads the user may read, for listings and counts to filter on."""
    return select(Thread.id).where(_thread_clause(user))


SCOPES: dict[type, Callable[[Any], Any]] = {
    Space: _space_view_clause,
    Thread: _thread_clause,
    Post: _post_clause,
    Category: lambda user: Category.space_id.in_(select(Space.id).where(_space_view_clause(user))),
    User: _person_clause,
    Invitation: _invitation_clause,
}


def scope(stmt: Select, user) -> Select:
    """Narrow a `select(Model)` to the rows the user may see. Unknown models fail closed."""
    entity = stmt.column_descriptions[0].get("entity")
    clause_for = SCOPES.get(entity)
    if clause_for is None:
        return stmt.where(false())
    return stmt.where(clause_for(user))


# ---------------------------------------------------------------- search
# The search index files every document under an audience key ("s<space id>", "people"); this is
# the policy's answer in those terms. hub.search turns it into the filter inside every query and
# re-checks each hit with `scope` before showing it.

PEOPLE_KEY = "people"


@dataclass(frozen=True)
class SearchScope:
    readable: frozenset[str]      # audience keys whose documents the person may read
    cutoffs: dict[str, Any]       # key -> nothing that began before this is theirs (from joining)
    managed: frozenset[str]       # keys where hidden documents are visible too (moderators)
    user_key: str | None          # "u<id>": hidden documents exempt this person (their own)


def search_scope(user) -> SearchScope:
    if not signed_in(user):
        return SearchScope(frozenset(), {}, frozenset(), None)
    spaces = visible_space_ids(user)
    narrow = db.session.execute(
        select(SpaceMembership.space_id, SpaceMembership.joined_at)
        .join(Space, Space.id == SpaceMembership.space_id)
        .where(SpaceMembership.user_id == user.id, Space.kind == "affinity", Space.history_policy == "from_joining"))
    cutoffs = {f"s{space_id}": joined for space_id, joined in narrow if space_id in spaces}
    managed = {f"s{space_id}" for space_id in db.session.scalars(_managed_space_ids(user)) if space_id in spaces}
    if is_admin(user):
        managed.add(PEOPLE_KEY)  # admins see deactivated people; others only the active and themselves
    # Direct conversations are filed under "c<channel id>": only their participants read them.
    conversations = {f"c{i}" for i in db.session.scalars(
        select(ChannelParticipant.channel_id).join(Channel, Channel.id == ChannelParticipant.channel_id)
        .where(ChannelParticipant.user_id == user.id, Channel.kind == "dm"))}
    return SearchScope(frozenset({f"s{i}" for i in spaces} | {PEOPLE_KEY} | conversations), cutoffs,
                       frozenset(managed), f"u{user.id}")


# ---------------------------------------------------------------- audience

def _active_ids(stmt, among=None) -> set[int]:
    stmt = stmt.where(User.active.is_(True))
    if among is not None:
        stmt = stmt.where(User.id.in_(list(among)))
    return set(db.session.scalars(stmt))


def audience(obj: Any, among=None) -> set[int]:
    """Every user id who may view `obj` right now: the recipients of its events. With `among`
    (ids), only those of them: a who-reacted list need not load a whole community."""
    if isinstance(obj, Space):
        return _space_audience(obj, among)
    if isinstance(obj, Thread):
        return _content_audience(obj.space, obj, obj.author_id, obj.created_at, among)
    if isinstance(obj, Post):
        return audience_of_posts(obj.thread, [obj], among)[obj.id]
    if isinstance(obj, LIBRARY_TYPES):
        return _library_audience(obj, among)
    if isinstance(obj, User):
        # A profile is seen by every active person; a deactivated one only by admins.
        if obj.active:
            return _active_ids(select(User.id), among)
        return _active_ids(select(User.id).where(User.site_role == "admin"), among)
    return set()  # unknown objects reach nobody


def _space_audience(obj: Space, among=None) -> set[int]:
    if _everyone_reads(obj):
        return _active_ids(select(User.id), among)
    explicit = select(User.id).join(SpaceMembership, SpaceMembership.user_id == User.id).where(
        SpaceMembership.space_id == obj.id)
    if obj.kind == "affinity":
        explicit = explicit.where(SpaceMembership.agreement_accepted_version >= obj.agreement_version)
    ids = _active_ids(explicit, among)
    if obj.kind == "team":
        ids |= _active_ids(
            select(User.id).join(TeamMembership, TeamMembership.user_id == User.id)
            .join(Team, Team.id == TeamMembership.team_id).where(Team.space_id == obj.id), among)
    if obj.kind == "cohort":
        ids |= _active_ids(
            select(User.id).join(TeamMembership, TeamMembership.user_id == User.id)
            .join(cohort_teams, cohort_teams.c.team_id == TeamMembership.team_id)
            .join(Cohort, Cohort.id == cohort_teams.c.cohort_id).where(Cohort.space_id == obj.id), among)
    if obj.kind != "affinity":
        ids |= _active_ids(select(User.id).where(User.site_role.in_(STAFF_ROLES)), among)
    return ids


def _content_audience(space: Space, row, author_id: int, created_at, among=None) -> set[int]:
    """Who may read a thread or post: the space's readers, minus newcomers who joined after it
    was written (narrow history), minus everyone but moderators (and the author) when withdrawn."""
    readers = _space_audience(space, among)
    late = _joined_at(space)
    readers = {u for u in readers if u not in late or late[u] <= created_at}
    return _withdrawn_filter(space, row, author_id, readers)


def _joined_at(space: Space) -> dict[int, Any]:
    """Members' joining times, where they cut what a newcomer may read (else empty)."""
    if space.kind != "affinity" or space.history_policy != "from_joining":
        return {}
    return dict(db.session.execute(select(SpaceMembership.user_id, SpaceMembership.joined_at)
                                   .where(SpaceMembership.space_id == space.id)).all())


def _withdrawn_filter(space: Space, row, author_id: int, readers: set[int], moderators=None) -> set[int]:
    if row.deleted_at is None and row.hidden_at is None:
        return readers
    if moderators is None:
        moderators = _moderator_ids(space)
    return readers & (moderators | ({author_id} if row.deleted_at is None else set()))


def _moderator_ids(space: Space) -> set[int]:
    ids = _active_ids(select(User.id).where(User.id.in_(
        select(SpaceMembership.user_id).where(SpaceMembership.space_id == space.id,
                                              SpaceMembership.role == "facilitator"))))
    if space.kind != "affinity":
        ids |= _active_ids(select(User.id).where(User.site_role.in_(STAFF_ROLES)))
    return ids


def audience_of_posts(thread: Thread, posts, among=None) -> dict[int, set[int]]:
    """audience(post) for many posts of one thread in a fixed number of queries (thread pages)."""
    readers, space = audience(thread, among), thread.space
    late = _joined_at(space)
    moderators = _moderator_ids(space) if any(p.deleted_at or p.hidden_at for p in posts) else set()
    return {post.id: _withdrawn_filter(space, post, post.author_id,
                                       {u for u in readers if u not in late or late[u] <= post.created_at},
                                       moderators)
            for post in posts}


# ================================================================ library (issue 5)
# Resources follow their home space: the space's readers see what is published there (from
# joining, in a narrow-history affinity space); drafts stay with their author, or with the team
# in a team space; submissions also reach the space's moderators, who review them. Files,
# adoptions and votes follow their resource; a team-only adoption also needs the team's space.
# An edit proposed to a published resource (and the files it brings) is its editor's and the
# space's moderators' until it is approved.

from sqlalchemy import true  # noqa: E402

from hub.library.models import Adoption, Collection, Component, Resource, ResourceEdit, ResourceFile  # noqa: E402

LIBRARY_TYPES = (Resource, ResourceFile, Collection, Adoption, ResourceEdit)


def _resource_visible(facts: SpaceFacts, space: Space, resource: Resource) -> bool:
    if not facts.view or resource.deleted_at is not None:
        return False
    if facts.cutoff is not None and resource.created_at < facts.cutoff:
        return False
    own = facts.user_id is not None and resource.author_id == facts.user_id
    if resource.hidden_at is not None and not (own or facts.manage):
        return False
    if resource.status == "published" or own or space.kind == "team":
        return True
    return resource.status != "draft" and facts.manage


def _resource_rules(facts: SpaceFacts, space: Space, resource: Resource) -> dict[str, bool]:
    view = _resource_visible(facts, space, resource)
    own = view and resource.author_id == facts.user_id
    published = view and resource.status == "published"
    return {
        "resource.view": view,
        "resource.download": view,
        "resource.edit": view and facts.post and (own or facts.manage) and resource.status != "declined",
        "resource.submit": own and facts.post and resource.status in ("draft", "changes_requested"),
        "resource.review": view and facts.manage and resource.status == "submitted",
        # Moving changes who may read it: moderators, or the author before it is published.
        "resource.move": view and facts.post and (facts.manage or (own and resource.status != "published")),
        "resource.delete": view and (own or facts.manage),
        "resource.curate": published and facts.manage,
        "resource.vote": published and facts.post,
        "resource.adopt": published and facts.post,
        "resource.discuss": published and facts.post,
    }


def _resource_rule(action: str) -> Callable[[Any, Resource], bool]:
    def rule(user, resource):
        if resource is None:
            return False
        return _resource_rules(space_facts(user, resource.space), resource.space, resource)[action]
    return rule


def _edit_rules(facts: SpaceFacts, space: Space, edit: ResourceEdit) -> dict[str, bool]:
    view = _resource_visible(facts, space, edit.resource) and (
        edit.editor_id == facts.user_id or facts.manage)
    return {
        "resource_edit.view": view,
        # The moderators who may review a submission review an edit, while it waits.
        "resource_edit.review": view and facts.manage and edit.status == "submitted",
    }


def _edit_rule(action: str) -> Callable[[Any, ResourceEdit], bool]:
    def rule(user, edit):
        if edit is None:
            return False
        space = edit.resource.space
        return _edit_rules(space_facts(user, space), space, edit)[action]
    return rule


def _can_view_file(user, file: ResourceFile) -> bool:
    """A resource's files follow it; a file brought by a proposed edit follows the edit."""
    if file.edit_id is not None:
        return can(user, "resource_edit.view", file.edit)
    return can(user, "resource.download", file.resource)


def _can_view_adoption(user, adoption: Adoption) -> bool:
    if not can(user, "resource.view", adoption.resource):
        return False
    return adoption.shared or _can_view_space(user, adoption.team.space)


def _can_remove_adoption(user, adoption: Adoption) -> bool:
    return _can_view_adoption(user, adoption) and (
        adoption.recorded_by_id == user.id or _can_manage_space(user, adoption.resource.space))


def _can_view_collection(user, collection: Collection) -> bool:
    """A collection is the space's content like any other: newcomers of a narrow-history space
    see only those made after they joined."""
    if not _can_view_space(user, collection.space):
        return False
    cutoff = history_cutoff(user, collection.space)
    return cutoff is None or collection.created_at >= cutoff


def _can_curate_collection(user, collection: Collection) -> bool:
    return (_can_view_collection(user, collection) and _can_manage_space(user, collection.space)
            and not collection.space.is_archived)


RESOURCE_ACTIONS = ("resource.view", "resource.download", "resource.edit", "resource.submit", "resource.review",
                    "resource.move", "resource.delete", "resource.curate", "resource.vote", "resource.adopt",
                    "resource.discuss")
RULES.update({
    **{action: _resource_rule(action) for action in RESOURCE_ACTIONS},
    **{action: _edit_rule(action) for action in ("resource_edit.view", "resource_edit.review")},
    "file.view": _can_view_file,
    "collection.view": lambda user, collection: _can_view_collection(user, collection),
    "collection.curate": _can_curate_collection,
    # Pinning puts a collection on a cohort's home page.
    "collection.pin": lambda user, c: _can_curate_collection(user, c) and c.space.kind == "cohort",
    "adoption.view": _can_view_adoption,
    "adoption.remove": _can_remove_adoption,
    "component.manage": lambda user, _obj: is_staff(user),
})
EXISTENCE_ACTION.update({Resource: "resource.view", ResourceFile: "file.view", Collection: "collection.view",
                         Adoption: "adoption.view", ResourceEdit: "resource_edit.view"})
NEEDS_OBJECT |= set(RESOURCE_ACTIONS) | {"file.view", "collection.view", "collection.curate", "collection.pin",
                                         "adoption.view", "adoption.remove", "resource_edit.view",
                                         "resource_edit.review"}


def resource_asker_rules(asker: Asker, resource: Resource) -> dict[str, bool]:
    """Every resource answer a page needs, with the space's facts asked once per space."""
    return _resource_rules(asker.facts(resource.space), resource.space, resource)


def _library_after_cutoff(user_id: int, space_column, created_column):
    """SQL twin of the history cut for a row that names its space directly."""
    narrow = aliased(Space)
    later = (select(SpaceMembership.id).join(narrow, narrow.id == SpaceMembership.space_id)
             .where(SpaceMembership.user_id == user_id, SpaceMembership.space_id == space_column,
                    narrow.kind == "affinity", narrow.history_policy == "from_joining",
                    SpaceMembership.joined_at > created_column))
    return ~exists(later)


def _resource_clause(user):
    if not signed_in(user):
        return false()
    viewable = select(Space.id).where(_space_view_clause(user))
    managed = Resource.space_id.in_(_managed_space_ids(user))
    own = Resource.author_id == user.id
    in_team_space = Resource.space_id.in_(select(Space.id).where(Space.kind == "team"))
    return and_(Resource.space_id.in_(viewable), Resource.deleted_at.is_(None),
                _library_after_cutoff(user.id, Resource.space_id, Resource.created_at),
                or_(Resource.hidden_at.is_(None), own, managed),
                or_(Resource.status == "published", own, in_team_space,
                    and_(Resource.status != "draft", managed)))


def visible_resource_ids(user):
    """A subquery of the resources the user may see, for listings and counts to filter on."""
    return select(Resource.id).where(_resource_clause(user))


def _edit_clause(user):
    if not signed_in(user):
        return false()
    managed = select(Resource.id).where(Resource.space_id.in_(_managed_space_ids(user)))
    return and_(ResourceEdit.resource_id.in_(visible_resource_ids(user)),
                or_(ResourceEdit.editor_id == user.id, ResourceEdit.resource_id.in_(managed)))


def _file_clause(user):
    if not signed_in(user):
        return false()
    return and_(ResourceFile.resource_id.in_(visible_resource_ids(user)),
                or_(ResourceFile.edit_id.is_(None), ResourceFile.edit_id.in_(select(ResourceEdit.id)
                                                                              .where(_edit_clause(user)))))


def reads_resource_clause(user_id, resource_id):
    """SQL twin of audience(resource) for counting: true where the person `user_id` may view the
    resource `resource_id` right now (both columns of the caller's rows, e.g. Vote's). A helpful
    count, and the order by it, then counts exactly the people the who-voted list (audience)
    shows: someone removed from the space, deactivated, or past a narrow history's cut stops
    counting at once. Same rules as _resource_audience; the property test holds them together."""
    resource, space, person = aliased(Resource), aliased(Space), aliased(User)
    member = select(SpaceMembership.id).where(SpaceMembership.space_id == space.id,
                                              SpaceMembership.user_id == person.id)
    entered = member.where(or_(space.kind != "affinity",
                               SpaceMembership.agreement_accepted_version >= space.agreement_version))
    in_team = (select(TeamMembership.team_id).join(Team, Team.id == TeamMembership.team_id)
               .where(Team.space_id == space.id, TeamMembership.user_id == person.id))
    in_cohort = (select(TeamMembership.team_id).join(cohort_teams, cohort_teams.c.team_id == TeamMembership.team_id)
                 .join(Cohort, Cohort.id == cohort_teams.c.cohort_id)
                 .where(Cohort.space_id == space.id, TeamMembership.user_id == person.id))
    staff_oversees = and_(person.site_role.in_(STAFF_ROLES), space.kind != "affinity")
    reads_space = or_(and_(space.visibility == "community", space.kind != "affinity"), exists(entered),
                      exists(in_team), exists(in_cohort), staff_oversees)
    joined_later = member.where(space.kind == "affinity", space.history_policy == "from_joining",
                                SpaceMembership.joined_at > resource.created_at)
    moderates = or_(exists(member.where(SpaceMembership.role == "facilitator")), staff_oversees)
    own = person.id == resource.author_id
    return exists(select(resource.id).where(
        resource.id == resource_id, person.id == user_id, space.id == resource.space_id,
        person.active.is_(True), resource.deleted_at.is_(None), reads_space, ~exists(joined_later),
        or_(resource.hidden_at.is_(None), own, moderates),
        or_(resource.status == "published", space.kind == "team", own,
            and_(resource.status != "draft", moderates))))


def _adoption_clause(user):
    if not signed_in(user):
        return false()
    from hub.people.models import Team as _Team
    viewable = select(Space.id).where(_space_view_clause(user))
    return and_(Adoption.resource_id.in_(visible_resource_ids(user)),
                or_(Adoption.shared.is_(True),
                    Adoption.team_id.in_(select(_Team.id).where(_Team.space_id.in_(viewable)))))


SCOPES.update({
    Resource: _resource_clause,
    ResourceFile: _file_clause,
    ResourceEdit: _edit_clause,
    Collection: lambda user: and_(Collection.space_id.in_(select(Space.id).where(_space_view_clause(user))),
                                  _library_after_cutoff(user.id, Collection.space_id, Collection.created_at)),
    Adoption: _adoption_clause,
    Component: lambda user: true() if signed_in(user) else false(),
})


def _library_audience(obj, among=None) -> set[int]:
    if isinstance(obj, ResourceFile):
        return _edit_audience(obj.edit, among) if obj.edit_id is not None else _resource_audience(obj.resource, among)
    if isinstance(obj, ResourceEdit):
        return _edit_audience(obj, among)
    if isinstance(obj, Collection):
        return _space_audience(obj.space, among)
    if isinstance(obj, Adoption):
        readers = _resource_audience(obj.resource, among)
        return readers if obj.shared else readers & _space_audience(obj.team.space, among)
    return _resource_audience(obj, among)


def _resource_audience(resource: Resource, among=None) -> set[int]:
    if resource.deleted_at is not None:
        return set()
    space = resource.space
    late = _joined_at(space)
    readers = {u for u in _space_audience(space, among) if u not in late or late[u] <= resource.created_at}
    moderators = None
    if resource.hidden_at is not None:
        moderators = _moderator_ids(space)
        readers &= moderators | {resource.author_id}
    if resource.status != "published" and space.kind != "team":
        allowed = {resource.author_id}
        if resource.status != "draft":
            allowed |= moderators if moderators is not None else _moderator_ids(space)
        readers &= allowed
    return readers


def _edit_audience(edit: ResourceEdit, among=None) -> set[int]:
    return _resource_audience(edit.resource, among) & (_moderator_ids(edit.resource.space) | {edit.editor_id})


# ================================================================ chat (issue 7)
# Channels of a space follow the space (view, post, agreement gating, "from joining" history);
# direct conversations are visible to their participants only. Hidden answers like missing:
# EXISTENCE_ACTION below makes `require` raise NotFound for a channel or message one may not see.
from hub.chat.models import Channel, ChannelParticipant, Message  # noqa: E402


@dataclass(frozen=True)
class ChannelFacts:
    user_id: int | None
    view: bool
    post: bool
    manage: bool
    cutoff: Any  # joining time in a narrow-history affinity space, else None


def channel_facts(user, channel: Channel) -> ChannelFacts:
    """What the person may do in one channel, asked once (a history page asks about fifty messages)."""
    uid = user.id if signed_in(user) else None
    if channel.kind == "dm":
        view = uid is not None and uid in channel.participant_ids
        return ChannelFacts(uid, view, view and channel.archived_at is None, False, None)
    space = channel.space
    if space is None:
        return ChannelFacts(uid, False, False, False, None)
    facts = space_facts(user, space)
    return ChannelFacts(uid, facts.view, facts.post and channel.archived_at is None, facts.manage, facts.cutoff)


def _message_rules(facts: ChannelFacts, message: Message) -> dict[str, bool]:
    view = facts.view and (facts.cutoff is None or message.created_at >= facts.cutoff)
    live = view and message.deleted_at is None
    own = message.author_id == facts.user_id
    return {
        "message.view": view,
        "message.edit": live and own and facts.post,
        "message.delete": live and (own or facts.manage),
        "message.react": live and facts.post,
        "message.reply": live and facts.post,
    }


def message_permissions(user, channel: Channel, messages) -> dict[int, dict[str, bool]]:
    facts = channel_facts(user, channel)
    return {m.id: _message_rules(facts, m) for m in messages}


def _message_rule(action: str) -> Callable[[Any, Message], bool]:
    return lambda user, message: _message_rules(channel_facts(user, message.channel), message)[action]


def shares_a_space(user, person: User) -> bool:
    """Both belong to (have entered) one space: cohort, team, affinity or explicit membership.
    A community-wide space everyone reads does not count: it would make everyone "share"."""
    if not signed_in(user) or not person.active:
        return False
    both = select(Space.id).where(_membership_clause(user.id), _membership_clause(person.id)).limit(1)
    return db.session.scalar(both) is not None


def _can_start_dm(user, person: User) -> bool:
    return signed_in(user) and person.id != user.id and shares_a_space(user, person)


RULES.update({
    "channel.view": lambda user, channel: channel_facts(user, channel).view,
    "channel.join": lambda user, channel: channel_facts(user, channel).view,
    "channel.post": lambda user, channel: channel_facts(user, channel).post,
    "channel.manage": lambda user, channel: channel_facts(user, channel).manage,
    # obj: the space a new channel would belong to.
    "channel.create": lambda user, space: _can_manage_space(user, space) and not space.is_archived,
    "dm.start": _can_start_dm,
    **{action: _message_rule(action) for action in ("message.view", "message.edit", "message.delete",
                                                    "message.react", "message.reply")},
})
EXISTENCE_ACTION.update({Channel: "channel.view", Message: "message.view"})
NEEDS_OBJECT |= {a for a in RULES if a.split(".")[0] in ("channel", "message", "dm")}


def _known_channel_ids(user) -> frozenset[int]:
    return frozenset(db.session.scalars(visible_channel_ids(user))) if signed_in(user) else frozenset()


def _require_known_channel(user, channel) -> None:
    """A hidden channel's NotFound costs what a missing one's does: one set query either way
    (before this, only an existing channel went on to the space's membership questions)."""
    if channel is not None and not isinstance(channel, Channel):
        return  # channel.create asks about a space
    known = _known_channel_ids(user)  # asked first: a missing channel costs the same query
    if channel is None or channel.id not in known:
        raise NotFound()


def _require_known_message(user, message) -> None:
    """The same for a message: its channel is asked about with the same one query. (A message
    before a newcomer's joining, in a channel they read, is still told apart by the cut-off
    check; they already know the channel, and message ids are a public sequence.)"""
    known = _known_channel_ids(user)
    if message is None or message.channel_id not in known:
        raise NotFound()


KNOWN_CHECKS.update({"channel": _require_known_channel, "message": _require_known_message})

_CHANNEL_ALIAS = aliased(Channel)


def _channel_clause(user):
    if not signed_in(user):
        return false()
    viewable = select(Space.id).where(_space_view_clause(user))
    mine = select(ChannelParticipant.channel_id).where(ChannelParticipant.user_id == user.id)
    return or_(and_(Channel.kind == "space", Channel.space_id.in_(viewable)),
               and_(Channel.kind == "dm", Channel.id.in_(mine)))


def visible_channel_ids(user):
    """A subquery of the channels the user may read, for listings and counts to filter on."""
    return select(Channel.id).where(_channel_clause(user))


def _message_after_cutoff_clause(user_id: int):
    """No membership of the person in the message's narrow-history space began after it was written."""
    channel, narrow = _CHANNEL_ALIAS, _SPACE_ALIAS
    later = (select(SpaceMembership.id)
             .join(narrow, narrow.id == SpaceMembership.space_id)
             .join(channel, channel.space_id == SpaceMembership.space_id)
             .where(SpaceMembership.user_id == user_id, narrow.kind == "affinity",
                    narrow.history_policy == "from_joining", SpaceMembership.joined_at > Message.created_at,
                    channel.id == Message.channel_id))
    return ~exists(later.correlate(Message))


def _message_clause(user):
    if not signed_in(user):
        return false()
    return and_(Message.channel_id.in_(visible_channel_ids(user)), _message_after_cutoff_clause(user.id))


def messages_of_channel_clause(user, channel: Channel, model=Message):
    """SQL for the messages of one channel this user may see, with the channel's facts known in
    Python (the same rules as _message_clause, checked by the property test). `model` may be an
    alias of Message (a thread's replies ask about their parent)."""
    facts = channel_facts(user, channel)
    if not facts.view:
        return false()
    clause = model.channel_id == channel.id
    if facts.cutoff is not None:
        clause = and_(clause, model.created_at >= facts.cutoff)
    return clause


SCOPES.update({Channel: _channel_clause, Message: _message_clause})

_audience_before_chat = audience


def audience(obj: Any, among=None) -> set[int]:  # noqa: F811  (extends the audience above)
    """The audience above, plus channels (their readers now) and messages (minus newcomers of a
    narrow-history space who joined after the message was written)."""
    if isinstance(obj, Channel):
        return _channel_audience(obj, among)
    if isinstance(obj, Message):
        readers = _channel_audience(obj.channel, among)
        if obj.channel.kind == "space":
            late = _joined_at(obj.channel.space)
            readers = {u for u in readers if u not in late or late[u] <= obj.created_at}
        return readers
    return _audience_before_chat(obj, among)


def _channel_audience(channel: Channel, among=None) -> set[int]:
    if channel.kind == "dm":
        return _active_ids(select(User.id).where(User.id.in_(
            select(ChannelParticipant.user_id).where(ChannelParticipant.channel_id == channel.id))), among)
    return _space_audience(channel.space, among) if channel.space is not None else set()
