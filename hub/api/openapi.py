"""/api/v1/openapi.json (OpenAPI 3.1). A test fails when a registered API route is missing here."""
from __future__ import annotations

from flask import jsonify

from hub.api.blueprint import bp
from hub.validation import DATABASE_INT_MAX

ERROR = {"$ref": "#/components/schemas/Error"}


def _obj(**props) -> dict:
    return {"type": "object", "properties": props}


# Ids and counts fit the database's 32-bit integers: a larger number is refused by name (422)
# instead of failing deep in a query.
STR, BOOL = {"type": "string"}, {"type": "boolean"}
INT = {"type": "integer", "minimum": -DATABASE_INT_MAX - 1, "maximum": DATABASE_INT_MAX}
NULL_STR = {"type": ["string", "null"]}
NULL_INT = {**INT, "type": ["integer", "null"]}
WHO = {"type": "string", "enum": ["everyone", "facilitators"], "description": "facilitators: the space's only"}
SCHEMAS = {
    "Error": _obj(error=_obj(code=STR, message=STR, fields={"type": "object", "additionalProperties": STR})),
    "Person": _obj(id=INT, name=STR, pronouns=STR, title=STR, organization={"type": ["object", "null"]},
                   teams={"type": "array"}, bio_html=STR, preferred_language=STR, time_zone=STR,
                   site_role=STR, active=BOOL, email={"type": "string", "description": "Only for yourself and staff"},
                   avatar_url={"type": ["string", "null"], "description": "The profile picture for a signed-in "
                               "browser (null: initials show); with a token, GET /people/{id}/avatar"}),
    "ProfileUpdate": _obj(name=STR, pronouns=STR, title=STR, organization_id=NULL_INT,
                          bio=STR, preferred_language=STR, time_zone=STR),
    "PersonUpdate": _obj(active=BOOL, site_role=STR, name=STR, pronouns=STR, title=STR, bio=STR),
    "Space": _obj(id=INT, kind=STR, name=STR, slug=STR, purpose=STR, visibility=STR, join_policy=STR,
                  history_policy=STR, archived=BOOL, can_view=BOOL, is_member=BOOL),
    "Token": _obj(id=INT, label=STR, prefix=STR, created_at=STR, last_used_at=NULL_STR,
                  token={"type": "string", "description": "Only in the response that creates it"}),
    "Invitation": _obj(id=INT, email=STR, site_role=STR, team_id=NULL_INT, team_role=STR,
                       status=STR, created_at=STR, expires_at=STR),
    "Organization": _obj(id=INT, name=STR, kind=STR, city=STR, archived=BOOL),
    "Cohort": _obj(id=INT, name=STR, program=STR, space_id=INT, starts_on=NULL_STR, ends_on=NULL_STR,
                   team_ids={"type": "array", "items": INT}, archived=BOOL),
    "Team": _obj(id=INT, name=STR, organization_id=INT, space_id=INT, cohort_ids={"type": "array", "items": INT},
                 members={"type": "array"}, warnings={"type": "array", "items": STR}, archived=BOOL),
    "Ok": _obj(ok=BOOL),
    "ChecklistStep": _obj(key=STR, label=STR, url=STR, done=BOOL),
    "Thread": _obj(id=INT, space_id=INT, category_id=INT, kind=STR, title=STR, author=_obj(id=INT, name=STR),
                   tags={"type": "array", "items": STR}, created_at=STR, last_posted_at=STR, reply_count=INT,
                   pinned=BOOL, pinned_globally=BOOL, locked=BOOL, hidden=BOOL, deleted=BOOL, slow_mode_seconds=INT,
                   accepted_post_id=NULL_INT, unread=INT, new=BOOL, last_read=INT,
                   posts={"description": "Only on GET /threads/{id}: a page of posts"}, watch_level=STR),
    "ThreadCreate": _obj(title=STR, body=STR, category_id=INT, kind=STR, tags={"type": "array", "items": STR}),
    "Post": _obj(id=INT, thread_id=INT, number=INT, author=_obj(id=INT, name=STR), body=STR, body_html=STR,
                 created_at=STR, edited_at=NULL_STR, revision_count=INT, hidden=BOOL, deleted=BOOL,
                 reactions={"type": "object"},
                 attachments={"type": "array", "items": {"$ref": "#/components/schemas/Attachment"}}),
    "Attachment": _obj(id=INT, filename=STR, content_type=STR, type=STR, size=INT,
                       is_image={"type": "boolean", "description": "A picture (re-encoded, shown inline); "
                                                                   "anything else downloads"},
                       width=NULL_INT, height=NULL_INT,
                       url={"type": "string", "description": "For a signed-in browser; with a token, "
                                                            "GET /post-attachments/{id} or /message-attachments/{id}"}),
    "Category": _obj(id=INT, space_id=INT, name=STR, slug=STR, description=STR, position=INT, watch_level=STR,
                     who_may_start=WHO, who_may_reply=WHO, can_start_threads=BOOL),
    "Flag": _obj(id=INT, post_id=INT, reporter_id=INT, reporter=_obj(id=INT, name=STR), reason=STR,
                 reason_label=STR, message=STR, space=_obj(id=INT, name=STR), thread=_obj(id=INT, title=STR),
                 created_at=STR),
    "CategoryWrite": _obj(name=STR, description=STR, who_may_start=WHO, who_may_reply=WHO),
    "Draft": _obj(key=STR, title=STR, body=STR, updated_at=NULL_STR),
    "Level": _obj(level={"type": "string", "enum": ["watching", "tracking", "normal", "muted"]}),
    "SearchHit": _obj(kind={"type": "string", "enum": ["thread", "post", "resource", "message", "person", "space",
                                                    "channel"]},
                      kind_label=STR, id=INT, space_id=NULL_INT, space=NULL_STR,
                      space_kind={"type": ["string", "null"], "description": "community, cohort, team or affinity"},
                      title_html={"type": ["string", "null"], "description": "Escaped, matches in <mark>"},
                      context=STR, snippet_html={"type": "string", "description": "Escaped, matches in <mark>"},
                      author={"type": ["object", "null"]}, created_at=NULL_STR, url=NULL_STR),
    "SearchResults": _obj(items={"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
                          total={"type": "integer", "description": "Only documents you may see"}, page=INT,
                          pages=INT, next=NULL_STR, did_you_mean=NULL_STR, notices={"type": "array", "items": STR},
                          facets=_obj(type={"type": "array"}, space={"type": "array"})),
    "JoinRequest": _obj(id=INT, space_id=INT, user_id=INT, kind=STR, message=STR, status=STR, decision_note=STR,
                        created_at=STR, decided_at=NULL_STR),
}


# Pictures and files, as multipart: each checked by its content (hub.uploads), pictures re-encoded.
_FILES = {"type": "object", "x-multipart": True, "required": ["files"],
          "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}
# Writes that take JSON, or the same fields as multipart with files in "files".
ALSO_MULTIPART = {("post", "/spaces/{space_id}/threads"), ("post", "/threads/{thread_id}/posts"),
                  ("post", "/channels/{channel_id}/messages")}


def _list_of(name: str) -> dict:
    return _obj(items={"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}}, next=NULL_STR)


# (method, path, summary, request body schema, response schema or list-of, success status)
ROUTES = [
    ("get", "/me", "The signed-in person", None, "Person", 200),
    ("patch", "/me", "Update your profile", "ProfileUpdate", "Person", 200),
    ("put", "/me/avatar", "Set your profile picture (multipart, field \"picture\": PNG, JPEG, GIF or WebP; cropped "
     "to a centred square, resized and re-encoded without its metadata)",
     {"type": "object", "x-multipart": True, "required": ["picture"],
      "properties": {"picture": {"type": "string", "format": "binary"}}}, "Person", 200),
    ("delete", "/me/avatar", "Remove your profile picture (your initials show)", None, "Person", 200),
    ("post", "/me/password", "Change your password (ends every other session)",
     _obj(current=STR, password=STR, confirm=STR), "Ok", 200),
    ("post", "/me/sessions/end-others", "Log out everywhere else", None, "Ok", 200),
    ("get", "/me/tokens", "Your personal access tokens", None, ["Token"], 200),
    ("post", "/me/tokens", "Create a token (its secret is shown once)", _obj(label=STR), "Token", 201),
    ("delete", "/me/tokens/{token_id}", "Revoke a token", None, None, 204),
    ("get", "/people", "The directory (filter with ?q=)", None, ["Person"], 200),
    ("get", "/people/{person_id}", "One person", None, "Person", 200),
    ("get", "/people/{person_id}/avatar", "A person's profile picture (a JPEG; 404 when they have none)", None, None,
     200),
    ("patch", "/people/{person_id}", "Admins: activate, deactivate, change site role", "PersonUpdate", "Person", 200),
    ("get", "/spaces", "Spaces you may discover", None, ["Space"], 200),
    ("get", "/spaces/{space_id}", "One space", None, "Space", 200),
    ("get", "/invitations", "Invitations you may manage", None, ["Invitation"], 200),
    ("post", "/invitations", "Invite an email address",
     _obj(email=STR, site_role=STR, team_id=INT, team_role=STR), "Invitation", 201),
    ("post", "/invitations/{invitation_id}/revoke", "Revoke a pending invitation", None, "Invitation", 200),
    ("get", "/me/checklist", "Your first-week checklist (each step ticks itself from what you have done)", None,
     ["ChecklistStep"], 200),
    ("post", "/me/checklist/dismiss", "Hide the first-week checklist", None, "Ok", 200),
    ("get", "/organizations", "Organizations", None, ["Organization"], 200),
    ("post", "/organizations", "Add an organization", _obj(name=STR, kind=STR, city=STR), "Organization", 201),
    ("get", "/cohorts", "Cohorts", None, ["Cohort"], 200),
    ("post", "/cohorts", "Create a cohort and its space",
     _obj(name=STR, program=STR, starts_on=STR, ends_on=STR), "Cohort", 201),
    ("get", "/teams", "Teams", None, ["Team"], 200),
    ("post", "/teams", "Create a team and its space",
     _obj(name=STR, organization_id=INT, cohort_ids={"type": "array", "items": INT}), "Team", 201),
    ("get", "/teams/{team_id}", "One team", None, "Team", 200),
    ("post", "/teams/{team_id}/members", "Add a person to a team (or change their role)",
     _obj(user_id=INT, role=STR), "Team", 200),
    ("delete", "/teams/{team_id}/members/{user_id}", "Remove a person from a team", None, "Team", 200),
    ("patch", "/organizations/{org_id}", "Rename or archive an organization (only the fields named change)",
     _obj(name=STR, kind=STR, city=STR, archived=BOOL), "Organization", 200),
    ("patch", "/cohorts/{cohort_id}", "Edit or archive a cohort; archiving makes its space read-only",
     _obj(name=STR, program=STR, starts_on=NULL_STR, ends_on=NULL_STR, team_ids={"type": "array", "items": INT},
          archived=BOOL), "Cohort", 200),
    ("patch", "/teams/{team_id}", "Edit or archive a team; leaving a cohort takes its people out of the cohort space",
     _obj(name=STR, organization_id=INT, cohort_ids={"type": "array", "items": INT}, archived=BOOL), "Team", 200),
    ("post", "/spaces/{space_id}/facilitators", "Appoint a facilitator (site admins, even without reading the space)",
     _obj(user_id=INT), "Ok", 201),
    ("delete", "/spaces/{space_id}/facilitators/{user_id}",
     "A facilitator steps down to member (admins or the space's facilitators; one always stays)", None, "Ok", 200),
    ("post", "/spaces", "Create an affinity space (facilitators and admins)",
     _obj(name=STR, purpose=STR, agreement=STR, visibility=STR, history_policy=STR,
          facilitator_ids={"type": "array", "items": INT}), "Space", 201),
    ("patch", "/spaces/{space_id}", "Change a space's settings or agreement; admins archive with {\"archived\"}",
     _obj(name=STR, purpose=STR, agreement=STR, visibility=STR, history_policy=STR, archived=BOOL), "Space", 200),
    ("get", "/spaces/{space_id}/members", "Members (members and the space's facilitators only)", None,
     _obj(items={"type": "array"}, next=NULL_STR), 200),
    ("post", "/spaces/{space_id}/members", "Invite a person (space facilitators)", _obj(user_id=INT, message=STR),
     "JoinRequest", 201),
    ("delete", "/spaces/{space_id}/members/{user_id}", "Remove a member (reason required) or leave (yourself)",
     _obj(reason=STR), None, 204),
    ("post", "/spaces/{space_id}/join-requests", "Ask to join a listed space", _obj(message=STR), "JoinRequest", 201),
    ("post", "/join-requests/{request_id}/approve", "Approve a request, or accept your invitation", _obj(note=STR),
     "JoinRequest", 200),
    ("post", "/join-requests/{request_id}/decline", "Decline a request, or your invitation", _obj(note=STR),
     "JoinRequest", 200),
    ("post", "/spaces/{space_id}/agreement/accept", "Accept the current group agreement", None, "Ok", 200),
    ("get", "/spaces/{space_id}/audit", "The space's audit log (its facilitators)", None,
     _obj(items={"type": "array"}, next=NULL_STR), 200),
    ("get", "/notifications", "Your notifications (only what you may still see)", None,
     _obj(items={"type": "array"}, unread=INT, next=NULL_STR), 200),
    ("post", "/notifications/read", "Mark notifications read: all, or {\"ids\": [...]}",
     _obj(ids={"type": "array", "items": INT}), _obj(ok=BOOL, unread=INT), 200),
    ("get", "/me/email-settings", "How often you get notification email, and whether direct notes reach you while away",
     None, _obj(frequency=STR, when_away=BOOL), 200),
    ("put", "/me/email-settings", "Set them (only what is named): frequency immediately, daily, weekly or never; "
     "when_away true or false", _obj(frequency=STR, when_away=BOOL), _obj(frequency=STR, when_away=BOOL), 200),
    ("get", "/me/notification-settings", "Kinds of notification you may turn off, and whether each is on", None,
     _obj(reaction=BOOL), 200),
    ("put", "/me/notification-settings", "Turn them on or off ({\"reaction\": false}: not told of reactions to your "
     "posts)", _obj(reaction=BOOL), _obj(reaction=BOOL), 200),
    ("get", "/me/reading", "Your unread and new thread counts", None, _obj(unread=INT, new=INT), 200),
    ("get", "/latest", "Latest threads across every space you may read (?tag=, ?status=unanswered|solved)", None,
     ["Thread"], 200),
    ("get", "/spaces/{space_id}/threads", "A space's threads (?category_id=, ?tag=, ?status=)", None, ["Thread"], 200),
    ("post", "/spaces/{space_id}/threads", "Start a thread (JSON, or multipart with pictures and files in "
     "\"files\"; then the body may be empty)", "ThreadCreate", "Thread", 201),
    ("get", "/threads/{thread_id}", "A thread with a page of its posts (?cursor= page)", None, "Thread", 200),
    ("patch", "/threads/{thread_id}", "Moderate: pinned, pinned_globally, locked, hidden, slow_mode_seconds, "
     "category_id (move; a thread in an affinity space moves only between its space's categories, and a move "
     "into one, which cannot be undone, needs confirm_one_way: true)",
     _obj(pinned=BOOL, pinned_globally=BOOL, locked=BOOL, hidden=BOOL, slow_mode_seconds=INT, category_id=INT,
          confirm_one_way=BOOL), "Thread", 200),
    ("post", "/threads/{thread_id}/posts", "Reply (JSON, or multipart with pictures and files in \"files\"; then "
     "the body may be empty)", _obj(body=STR), "Post", 201),
    ("post", "/posts/{post_id}/attachments", "Attach pictures or files to a post (its editors; multipart, "
     "\"files\")", _FILES, _obj(items={"type": "array", "items": {"$ref": "#/components/schemas/Attachment"}},
                                   next=NULL_STR), 201),
    ("get", "/post-attachments/{attachment_id}", "An attachment's bytes, for those who may read its post (a "
     "picture inline, anything else as a download)", None, None, 200),
    ("delete", "/post-attachments/{attachment_id}", "Take an attachment off its post (its editors)", None, None,
     204),
    ("post", "/threads/{thread_id}/accept", "Accept an answer (post_id null clears it)", _obj(post_id=INT),
     "Thread", 200),
    ("put", "/threads/{thread_id}/watch", "Set your level for a thread", "Level", "Level", 200),
    ("post", "/threads/{thread_id}/read", "Mark read up to a post number (default: all)", _obj(number=INT),
     _obj(last_read=INT), 200),
    ("get", "/posts/{post_id}", "One post", None, "Post", 200),
    ("patch", "/posts/{post_id}", "Edit a post (title and tags too on an opening post)",
     _obj(body=STR, title=STR, tags={"type": "array", "items": STR}), "Post", 200),
    ("delete", "/posts/{post_id}", "Delete a post (the opening post deletes its thread)", None, None, 204),
    ("post", "/posts/{post_id}/restore", "Restore a deleted post (moderators)", None, "Post", 200),
    ("get", "/posts/{post_id}/revisions", "Every version of a post (body, body_html) with diffs of its source "
     "(diff: lines) and as it reads (rendered_diff: blocks of safe HTML)", None,
     _obj(items={"type": "array"}, next=NULL_STR), 200),
    ("get", "/posts/{post_id}/reactions", "Reactions and who reacted (people you may see)", None,
     _obj(items={"type": "array"}, next=NULL_STR), 200),
    ("post", "/posts/{post_id}/reactions", "Toggle a reaction (its post's author is told of an added one unless "
     "they turned that off); answers with the post's reactions now", _obj(kind=STR),
     _obj(kind=STR, on=BOOL, reactions={"type": "object", "description": "{kind: {count, mine}}"}), 200),
    ("post", "/posts/{post_id}/hide", "Hide a post (moderators)", _obj(reason=STR), "Ok", 200),
    ("post", "/posts/{post_id}/unhide", "Unhide a post (moderators)", None, "Ok", 200),
    ("post", "/posts/{post_id}/flags", "Flag a post for the space's facilitators", _obj(reason=STR, message=STR),
     _obj(id=INT, status=STR), 201),
    ("get", "/spaces/{space_id}/flags", "Open flags (the space's moderators)", None, ["Flag"], 200),
    ("get", "/flags", "Site staff's review queue: open flags in every space they moderate", None, ["Flag"], 200),
    ("post", "/flags/{flag_id}/resolve", "Act on a flag: hide the post or dismiss", _obj(action=STR),
     _obj(id=INT, status=STR), 200),
    ("get", "/spaces/{space_id}/moderation-log", "Who did what, when (the space's moderators)", None,
     _obj(items={"type": "array"}, next=NULL_STR), 200),
    ("get", "/spaces/{space_id}/categories", "A space's categories", None, ["Category"], 200),
    ("post", "/spaces/{space_id}/categories", "Add a category (moderators)", "CategoryWrite", "Category", 201),
    ("patch", "/categories/{category_id}", "Rename, describe, or say who may start threads and reply in a "
     "category (only the fields sent change)", "CategoryWrite", "Category", 200),
    ("delete", "/categories/{category_id}", "Delete an empty category", None, None, 204),
    ("put", "/categories/{category_id}/watch", "Set your level for a category", "Level", "Level", 200),
    ("get", "/spaces/{space_id}/mentionable", "Mention autocomplete: people who can see the space (?q=)", None,
     _obj(items={"type": "array"}, next=NULL_STR), 200),
    ("post", "/preview", "Render Markdown as posting would (mentions checked against space_id)",
     _obj(body=STR, space_id=INT), _obj(body_html=STR), 200),
    ("get", "/drafts/{key}", "A draft (key: thread:<space_id> or reply:<thread_id>)", None, "Draft", 200),
    ("put", "/drafts/{key}", "Save a draft", _obj(title=STR, body=STR), "Draft", 200),
    ("delete", "/drafts/{key}", "Discard a draft", None, None, 204),
    ("get", "/search", "Search what you may see (q: words, \"phrases\", OR, -word, pre*, in:, by:, tag:, type:, "
     "before:, after:, is:solved, is:unanswered)", None, "SearchResults", 200),
    ("get", "/search/similar", "Threads like one being written (title, body, space_id)", None,
     _obj(items={"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}}, next=NULL_STR), 200),
    ("get", "/openapi.json", "This document", None, None, 200),
]

# ---- chat
SCHEMAS.update({
    "Channel": _obj(id=INT, kind={"type": "string", "enum": ["space", "dm"]}, space_id=NULL_INT,
                    name=STR, slug=STR, topic=STR, last_seq=INT, archived=BOOL, unread=INT,
                    participants={"type": "array", "description": "Only on direct conversations"}),
    "Message": _obj(channel_id=INT, id=INT, seq=INT, updated_seq=INT,
                    author=_obj(id=INT, name=STR, avatar_url=NULL_STR), body=STR, body_html=STR, created_at=STR,
                    edited_at=NULL_STR, deleted=BOOL,
                    parent_id=NULL_INT, reply_count=INT, client_id=STR,
                    reactions={"type": "object", "additionalProperties": {"type": "array", "items": INT}},
                    attachments={"type": "array", "items": {"$ref": "#/components/schemas/Attachment"},
                                 "description": "Empty once the message is deleted"}),
    "ReadState": _obj(channel_id=INT, last_read_seq=INT, last_seq=INT, unread=INT),
})
ROUTES.extend([
    ("get", "/channels", "Your sidebar: channels of spaces you belong to (less those you left), channels you "
     "joined or wrote in, and your conversations, with unread counts", None,
     ["Channel"], 200),
    ("get", "/spaces/{space_id}/channels", "A space's channels", None, ["Channel"], 200),
    ("post", "/spaces/{space_id}/channels", "Add a channel (the space's facilitators)", _obj(name=STR, topic=STR),
     "Channel", 201),
    ("post", "/dms", "Start (or find) a conversation with up to 7 people who share a space with you",
     _obj(user_ids={"type": "array", "items": INT}), "Channel", 201),
    ("get", "/channels/{channel_id}", "One channel", None, "Channel", 200),
    ("patch", "/channels/{channel_id}", "Rename, change the topic, archive or reopen (the space's moderators)",
     _obj(name=STR, topic=STR, archived=BOOL), "Channel", 200),
    ("get", "/channels/{channel_id}/messages", "History: the newest page, ?before_seq= for older pages "
     "(next is the before_seq of the page before), or ?after_seq= for everything new or changed since; "
     "?timeline=1 leaves out replies that live in their thread", None, ["Message"], 200),
    ("post", "/channels/{channel_id}/messages", "Send (JSON, or multipart with pictures and files in \"files\"; "
     "then the body may be empty); a repeated client_id returns the stored message (200)",
     _obj(body=STR, client_id=STR, parent_id=NULL_INT), "Message", 201),
    ("get", "/message-attachments/{attachment_id}", "An attachment's bytes, for those who may read its message "
     "(none once it is deleted)", None, None, 200),
    ("get", "/messages/{message_id}", "One message", None, "Message", 200),
    ("get", "/messages/{message_id}/replies", "A message's thread: its replies you may see, oldest first "
     "(next is the after_seq of the page after); a message you may not see answers 404, like a missing one", None,
     ["Message"], 200),
    ("patch", "/messages/{message_id}", "Edit your message", _obj(body=STR), "Message", 200),
    ("delete", "/messages/{message_id}", "Delete a message (its author or the space's moderators)", None, None, 204),
    ("post", "/messages/{message_id}/reactions", "Toggle a reaction", _obj(kind=STR), "Message", 200),
    ("get", "/channels/{channel_id}/read", "Your read state in a channel", None, "ReadState", 200),
    ("post", "/channels/{channel_id}/read", "Mark read up to seq (never backwards)", _obj(seq=INT), "ReadState", 200),
    ("get", "/channels/{channel_id}/mentionable", "Mention autocomplete: people who can see the channel (?q=)", None,
     _obj(items={"type": "array"}, next=NULL_STR), 200),
    ("get", "/channels/{channel_id}/presence", "Who has chat open among the channel's readers", None,
     _obj(items={"type": "array"}, next=NULL_STR), 200),
    ("get", "/channels/{channel_id}/subscription", "Whether the channel is in your sidebar", None,
     _obj(channel_id=INT, listed=BOOL), 200),
    ("put", "/channels/{channel_id}/subscription", "Join (true) or leave (false) a space channel: its place in "
     "your sidebar; it never changes who may read it", _obj(joined=BOOL), _obj(channel_id=INT, listed=BOOL), 200),
    ("get", "/dm-candidates", "The people picker: people you may start a conversation with (?q= name or handle)",
     None, _obj(items={"type": "array"}, next=NULL_STR), 200),
])


def _query(*names_and_types) -> list[dict]:
    return [{"name": n, "in": "query", "schema": t} for n, t in names_and_types]


# Query parameters beyond cursor and limit.
QUERY_PARAMS = {
    ("get", "/search"): _query(("q", STR), ("sort", {"type": "string", "enum": ["relevance", "newest"]}),
                               ("cursor", STR), ("limit", INT),
                               ("typeahead", {"type": "string", "description": "1: the last word is a prefix"})),
    ("get", "/search/similar"): _query(("title", STR), ("body", STR), ("space_id", INT)),
    ("get", "/channels/{channel_id}/messages"): _query(("before_seq", INT), ("after_seq", INT),
                                                       ("timeline", {"type": "string", "enum": ["1"]})),
    ("get", "/messages/{message_id}/replies"): _query(("after_seq", INT)),
}


# ---------------------------------------------------------------- library
SCHEMAS.update({
    "Resource": _obj(id=INT, space_id=INT, library=STR, kind=STR, status=STR, title=STR, summary=STR,
                     tags={"type": "array", "items": STR}, component_ids={"type": "array", "items": INT},
                     population=STR, setting=STR, languages={"type": "array", "items": STR}, evidence_level=STR,
                     url=STR, author=_obj(id=INT, name=STR), featured=BOOL, hidden=BOOL, version=INT,
                     created_at=STR, updated_at=STR, published_at=NULL_STR, tried=INT, helpful=INT,
                     body={"type": "string", "description": "Only on a single resource"}, body_html=STR,
                     adapted_from_id=NULL_INT, adaptation_ids={"type": "array", "items": INT},
                     files={"type": "array"}, voted=BOOL, thread_id=NULL_INT, review_note=STR,
                     pending_edit={"oneOf": [{"$ref": "#/components/schemas/ResourceEdit"}, {"type": "null"}],
                                   "description": "Only on a single resource, for its editor and the space's "
                                                  "moderators: an edit held for review"},
                     review={"type": "string", "enum": ["submission", "edit"], "description": "Review queue only"},
                     edit_id={"type": "integer", "description": "Review queue only, for an edit"}),
    "ResourceEdit": _obj(id=INT, status={"type": "string", "enum": ["submitted", "changes_requested", "declined"]},
                         editor=_obj(id=INT, name=STR), based_on_version=INT, title=STR, summary=STR, body=STR,
                         kind=STR, library=STR, url=STR, tags={"type": "array", "items": STR},
                         component_ids={"type": "array", "items": INT}, population=STR, setting=STR, languages=STR,
                         evidence_level=STR, review_note=STR, created_at=STR, updated_at=STR,
                         diff={"type": "array", "description": "Lines against the text the library shows now"},
                         changed_fields={"type": "array", "items": STR}, files={"type": "array"},
                         removed_file_ids={"type": "array", "items": INT}),
    "ResourceWrite": _obj(title=STR, summary=STR, body=STR, kind=STR, library=STR, url=STR,
                          tags={"type": "array", "items": STR}, component_ids={"type": "array", "items": INT},
                          population=STR, setting=STR, languages=STR, evidence_level=STR,
                          adapted_from_id=NULL_INT,
                          action={"type": "string", "description": "\"draft\" keeps it a draft"}),
    "ResourceFile": _obj(id=INT, resource_id=INT, filename=STR, content_type=STR, type=STR, size=INT, sha256=STR,
                         is_image=BOOL, replaces_id=NULL_INT, current=BOOL,
                         edit_id={"type": ["integer", "null"], "description": "Set while the file belongs to an edit"},
                         created_at=STR, url=STR),
    "Adoption": _obj(id=INT, resource_id=INT, team=_obj(id=INT, name=STR), tried_on=STR, setting=STR,
                     what_changed=STR, result=STR, adapted_url=STR, shared=BOOL, created_at=STR),
    "Collection": _obj(id=INT, space_id=INT, title=STR, description=STR, description_html=STR, featured=BOOL,
                       pinned=BOOL, resource_ids={"type": "array", "items": INT}),
    "Component": _obj(id=INT, name=STR, position=INT),
})
_UPLOAD = {"type": "object", "x-multipart": True, "required": ["file"],
           "properties": {"file": {"type": "string", "format": "binary"}, "replaces_id": INT}}
ROUTES += [
    ("get", "/library/resources", "Published resources you may see, community-wide (?kind=, ?tag=, ?component=, "
     "?population=, ?setting=, ?language=, ?library=, ?sort=newest|tried|helpful)", None, ["Resource"], 200),
    ("get", "/spaces/{space_id}/resources", "A space's published resources (same filters)", None, ["Resource"], 200),
    ("post", "/spaces/{space_id}/resources", "Add a resource (JSON, or multipart with a file): moderators publish, "
     "others submit for review", "ResourceWrite", "Resource", 201),
    ("get", "/resources/{resource_id}", "One resource", None, "Resource", 200),
    ("patch", "/resources/{resource_id}", "Edit (keeps the previous version); moderators: hidden, featured; "
     "space_id moves it. An edit to a published resource by someone who may not curate it is held for review: "
     "202, the resource unchanged, the edit in pending_edit", "ResourceWrite", "Resource", 200),
    ("delete", "/resources/{resource_id}", "Delete a resource", None, None, 204),
    ("post", "/resources/{resource_id}/submit", "Submit a draft for review (optionally into space_id)",
     _obj(space_id=INT), "Resource", 200),
    ("post", "/resources/{resource_id}/review", "Review: approve, request_changes (note required) or decline",
     _obj(decision=STR, note=STR), "Resource", 200),
    ("post", "/resources/{resource_id}/edit-review", "Review the edit held on a published resource: approve, "
     "request_changes (note required) or decline", _obj(decision=STR, note=STR), "Resource", 200),
    ("get", "/spaces/{space_id}/review-queue", "Submissions and edits waiting for review (the space's moderators)",
     None, ["Resource"], 200),
    ("get", "/resources/{resource_id}/files", "Every file, earlier versions included", None, ["ResourceFile"], 200),
    ("post", "/resources/{resource_id}/files", "Upload a file, or replace one with replaces_id", _UPLOAD,
     "ResourceFile", 201),
    ("get", "/files/{file_id}", "The file's bytes (attachment unless a raster image)", None, None, 200),
    ("delete", "/files/{file_id}", "Remove a current file (kept in the history); ?erase=1: moderators erase an "
     "earlier file to free the space's quota", None, None, 204),
    ("get", "/resources/{resource_id}/versions", "Every version of the text with diffs", None,
     _obj(items={"type": "array"}, next=NULL_STR), 200),
    ("get", "/resources/{resource_id}/votes", "Who found it helpful (people you may see)", None,
     _obj(items={"type": "array"}, next=NULL_STR, mine=BOOL), 200),
    ("post", "/resources/{resource_id}/votes", "Toggle your helpful vote", None, _obj(on=BOOL), 200),
    ("get", "/resources/{resource_id}/adoptions", "\"We tried this\" records you may see", None, ["Adoption"], 200),
    ("post", "/resources/{resource_id}/adoptions", "Record that your team tried it",
     _obj(team_id=INT, tried_on=STR, setting=STR, what_changed=STR, result=STR, adapted_url=STR, shared=BOOL),
     "Adoption", 201),
    ("delete", "/adoptions/{adoption_id}", "Remove an adoption record", None, None, 204),
    ("post", "/resources/{resource_id}/discussion", "Open (or find) the resource's discussion thread", None,
     _obj(thread_id=INT), 200),
    ("get", "/spaces/{space_id}/collections", "A space's collections", None, ["Collection"], 200),
    ("post", "/spaces/{space_id}/collections", "Create a collection (moderators)",
     _obj(title=STR, description=STR, featured=BOOL), "Collection", 201),
    ("get", "/collections/{collection_id}", "A collection with the resources you may see, in order", None,
     "Collection", 200),
    ("patch", "/collections/{collection_id}", "Edit a collection; pinned puts a cohort's on its home",
     _obj(title=STR, description=STR, featured=BOOL, pinned=BOOL), "Collection", 200),
    ("post", "/collections/{collection_id}/items", "Add a resource", _obj(resource_id=INT), "Collection", 201),
    ("post", "/collections/{collection_id}/items/{resource_id}/move", "Move an item up (-1) or down (1)",
     _obj(offset=INT), "Collection", 200),
    ("delete", "/collections/{collection_id}/items/{resource_id}", "Remove an item", None, None, 204),
    ("get", "/library/components", "The equity framework's components", None, ["Component"], 200),
    ("post", "/library/components", "Add a component (facilitators)", _obj(name=STR), "Component", 201),
    ("patch", "/library/components/{component_id}", "Rename a component (facilitators)", _obj(name=STR),
     "Component", 200),
]


def request_body(method: str, path: str) -> dict | None:
    """The JSON body an operation declares, or None: hub.api.contract checks every body against it."""
    for m, p, _summary, body, _response, _status in ROUTES:
        if (m, p) == (method, path) and body is not None:
            return _ref(body)
    return None


def _ref(schema):
    if schema is None:
        return None
    if isinstance(schema, list):
        return _list_of(schema[0])
    if isinstance(schema, str):
        return {"$ref": f"#/components/schemas/{schema}"}
    return schema


def build_spec() -> dict:
    paths: dict[str, dict] = {}
    for method, path, summary, body, response, status in ROUTES:
        op: dict = {"summary": summary, "responses": {
            str(status): {"description": "Success"} | (
                {"content": {"application/json": {"schema": _ref(response)}}} if response else {}),
            "default": {"description": "Error", "content": {"application/json": {"schema": ERROR}}},
        }}
        params = [part[1:-1] for part in path.split("/") if part.startswith("{")]
        if params:
            op["parameters"] = [{"name": p, "in": "path", "required": True, "schema": STR if p == "key" else INT}
                                for p in params]
        if method == "get" and response and isinstance(response, list):
            op.setdefault("parameters", []).extend([
                {"name": "cursor", "in": "query", "schema": STR}, {"name": "limit", "in": "query", "schema": INT}])
        if (method, path) in QUERY_PARAMS:
            op.setdefault("parameters", []).extend(QUERY_PARAMS[(method, path)])
        if body:
            media = "multipart/form-data" if isinstance(body, dict) and body.get("x-multipart") else "application/json"
            op["requestBody"] = {"required": True, "content": {media: {"schema": _ref(body)}}}
            if (method, path) in ALSO_MULTIPART:
                op["requestBody"]["content"]["multipart/form-data"] = {"schema": {"allOf": [_ref(body), _FILES]}}
        paths.setdefault(path, {})[method] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "Equity Learning Hub API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "A personal access token"},
                "session": {"type": "apiKey", "in": "cookie", "name": "hub_session",
                            "description": "The browser session; writes also need the X-CSRFToken header"},
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(build_spec())
