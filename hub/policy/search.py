"""Search: the policy's answer in the search index's terms (audience keys), for hub.search."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from hub.chat.models import Channel, ChannelParticipant
from hub.extensions import db
from hub.policy.projects import project_clause
from hub.policy.roles import is_admin, signed_in
from hub.projects.models import Project
from hub.policy.spaces import _managed_space_ids, visible_space_ids
from hub.spaces.models import Space, SpaceMembership


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
    # Projects are filed under "p<project id>": the ones project.view lets this person read.
    projects = {f"p{i}" for i in db.session.scalars(select(Project.id).where(project_clause(user)))}
    return SearchScope(frozenset({f"s{i}" for i in spaces} | {PEOPLE_KEY} | conversations | projects), cutoffs,
                       frozenset(managed), f"u{user.id}")
