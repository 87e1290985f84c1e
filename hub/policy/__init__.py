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

Callers use `from hub import policy` and `policy.<name>`; the names they use are re-exported
here from the module that defines each (the rest stay inside the package):

- roles      who is asking (signed in, staff, admin)
- spaces     membership and the space rules, and the same as SQL sets of space ids
- core       can/require, scope/audience and their registries (RULES, SCOPES, AUDIENCES, ...),
             the rules about people and site-wide actions
- forums     threads, posts and flags over SpaceFacts; Asker
- scopes     the SQL twins of the space, forum, people and invitation rules
- audiences  who receives a space's, thread's, post's or profile's events
- library    resources, their edits and files, collections, adoptions, who reviews them
- chat       channels, direct conversations, messages
- projects   improvement projects, their measures, data and cycles; who sees raw counts
- search     the policy in the search index's terms

The domain modules add their rules, scopes and audiences to core's registries when they are
imported, so importing this package (or any of its modules) loads them all, in this order.
A test that patches a function so that the policy's own calls see it must patch the module
that defines it (e.g. hub.policy.spaces), not this package.
"""
from __future__ import annotations

# Every module is imported, in this order, so each domain's rules fill the registries; only the
# names callers use (`policy.<name>`) are exported. The rest stay inside the package.
from hub.policy import roles, spaces, core, forums, scopes, audiences, library, chat, projects, search  # noqa: F401,E401

from hub.policy.roles import is_admin, signed_in, STAFF_ROLES  # noqa: F401
from hub.policy.spaces import (  # noqa: F401
                               AgreementPending, ASK, discoverable_space_ids, explicit_membership, is_member,
                               is_space_facilitator, member_space_ids,
                               _membership_clause as membership_clause, membership_columns, membership_from,
                               pending_join, reads_space, Ties, visible_space_ids)
from hub.policy.core import audience, can, require, scope  # noqa: F401
from hub.policy.forums import (  # noqa: F401
                               Asker, Destination, one_way, permissions, posts_of_thread_clause,
                               require_thread, space_facts, SpaceFacts)
from hub.policy.audiences import audience_of_posts  # noqa: F401
from hub.policy.library import reads_resource_clause, resource_asker_rules, reviewer_audience  # noqa: F401
from hub.policy.chat import (  # noqa: F401
                             message_permissions, messages_of_channel_clause, shares_a_space,
                             sidebar_audience, sidebar_clause, visible_channel_ids)
from hub.policy.projects import project_clause  # noqa: F401
from hub.policy.search import PEOPLE_KEY, search_scope, SearchScope  # noqa: F401
