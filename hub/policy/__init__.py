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

Callers use `from hub import policy` and `policy.<name>`; every name is re-exported here from
the module that defines it:

- roles      who is asking (signed in, staff, admin)
- spaces     membership and the space rules, and the same as SQL sets of space ids
- core       can/require, scope/audience and their registries (RULES, SCOPES, AUDIENCES, ...),
             the rules about people and site-wide actions
- forums     threads, posts and flags over SpaceFacts; Asker
- scopes     the SQL twins of the space, forum, people and invitation rules
- audiences  who receives a space's, thread's, post's or profile's events
- library    resources, their edits and files, collections, adoptions, who reviews them
- chat       channels, direct conversations, messages
- search     the policy in the search index's terms

The domain modules add their rules, scopes and audiences to core's registries when they are
imported, so importing this package (or any of its modules) loads them all, in this order.
A test that patches a function so that the policy's own calls see it must patch the module
that defines it (e.g. hub.policy.spaces), not this package.
"""
from __future__ import annotations

# Plain re-exports: what callers name as policy.<name>.
from hub.policy.roles import STAFF_ROLES, is_admin, is_staff, signed_in
from hub.policy.spaces import (ASK, AgreementPending, Membership, Ties, _can_administer_space, _can_decide_join, _can_discover_space,
                               _can_manage_space, _can_post_in_space, _can_request_to_join, _can_see_join,
                               _can_view_space, _everyone_reads, _explicit_membership_clause, _has_pending_invitation,
                               _managed_space_ids, _membership_clause, _my_cohort_space_ids, _my_team_space_ids,
                               _space_view_clause, _staff_oversees, agreement_pending, discoverable_space_ids,
                               explicit_membership, is_member, is_space_facilitator, member_space_ids,
                               membership_columns, membership_from, pending_join, reads_space,
                               visible_space_ids)
from hub.policy.core import (AUDIENCES, EXISTENCE_ACTION, EXISTENCE_OVERRIDES, KNOWN_CHECKS, NEEDS_OBJECT, RULES,
                             SCOPES, _can_deactivate_person, _can_edit_person, _can_invite, _can_manage_invitation,
                             _can_own_token, _can_view_email, _can_view_person, _require_known_space, audience, can,
                             require, scope)
from hub.policy.forums import (THREAD_RULES, Asker, Destination, SpaceFacts, _can_review_flag, _category_rules,
                               _post_rule, _post_rules, _post_visible, _shown, _thread_rule, _thread_rules,
                               _thread_visible, history_cutoff, one_way, permissions, posts_of_thread_clause,
                               require_thread, space_facts)
from hub.policy.scopes import (_SPACE_ALIAS, _THREAD_ALIAS, _after_cutoff_clause, _invitation_clause, _person_clause,
                               _post_clause, _shown_clause, _thread_clause, visible_thread_ids)
from hub.policy.audiences import (_active_ids, _content_audience, _joined_at, _moderator_ids, _space_audience,
                                  _withdrawn_filter, audience_of_posts)
from hub.policy.library import (LIBRARY_TYPES, RESOURCE_ACTIONS, _adoption_clause, _can_curate_collection,
                                _can_remove_adoption, _can_view_adoption, _can_view_collection, _can_view_file,
                                _edit_audience, _edit_clause, _edit_rule, _edit_rules, _file_clause,
                                _library_after_cutoff, _library_audience, _resource_audience, _resource_clause,
                                _resource_rule, _resource_rules, _resource_visible, reads_resource_clause,
                                resource_asker_rules, reviewer_audience, visible_resource_ids)
from hub.policy.chat import (_CHANNEL_ALIAS, ChannelFacts, _can_start_dm, _channel_audience, _channel_clause,
                             _known_channel_ids, _message_after_cutoff_clause, _message_clause, _message_rule,
                             _message_rules, _require_known_channel, _require_known_message, channel_facts,
                             message_permissions, messages_of_channel_clause, shares_a_space, sidebar_audience,
                             sidebar_clause, visible_channel_ids)
from hub.policy.search import PEOPLE_KEY, SearchScope, search_scope
