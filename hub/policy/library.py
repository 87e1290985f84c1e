"""Library: who may view, download, edit, submit, review, move, delete, curate, vote on, adopt
and discuss a resource; its proposed edits, files, collections and adoptions; their SQL scopes
and audiences; and who is asked to review a submission.

Resources follow their home space: the space's readers see what is published there (from
joining, in a narrow-history affinity space); drafts stay with their author, or with the team
in a team space; submissions also reach the space's moderators, who review them. Files,
adoptions and votes follow their resource; a team-only adoption also needs the team's space.
An edit proposed to a published resource (and the files it brings) is its editor's and the
space's moderators' until it is approved. Earlier versions and files of a resource that moved
(a team's draft submitted to its cohort) stay with the readers of the space they were left in:
the new home's readers start from the text and files as they arrived.
"""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import and_, exists, false, or_, select, true
from sqlalchemy.orm import aliased

from hub.extensions import db
from hub.library.models import Adoption, Collection, Component, Resource, ResourceEdit, ResourceFile, ResourceVersion
from hub.people.models import Cohort, Team, TeamMembership, User, cohort_teams
from hub.policy.audiences import _joined_at, _moderator_ids, _space_audience, among_readers_where_left
from hub.policy.core import AUDIENCES, EXISTENCE_ACTION, KNOWN_CHECKS, NEEDS_OBJECT, RULES, SCOPES, can
from hub.policy.forums import Asker, SpaceFacts, history_cutoff, space_facts
from hub.policy.roles import STAFF_ROLES, is_staff, signed_in
from hub.policy.spaces import (_can_manage_space, _can_view_space, _managed_space_ids, _space_view_clause,
                               reads_where_left, reads_where_left_clause, require_known_in_spaces)
from hub.spaces.models import Space, SpaceMembership


LIBRARY_TYPES = (Resource, ResourceFile, ResourceVersion, Collection, Adoption, ResourceEdit)


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
    if not reads_where_left(user, file):
        return False
    if file.edit_id is not None:
        return can(user, "resource_edit.view", file.edit)
    return can(user, "resource.download", file.resource)


def _can_view_version(user, version: ResourceVersion) -> bool:
    return reads_where_left(user, version) and can(user, "resource.view", version.resource)


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
    "version.view": _can_view_version,
    "collection.view": lambda user, collection: _can_view_collection(user, collection),
    "collection.curate": _can_curate_collection,
    # Pinning puts a collection on a cohort's home page.
    "collection.pin": lambda user, c: _can_curate_collection(user, c) and c.space.kind == "cohort",
    "adoption.view": _can_view_adoption,
    "adoption.remove": _can_remove_adoption,
    "component.manage": lambda user, _obj: is_staff(user),
    # Who a submission (or a held edit) asks for review: reviewer_audience, person by person.
    "resource.asked_to_review": lambda user, resource: _asked_to_review(user, resource, "resource.review"),
    "resource_edit.asked_to_review": lambda user, edit: _asked_to_review(user, edit, "resource_edit.review"),
})
EXISTENCE_ACTION.update({Resource: "resource.view", ResourceFile: "file.view", ResourceVersion: "version.view",
                         Collection: "collection.view", Adoption: "adoption.view", ResourceEdit: "resource_edit.view"})
NEEDS_OBJECT.update(set(RESOURCE_ACTIONS) | {"file.view", "version.view", "collection.view", "collection.curate",
                                             "collection.pin", "adoption.view", "adoption.remove",
                                             "resource_edit.view", "resource_edit.review",
                                             "resource.asked_to_review", "resource_edit.asked_to_review"})


# A resource, file, version or collection in a space the person cannot read answers its 404 after
# the same one statement as a missing id (hub.policy.core.KNOWN_CHECKS). Inside a space they read,
# drafts and hidden items still cost their own questions: the person already knows the space.

def _id(obj) -> int:
    # 0 for a missing object: no row has it, and the statement is the same text as for a real id.
    return obj.id if obj is not None else 0


def _require_known_resource(user, resource) -> None:
    require_known_in_spaces(user, select(Resource.id).where(Resource.id == _id(resource)), Resource.space_id)


def _require_known_file(user, file) -> None:
    # A file left behind by a move is known where it was left, as well as where its resource is.
    require_known_in_spaces(user, select(ResourceFile.id).join(Resource, Resource.id == ResourceFile.resource_id)
                            .where(ResourceFile.id == _id(file)), Resource.space_id, ResourceFile.left_in_space_id)


