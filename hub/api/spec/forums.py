"""The document's forums: threads, posts, categories, moderation, drafts, search."""
from __future__ import annotations

from hub.api.spec.types import (ANY_PAGE, BOOL, ID, INT, NULL_ID, NULL_INT, NULL_STR, STR, STRS, TEXT, ints,
                                list_of, obj, one_of, query, ref)
from hub.forums.models import FLAG_REASONS, REACTIONS, THREAD_KINDS

WHO = {**one_of("everyone", "facilitators"), "description": "facilitators: the space's only"}
LEVEL = one_of("watching", "tracking", "normal", "muted")
SLOW_MODE = {**ints(0, 86400), "description": "Seconds between one person's replies; 0 is off"}

SCHEMAS = {
    "Thread": obj(id=INT, space_id=INT, category_id=INT, kind=STR, title=STR, author=obj(id=INT, name=STR),
                  tags=STRS, created_at=STR, last_posted_at=STR, reply_count=INT,
                  pinned=BOOL, pinned_globally=BOOL, locked=BOOL, hidden=BOOL, deleted=BOOL, slow_mode_seconds=INT,
                  accepted_post_id=NULL_INT, unread=INT, new=BOOL, last_read=INT,
                  posts={"description": "Only on GET /threads/{id}: a page of posts"}, watch_level=STR),
    "ThreadCreate": obj("title", "category_id", title=TEXT,
                        body={"type": "string", "description": "Required unless files are attached"},
                        category_id=ID, kind=one_of(*THREAD_KINDS), tags=STRS),
    "Post": obj(id=INT, thread_id=INT, number=INT, author=obj(id=INT, name=STR), body=STR, body_html=STR,
                created_at=STR, edited_at=NULL_STR, revision_count=INT, hidden=BOOL, deleted=BOOL,
                reactions={"type": "object"}, attachments=list_of(ref("Attachment"))),
    "Attachment": obj(id=INT, filename=STR, content_type=STR, type=STR, size=INT,
                      is_image={"type": "boolean", "description": "A picture (re-encoded, shown inline); "
                                                                  "anything else downloads"},
                      width=NULL_INT, height=NULL_INT,
                      url={"type": "string", "description": "For a signed-in browser; with a token, "
                                                           "GET /post-attachments/{id} or /message-attachments/{id}"}),
    "Category": obj(id=INT, space_id=INT, name=STR, slug=STR, description=STR, position=INT, watch_level=STR,
                    who_may_start=WHO, who_may_reply=WHO, can_start_threads=BOOL),
    "Flag": obj(id=INT, post_id=INT, reporter_id=INT, reporter=obj(id=INT, name=STR), reason=STR,
                reason_label=STR, message=STR, space=obj(id=INT, name=STR), thread=obj(id=INT, title=STR),
                created_at=STR),
    "CategoryWrite": obj(name=TEXT, description=STR, who_may_start=WHO, who_may_reply=WHO),
    "Draft": obj(key=STR, title=STR, body=STR, updated_at=NULL_STR),
    "Level": obj("level", level=LEVEL),
    "SearchHit": obj(kind=one_of("thread", "post", "resource", "message", "person", "space", "channel", "project"),
                     kind_label=STR, id=INT, space_id=NULL_INT, space=NULL_STR,
                     space_kind={"type": ["string", "null"], "description": "community, cohort, team or affinity"},
                     title_html={"type": ["string", "null"], "description": "Escaped, matches in <mark>"},
                     context=STR, snippet_html={"type": "string", "description": "Escaped, matches in <mark>"},
                     author={"type": ["object", "null"]}, created_at=NULL_STR, url=NULL_STR),
    "SearchResults": obj(items=list_of(ref("SearchHit")),
                         total={"type": "integer", "description": "Only documents you may see"}, page=INT,
                         pages=INT, next=NULL_STR, did_you_mean=NULL_STR, notices=STRS,
                         facets=obj(type={"type": "array"}, space={"type": "array"})),
}
_REPLY_BODY = {"type": "string", "description": "Required unless files are attached"}
_CATEGORY_CREATE = {**SCHEMAS["CategoryWrite"], "required": ["name"]}

