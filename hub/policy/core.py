"""The core of the policy: its four entry points, can(), require(), scope() and audience(), and
the registries they read (RULES, EXISTENCE_ACTION, NEEDS_OBJECT, EXISTENCE_OVERRIDES,
KNOWN_CHECKS, SCOPES, AUDIENCES), with the rules about people and site-wide actions.
Each registry exists once, here; the domain modules (hub.policy.forums, .scopes, .audiences,
.library, .chat) add their entries to it when hub.policy imports them. The shapes and the
promises they keep are described in hub/policy/__init__.py.
"""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import Select, false
from werkzeug.exceptions import Forbidden, NotFound

from hub.auth.models import ApiToken, Invitation
from hub.people.models import User
from hub.policy.roles import is_admin, is_staff, signed_in
from hub.policy.spaces import (_can_administer_space, _can_decide_join, _can_discover_space, _can_manage_space,
                               _can_post_in_space, _can_request_to_join, _can_see_join, _can_view_space,
                               agreement_pending, discoverable_space_ids, explicit_membership)
from hub.spaces.models import JoinRequest, Space


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


# ---------------------------------------------------------------- RULES, can() and require()

RULES: dict[str, Callable[[Any, Any], bool]] = {
    "space.discover": _can_discover_space,
    "space.view": _can_view_space,
    "space.post": _can_post_in_space,
    "space.manage": _can_manage_space,
    "space.administer": _can_administer_space,
    # Who may change who facilitates a space: site admins (even of a space they cannot read) and
    # the space's own facilitators.
    "space.staff": lambda user, space: _can_administer_space(user, space) or _can_manage_space(user, space),
    "space.create": lambda user, _obj: is_staff(user),
    "space.request_join": _can_request_to_join,
    "space.accept_agreement": lambda user, space: signed_in(user) and agreement_pending(user, space),
    "space.leave": lambda user, space: signed_in(user) and explicit_membership(user, space) is not None,
    "space.audit": _can_manage_space,
    # Its member list: for those who read the space, and for its moderators (who may not, yet).
    "space.list_members": lambda user, space: _can_manage_space(user, space) or _can_view_space(user, space),
    # Announcements: a kind of thread only the space's moderators start.
    "space.announce": _can_manage_space,
    # Whether words written in a space may be put in an email to this person: never from a team's
    # or an affinity group's space (mail leaves the hub's walls), nor from a space now gone. Such
    # notes go as a count and a link (hub.notify.email).
    "space.email_words": lambda _user, space: space is not None and space.kind not in ("team", "affinity"),
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
}

# The action whose refusal means "you may not know this exists": answered with NotFound.
EXISTENCE_ACTION: dict[type, str] = {
    Space: "space.discover",
    User: "person.view",
    ApiToken: "token.manage",
    Invitation: "invitation.manage",
    JoinRequest: "join_request.view",
}


# Actions about a particular thing: asked about nothing (a missing row), they answer NotFound.
# (Each domain module adds its own.)
NEEDS_OBJECT = ({a for a in RULES if a.split(".")[0] in ("space", "person", "token", "join_request")}
                | {"invitation.manage", "team.manage"}) - {"space.create"}


# Actions whose "may you know this exists?" question differs from the type's default:
# an admin archives or re-staffs a secret space without being able to read it.
EXISTENCE_OVERRIDES = {"space.administer": "space.administer", "space.staff": "space.administer"}


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
# apart (ids are typed into addresses as easily as slugs). Filled in by hub.policy.chat.
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


# ---------------------------------------------------------------- scope() and audience()

# Per model: the SQL clause of the rows a user may see. Filled in by hub.policy.scopes, .library, .chat.
SCOPES: dict[type, Callable[[Any], Any]] = {}


def scope(stmt: Select, user) -> Select:
    """Narrow a `select(Model)` to the rows the user may see. Unknown models fail closed."""
    entity = stmt.column_descriptions[0].get("entity")
    clause_for = SCOPES.get(entity)
    if clause_for is None:
        return stmt.where(false())
    return stmt.where(clause_for(user))


# Per kind of object: (type or tuple of types, function(obj, among) -> user ids), filled in by
# hub.policy.audiences, .library and .chat. The first entry whose types match answers; no
# registered type is a subclass of another, so the order of registration changes nothing.
AUDIENCES: list[tuple[type | tuple[type, ...], Callable[[Any, Any], set[int]]]] = []


def audience(obj: Any, among=None) -> set[int]:
    """Every user id who may view `obj` right now: the recipients of its events. With `among`
    (ids), only those of them: a who-reacted list need not load a whole community."""
    for types, audience_of in AUDIENCES:
        if isinstance(obj, types):
            return audience_of(obj, among)
    return set()  # unknown objects reach nobody