def _require_known_version(user, version) -> None:
    require_known_in_spaces(user, select(ResourceVersion.id).join(Resource, Resource.id == ResourceVersion.resource_id)
                            .where(ResourceVersion.id == _id(version)), Resource.space_id,
                            ResourceVersion.left_in_space_id)


def _require_known_collection(user, collection) -> None:
    require_known_in_spaces(user, select(Collection.id).where(Collection.id == _id(collection)),
                            Collection.space_id)


KNOWN_CHECKS.update({"resource": _require_known_resource, "file": _require_known_file,
                     "version": _require_known_version, "collection": _require_known_collection})


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
                reads_where_left_clause(user, ResourceFile.left_in_space_id),
                or_(ResourceFile.edit_id.is_(None), ResourceFile.edit_id.in_(select(ResourceEdit.id)
                                                                              .where(_edit_clause(user)))))


def _version_clause(user):
    if not signed_in(user):
        return false()
    return and_(ResourceVersion.resource_id.in_(visible_resource_ids(user)),
                reads_where_left_clause(user, ResourceVersion.left_in_space_id))


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
    ResourceVersion: _version_clause,
    ResourceEdit: _edit_clause,
    Collection: lambda user: and_(Collection.space_id.in_(select(Space.id).where(_space_view_clause(user))),
                                  _library_after_cutoff(user.id, Collection.space_id, Collection.created_at)),
    Adoption: _adoption_clause,
    Component: lambda user: true() if signed_in(user) else false(),
})


def _library_audience(obj, among=None) -> set[int]:
    if isinstance(obj, (ResourceFile, ResourceVersion)):
        among = among_readers_where_left(obj, among)
    if isinstance(obj, ResourceFile):
        return _edit_audience(obj.edit, among) if obj.edit_id is not None else _resource_audience(obj.resource, among)
    if isinstance(obj, ResourceVersion):
        return _resource_audience(obj.resource, among)
    if isinstance(obj, ResourceEdit):
        return _edit_audience(obj, among)
    if isinstance(obj, Collection):
        # (As its predicate: a newcomer to a narrow-history space reads only collections made since.)
        late = _joined_at(obj.space)
        return {u for u in _space_audience(obj.space, among) if u not in late or late[u] <= obj.created_at}
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


AUDIENCES.append((LIBRARY_TYPES, _library_audience))


# ---------------------------------------------------------------- who reviews a resource
# Narrower than "may review": a submission asks the space's own facilitators; only a space with
# none falls back to the site's facilitators (never an affinity space: its words stay inside).
# Admins and overseeing staff may still review from the queue, but are not asked to.

def _facilitator_membership(space_id: int, user_id=None) -> bool:
    """Whether the space has a facilitator (any, even a deactivated one), or `user_id` is one."""
    found = select(SpaceMembership.id).where(SpaceMembership.space_id == space_id,
                                             SpaceMembership.role == "facilitator")
    if user_id is not None:
        found = found.where(SpaceMembership.user_id == user_id)
    return db.session.scalar(found.limit(1)) is not None


def _asked_to_review(user, obj, review: str) -> bool:
    if obj is None or not can(user, review, obj):
        return False
    space = (obj.resource if isinstance(obj, ResourceEdit) else obj).space
    return _facilitator_membership(space.id, user.id) or (
        user.site_role == "facilitator" and space.kind != "affinity" and not _facilitator_membership(space.id))


def reviewer_audience(obj, among=None) -> set[int]:
    """Who a resource's submission, or an edit held for review (a ResourceEdit), asks for review
    now: the ids for whom "resource.asked_to_review" (or "resource_edit.asked_to_review") holds,
    of `among` if given. Each of them may review it ("resource.review", "resource_edit.review")."""
    resource = obj.resource if isinstance(obj, ResourceEdit) else obj
    candidates = list(db.session.scalars(select(User).join(SpaceMembership, SpaceMembership.user_id == User.id)
                                         .where(SpaceMembership.space_id == resource.space_id,
                                                SpaceMembership.role == "facilitator")))
    if not candidates and resource.space.kind != "affinity":
        candidates = list(db.session.scalars(select(User).where(User.site_role == "facilitator")))
    review = "resource_edit.review" if isinstance(obj, ResourceEdit) else "resource.review"
    return {u.id for u in candidates if (among is None or u.id in among) and can(u, review, obj)}
