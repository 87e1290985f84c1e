"""The document's chat: channels, conversations, messages, read state."""
from __future__ import annotations

from hub.api.spec.types import (ANY_PAGE, BOOL, IDS, INT, NULL_ID, NULL_INT, NULL_STR, STR, TEXT, ints, list_of,
                                obj, one_of, query, ref)
from hub.forums.models import REACTIONS

SCHEMAS = {
    "Channel": obj(id=INT, kind=one_of("space", "dm"), space_id=NULL_INT, name=STR, slug=STR, topic=STR,
                   last_seq=INT, archived=BOOL, unread=INT,
                   participants={"type": "array", "description": "Only on direct conversations"}),
    "Message": obj(channel_id=INT, id=INT, seq=INT, updated_seq=INT,
                   author=obj(id=INT, name=STR, avatar_url=NULL_STR), body=STR, body_html=STR, created_at=STR,
                   edited_at=NULL_STR, deleted=BOOL, parent_id=NULL_INT, reply_count=INT, client_id=STR,
                   reactions={"type": "object", "additionalProperties": list_of(INT)},
                   attachments={**list_of(ref("Attachment")), "description": "Empty once the message is deleted"}),
    "ReadState": obj(channel_id=INT, last_read_seq=INT, last_seq=INT, unread=INT),
}
SEQ = ints(0, 2**31 - 1)

ROUTES = [
    ("get", "/channels", "Your sidebar: channels of spaces you belong to (less those you left), channels you "
     "joined or wrote in, and your conversations, with unread counts", None, ["Channel"], 200),
    ("get", "/spaces/{space_id}/channels", "A space's channels", None, ["Channel"], 200),
    ("post", "/spaces/{space_id}/channels", "Add a channel (the space's facilitators)",
     obj("name", name=TEXT, topic=STR), "Channel", 201),
    ("post", "/dms", "Start (or find) a conversation with up to 7 people who share a space with you",
     obj("user_ids", user_ids={**IDS, "description": "1 to 7 people"}), "Channel", 201),
    ("get", "/channels/{channel_id}", "One channel", None, "Channel", 200),
    ("patch", "/channels/{channel_id}", "Rename, change the topic, archive or reopen (the space's moderators)",
     obj(name=TEXT, topic=STR, archived=BOOL), "Channel", 200),
    ("get", "/channels/{channel_id}/messages", "History: the newest page, ?before_seq= for older pages "
     "(next is the before_seq of the page before), or ?after_seq= for everything new or changed since; "
     "?timeline=1 leaves out replies that live in their thread", None, ["Message"], 200),
    ("post", "/channels/{channel_id}/messages", "Send (JSON, or multipart with pictures and files in \"files\"; "
     "then the body may be empty); a repeated client_id returns the stored message (200)",
     obj(body={"type": "string", "description": "Required unless files are attached"}, client_id=STR,
         parent_id=NULL_ID), "Message", 201),
    ("get", "/message-attachments/{attachment_id}", "An attachment's bytes, for those who may read its message "
     "(none once it is deleted)", None, None, 200),
    ("get", "/messages/{message_id}", "One message", None, "Message", 200),
    ("get", "/messages/{message_id}/replies", "A message's thread: its replies you may see, oldest first "
     "(next is the after_seq of the page after); a message you may not see answers 404, like a missing one", None,
     ["Message"], 200),
    ("patch", "/messages/{message_id}", "Edit your message", obj("body", body=TEXT), "Message", 200),
    ("delete", "/messages/{message_id}", "Delete a message (its author or the space's moderators)", None, None, 204),
    ("post", "/messages/{message_id}/reactions", "Toggle a reaction", obj("kind", kind=one_of(*REACTIONS)),
     "Message", 200),
    ("get", "/channels/{channel_id}/read", "Your read state in a channel", None, "ReadState", 200),
    ("post", "/channels/{channel_id}/read", "Mark read up to seq (never backwards)", obj("seq", seq=SEQ),
     "ReadState", 200),
    ("get", "/channels/{channel_id}/mentionable", "Mention autocomplete: people who can see the channel (?q=)", None,
     ANY_PAGE, 200),
    ("get", "/channels/{channel_id}/presence", "Who has chat open among the channel's readers", None, ANY_PAGE, 200),
    ("get", "/channels/{channel_id}/subscription", "Whether the channel is in your sidebar", None,
     obj(channel_id=INT, listed=BOOL), 200),
    ("put", "/channels/{channel_id}/subscription", "Join (true) or leave (false) a space channel: its place in "
     "your sidebar; it never changes who may read it", obj("joined", joined=BOOL), obj(channel_id=INT, listed=BOOL),
     200),
    ("get", "/dm-candidates", "The people picker: people you may start a conversation with (?q= name or handle)",
     None, ANY_PAGE, 200),
]

QUERY = {
    ("get", "/channels/{channel_id}/messages"): query(("before_seq", SEQ), ("after_seq", SEQ),
                                                      ("timeline", one_of("1"))),
    ("get", "/messages/{message_id}/replies"): query(("after_seq", SEQ)),
    ("get", "/channels/{channel_id}/mentionable"): query(("q", STR)),
    ("get", "/dm-candidates"): query(("q", STR)),
}