ROUTES = [
    ("get", "/latest", "Latest threads across every space you may read (?tag=, ?status=unanswered|solved)", None,
     ["Thread"], 200),
    ("get", "/spaces/{space_id}/threads", "A space's threads (?category_id=, ?tag=, ?status=)", None, ["Thread"], 200),
    ("post", "/spaces/{space_id}/threads", "Start a thread (JSON, or multipart with pictures and files in "
     "\"files\"; then the body may be empty)", "ThreadCreate", "Thread", 201),
    ("get", "/threads/{thread_id}", "A thread with a page of its posts (?cursor= page)", None, "Thread", 200),
    ("patch", "/threads/{thread_id}", "Moderate: pinned, pinned_globally, locked, hidden, slow_mode_seconds, "
     "category_id (move; a thread in an affinity space moves only between its space's categories, and a move "
     "into one, which cannot be undone, needs confirm_one_way: true)",
     obj(pinned=BOOL, pinned_globally=BOOL, locked=BOOL, hidden=BOOL, slow_mode_seconds=SLOW_MODE, category_id=ID,
         confirm_one_way=BOOL), "Thread", 200),
    ("post", "/threads/{thread_id}/posts", "Reply (JSON, or multipart with pictures and files in \"files\"; then "
     "the body may be empty)", obj(body=_REPLY_BODY), "Post", 201),
    ("post", "/posts/{post_id}/attachments", "Attach pictures or files to a post (its editors; multipart, "
     "\"files\")", "FILES", obj(items=list_of(ref("Attachment")), next=NULL_STR), 201),
    ("get", "/post-attachments/{attachment_id}", "An attachment's bytes, for those who may read its post (a "
     "picture inline, anything else as a download)", None, None, 200),
    ("delete", "/post-attachments/{attachment_id}", "Take an attachment off its post (its editors)", None, None,
     204),
    ("post", "/threads/{thread_id}/accept", "Accept an answer (post_id null, or none, clears it)",
     obj(post_id=NULL_ID),
     "Thread", 200),
    ("put", "/threads/{thread_id}/watch", "Set your level for a thread", "Level", "Level", 200),
    ("post", "/threads/{thread_id}/read", "Mark read up to a post number (default: all)",
     obj(number=ints(0, 2**31 - 1)), obj(last_read=INT), 200),
    ("get", "/posts/{post_id}", "One post", None, "Post", 200),
    ("patch", "/posts/{post_id}", "Edit a post (title and tags too on an opening post)",
     obj(body=TEXT, title={"type": "string", "description": "An opening post's (not blank there); a reply's "
                                                         "is ignored"}, tags=STRS), "Post", 200),
    ("delete", "/posts/{post_id}", "Delete a post (the opening post deletes its thread)", None, None, 204),
    ("post", "/posts/{post_id}/restore", "Restore a deleted post (moderators)", None, "Post", 200),
    ("get", "/posts/{post_id}/revisions", "Every version of a post (body, body_html) with diffs of its source "
     "(diff: lines) and as it reads (rendered_diff: blocks of safe HTML)", None, ANY_PAGE, 200),
    ("get", "/posts/{post_id}/reactions", "Reactions and who reacted (people you may see)", None, ANY_PAGE, 200),
    ("post", "/posts/{post_id}/reactions", "Toggle a reaction (its post's author is told of an added one unless "
     "they turned that off); answers with the post's reactions now", obj("kind", kind=one_of(*REACTIONS)),
     obj(kind=STR, on=BOOL, reactions={"type": "object", "description": "{kind: {count, mine}}"}), 200),
    ("post", "/posts/{post_id}/hide", "Hide a post (moderators)", obj(reason=STR), "Ok", 200),
    ("post", "/posts/{post_id}/unhide", "Unhide a post (moderators)", None, "Ok", 200),
    ("post", "/posts/{post_id}/flags", "Flag a post for the space's facilitators",
     obj("reason", reason=one_of(*FLAG_REASONS), message=STR), obj(id=INT, status=STR), 201),
    ("get", "/spaces/{space_id}/flags", "Open flags (the space's moderators)", None, ["Flag"], 200),
    ("get", "/flags", "Site staff's review queue: open flags in every space they moderate", None, ["Flag"], 200),
    ("post", "/flags/{flag_id}/resolve", "Act on a flag: hide the post or dismiss",
     obj("action", action=one_of("hide", "dismiss")), obj(id=INT, status=STR), 200),
    ("get", "/spaces/{space_id}/moderation-log", "Who did what, when (the space's moderators)", None, ANY_PAGE, 200),
    ("get", "/spaces/{space_id}/categories", "A space's categories", None, ["Category"], 200),
    ("post", "/spaces/{space_id}/categories", "Add a category (moderators)", _CATEGORY_CREATE, "Category", 201),
    ("patch", "/categories/{category_id}", "Rename, describe, or say who may start threads and reply in a "
     "category (only the fields sent change)", "CategoryWrite", "Category", 200),
    ("delete", "/categories/{category_id}", "Delete an empty category (409 while it holds threads)", None, None,
     204),
    ("put", "/categories/{category_id}/watch", "Set your level for a category", "Level", "Level", 200),
    ("get", "/spaces/{space_id}/mentionable", "Mention autocomplete: people who can see the space (?q=)", None,
     ANY_PAGE, 200),
    ("post", "/preview", "Render Markdown as posting would (mentions checked against space_id)",
     obj(body=STR, space_id=ID), obj(body_html=STR), 200),
    ("get", "/drafts/{key}", "A draft (key: thread:<space_id> or reply:<thread_id>)", None, "Draft", 200),
    ("put", "/drafts/{key}", "Save a draft", obj(title=STR, body=STR), "Draft", 200),
    ("delete", "/drafts/{key}", "Discard a draft", None, None, 204),
    ("get", "/search", "Search what you may see (q: words, \"phrases\", OR, -word, pre*, in:, by:, tag:, type:, "
     "before:, after:, is:solved, is:unanswered)", None, "SearchResults", 200),
    ("get", "/search/similar", "Threads like one being written (title, body, space_id)", None,
     obj(items=list_of(ref("SearchHit")), next=NULL_STR), 200),
    ("get", "/openapi.json", "This document", None, None, 200),
]

_STATUS = one_of("unanswered", "solved")
QUERY = {
    ("get", "/latest"): query(("tag", STR), ("status", _STATUS)),
    ("get", "/spaces/{space_id}/threads"): query(("category_id", ID), ("tag", STR), ("status", _STATUS)),
    ("get", "/spaces/{space_id}/mentionable"): query(("q", STR)),
    ("get", "/search"): query(("q", STR), ("sort", one_of("relevance", "newest")), ("cursor", {**STR, "description": "The page number"}),
                              ("limit", ints(1, 50)),
                              ("typeahead", {**one_of("1"), "description": "1: the last word is a prefix"})),
    ("get", "/search/similar"): query(("title", STR), ("body", STR), ("space_id", ID)),
}
# The draft key names what the draft is for; anything else is not a draft.
KEY_PARAMETER = {"type": "string", "pattern": r"^(thread|reply):[1-9][0-9]{0,9}$"}
