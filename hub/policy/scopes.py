"""Scope: the SQL twins of the space, forum, people and invitation rules, for listings, feeds,
counts and search filters (`scope(select(Model), user)` in hub.policy.core picks them by model).
The property test in tests/test_policy_properties.py holds each to its predicate."""
from __future__ import annotations

from sqlalchemy import and_, exists, false, or_, select
from sqlalchemy.orm import aliased

from hub.auth.models import Invitation
from hub.forums.models import Category, Flag, Post, PostAttachment, PostRevision, Thread
from hub.people.models import User
from hub.policy.core import SCOPES
from hub.policy.roles import is_admin, is_staff, signed_in
from hub.policy.spaces import _managed_space_ids, _space_view_clause, reads_where_left_clause
from hub.spaces.models import Space, SpaceMembership


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


def _revision_clause(user):
    if not signed_in(user):
        return false()
    return and_(PostRevision.post_id.in_(select(Post.id).where(_post_clause(user))),
                reads_where_left_clause(user, PostRevision.left_in_space_id))


def _post_attachment_clause(user):
    if not signed_in(user):
        return false()
    return PostAttachment.post_id.in_(select(Post.id).where(_post_clause(user)))


def _flag_clause(user):
    """The flags a person reviews: on posts they read, in spaces they moderate."""
    if not signed_in(user):
        return false()
    thread = _THREAD_ALIAS
    moderated = select(thread.id).where(thread.space_id.in_(_managed_space_ids(user)))
    return Flag.post_id.in_(select(Post.id).where(_post_clause(user), Post.thread_id.in_(moderated)))


def visible_thread_ids(user):
    """A subquery of the threads the user may read, for listings and counts to filter on."""
    return select(Thread.id).where(_thread_clause(user))


SCOPES.update({
    Space: _space_view_clause,
    Thread: _thread_clause,
    Post: _post_clause,
    PostRevision: _revision_clause,
    PostAttachment: _post_attachment_clause,
    Flag: _flag_clause,
    Category: lambda user: Category.space_id.in_(select(Space.id).where(_space_view_clause(user))),
    User: _person_clause,
    Invitation: _invitation_clause,
})
