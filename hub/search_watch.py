"""Which changes the search index follows. Later domains add their models the same way."""
from __future__ import annotations

from sqlalchemy import select

from hub.forums.models import Post, Thread, ThreadTag
from hub.people.models import Organization, Team, TeamMembership, User
from hub.search_documents import posts_of_thread
from hub.search_queue import changed, expansion, watch

# A thread's documents (its own and every reply's) carry these: a change re-files them all.
THREAD_FIELDS = ("space_id", "category_id", "title", "kind", "hidden_at", "deleted_at", "accepted_post_id",
                 "author_id", "created_at")
POST_FIELDS = ("body", "hidden_at", "deleted_at", "author_id", "thread_id", "created_at")
PERSON_FIELDS = ("name", "username", "pronouns", "title", "organization_id", "bio", "active", "created_at")


def _thread(thread: Thread, change: str):
    if change == "new":
        return [f"thread:{thread.id}"]
    if change == "deleted" or changed(thread, *THREAD_FIELDS):
        return [f"thread:{thread.id}", f"thread-posts:{thread.id}"]
    return []  # activity only (last_posted_at, reply_count): nothing the index holds


def _post(post: Post, change: str):
    if change == "dirty" and not changed(post, *POST_FIELDS):
        return []
    return [f"thread:{post.thread_id}" if post.number == 1 else f"post:{post.id}"]


def _tag(tag: ThreadTag, _change: str):
    return [f"thread:{tag.thread_id}", f"thread-posts:{tag.thread_id}"]


def _person(person: User, change: str):
    if change == "dirty" and not changed(person, *PERSON_FIELDS):
        return []
    return [f"person:{person.id}"]


def _team_membership(membership: TeamMembership, _change: str):
    return [f"person:{membership.user_id}"]


def _renamed(prefix: str):
    def keys(row, change: str):
        return [f"{prefix}:{row.id}"] if change == "dirty" and changed(row, "name") else []
    return keys


watch(Thread, _thread)
watch(Post, _post)
watch(ThreadTag, _tag)
watch(User, _person)
watch(TeamMembership, _team_membership)
watch(Team, _renamed("team-people"))
watch(Organization, _renamed("org-people"))

expansion("thread-posts", lambda session, thread_id: [f"thread:{thread_id}"] + posts_of_thread(session, thread_id))
expansion("team-people", lambda session, team_id: [f"person:{i}" for i in session.scalars(
    select(TeamMembership.user_id).where(TeamMembership.team_id == team_id))])
expansion("org-people", lambda session, org_id: [f"person:{i}" for i in session.scalars(
    select(User.id).where(User.organization_id == org_id))])
