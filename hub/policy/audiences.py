"""Audience: who may view a space, a thread, a post or a profile right now, as sets of user ids
(the recipients of realtime events and notifications). `audience(obj)` in hub.policy.core picks
the function by the object's type; the helpers here also serve the library and chat audiences."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hub.extensions import db
from hub.forums.models import Flag, Post, PostAttachment, PostRevision, Thread
from hub.people.models import Cohort, Team, TeamMembership, User, cohort_teams
from hub.policy.core import AUDIENCES, audience
from hub.policy.roles import STAFF_ROLES
from hub.policy.spaces import _everyone_reads
from hub.spaces.models import Space, SpaceMembership


def _active_ids(stmt, among=None) -> set[int]:
    stmt = stmt.where(User.active.is_(True))
    if among is not None:
        stmt = stmt.where(User.id.in_(list(among)))
    return set(db.session.scalars(stmt))


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


def _thread_audience(thread: Thread, among=None) -> set[int]:
    return _content_audience(thread.space, thread, thread.author_id, thread.created_at, among)


def _post_audience(post: Post, among=None) -> set[int]:
    return audience_of_posts(post.thread, [post], among)[post.id]


def among_readers_where_left(row, among=None):
    """`among` narrowed to the readers of the space a moved row was left in (reads_where_left)."""
    return among if row.left_in_space_id is None else _space_audience(row.left_in_space, among)


def _revision_audience(revision: PostRevision, among=None) -> set[int]:
    return _post_audience(revision.post, among_readers_where_left(revision, among))


def _flag_audience(flag: Flag, among=None) -> set[int]:
    """Who reviews a flag: the moderators of its post's space who may read the post (a newcomer
    facilitator of a narrow-history space does not review what came before them)."""
    return _post_audience(flag.post, among) & _moderator_ids(flag.post.thread.space)


def _person_audience(person: User, among=None) -> set[int]:
    # A profile is seen by every active person; a deactivated one only by admins.
    if person.active:
        return _active_ids(select(User.id), among)
    return _active_ids(select(User.id).where(User.site_role == "admin"), among)


AUDIENCES.extend([(Space, _space_audience), (Thread, _thread_audience), (Post, _post_audience),
                  (PostRevision, _revision_audience), (Flag, _flag_audience), (User, _person_audience),
                  (PostAttachment, lambda attachment, among=None: _post_audience(attachment.post, among))])
