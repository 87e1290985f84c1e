"""Chat pages: the chat home (channel list, conversations), a channel, a space's channels.
Live sending happens over the /chat socket (static/js/chat/main.js); every form here also works
without JavaScript, and every action has an API twin (hub/api/chat_views.py)."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from hub import policy
from hub.chat import attachments, queries, reading, services, subscriptions
from hub.chat.models import Channel, Message, MessageAttachment
from hub.chat.payloads import display_name
from hub.chat.ratelimit import RateLimited
from hub.extensions import db
from hub.forums.models import REACTIONS
from hub.forums.post_ui import REACTION_NAMES
from hub.spaces.queries import space_by_slug
from hub.validation import ValidationError

bp = Blueprint("chat", __name__)


def _sidebar() -> dict:
    channels = queries.my_channels(current_user)
    return {"channels": channels, "chat_unread": reading.unread_counts(current_user, [c.id for c in channels]),
            "name_of": lambda c: display_name(c, current_user)}


@bp.get("/chat")
@login_required
def index():
    return render_template("chat/index.html", people=queries.dm_candidates(current_user), errors={}, form={},
                           **_sidebar())


@bp.get("/chat/channels/<int:channel_id>")
@login_required
def channel(channel_id: int, errors=None, form=None, thread_id=None):
    """A channel's timeline; with ?thread=<message id>, that message's thread open beside it."""
    found = db.session.get(Channel, channel_id)
    policy.require(current_user, "channel.view", found)
    before = request.args.get("before_seq", type=int)
    messages, more = queries.history(current_user, found, before, timeline=True)
    root, replies, later = queries.open_thread(current_user, found, thread_id or request.args.get("thread", type=int),
                                               request.args.get("thread_after", type=int))
    shown = messages + ([root] if root is not None else []) + replies
    return render_template("chat/channel.html", channel=found, messages=messages, more=more,
                           by_id={m.id: m for m in shown},  # a reply names its parent when it is on the page
                           permissions=policy.message_permissions(current_user, found, shown),
                           can_post=policy.can(current_user, "channel.post", found), reactions=REACTIONS,
                           reaction_names={kind: str(name) for kind, name in REACTION_NAMES.items()},
                           older=messages[0].seq if more and messages else None, errors=errors or {},
                           form=form or {}, last_read=reading.last_read(current_user, found.id),
                           thread=root, thread_replies=replies, thread_later=later,
                           listed=policy.can(current_user, "channel.list", found), **_sidebar())


@bp.post("/chat/channels/<int:channel_id>/messages")
@login_required
def send(channel_id: int):
    found = db.session.get(Channel, channel_id)
    thread_id = request.form.get("parent_id", type=int)
    try:
        message = services.send(current_user, found, request.form, request.files.getlist("files")).message
    except ValidationError as err:  # a refused parent re-opens no thread
        thread_id = None if "parent_id" in err.fields else thread_id
        return channel(channel_id, errors=err.fields, form=request.form, thread_id=thread_id), 422
    except RateLimited as err:
        return channel(channel_id, errors={"body": err.message}, form=request.form, thread_id=thread_id), 429
    if message.parent_id is not None:
        return redirect(url_for("chat.channel", channel_id=channel_id, thread=message.parent_id) + f"#r-{message.id}")
    return redirect(url_for("chat.channel", channel_id=channel_id))


@bp.get("/chat/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id: int):
    found = db.session.get(MessageAttachment, attachment_id)
    policy.require(current_user, "message_attachment.view", found)
    return attachments.response(found)


@bp.get("/chat/messages/<int:message_id>")
@login_required
def permalink(message_id: int):
    """A message in its place: on the timeline, or (a reply) in its thread, opened beside it."""
    message = db.session.get(Message, message_id)
    policy.require(current_user, "message.view", message)
    parent = db.session.get(Message, message.parent_id) if message.parent_id is not None else None
    if parent is not None and policy.can(current_user, "message.view", parent):
        return redirect(url_for("chat.channel", channel_id=message.channel_id, before_seq=parent.seq + 25,
                                thread=parent.id) + f"#r-{message.id}")
    return redirect(url_for("chat.channel", channel_id=message.channel_id, before_seq=message.seq + 25)
                    + f"#m-{message.id}")


@bp.post("/chat/channels/<int:channel_id>/subscription")
@login_required
def subscription(channel_id: int):
    """Join or leave a space channel (its sidebar entry); the API twin is PUT .../subscription."""
    found = db.session.get(Channel, channel_id)
    subscriptions.set_joined(current_user, found, request.form.get("joined") == "1")
    return redirect(url_for("chat.channel", channel_id=channel_id))


@bp.post("/chat/dm")
@login_required
def start_dm():
    """The people picker sends user_ids; without scripts, the same field takes @handles."""
    try:
        people = services.people_by_ids(request.form.getlist("user_ids"))
        people += queries.dm_people_by_handles(current_user, request.form.get("handles", ""))
        found = services.start_dm(current_user, people)
    except ValidationError as err:  # (the picker's one field carries what user_ids got wrong)
        errors = {("handles" if name == "user_ids" else name): text for name, text in err.fields.items()}
        return render_template("chat/index.html", people=queries.dm_candidates(current_user), errors=errors,
                               form=request.form, **_sidebar()), 422
    return redirect(url_for("chat.channel", channel_id=found.id))


@bp.get("/spaces/<slug>/chat")
@login_required
def space(slug: str, errors=None, form=None):
    found = space_by_slug(slug)
    policy.require(current_user, "space.view", found)
    channels = queries.space_channels(current_user, found)
    return render_template("chat/space.html", space=found, space_channels=channels, errors=errors or {},
                           form=form or {}, space_unread=reading.unread_counts(current_user, [c.id for c in channels]))


@bp.post("/spaces/<slug>/chat")
@login_required
def create_channel(slug: str):
    found = space_by_slug(slug)
    try:
        made = services.create_channel(current_user, found, request.form)
    except ValidationError as err:
        return space(slug, errors=err.fields, form=request.form), 422
    return redirect(url_for("chat.channel", channel_id=made.id))


@bp.post("/chat/channels/<int:channel_id>/archive")
@login_required
def archive_channel(channel_id: int):
    found = db.session.get(Channel, channel_id)
    policy.require(current_user, "channel.view", found)
    services.update_channel(current_user, found, {"archived": request.form.get("archived") == "1"})
    return redirect(url_for("chat.space", slug=found.space.slug))
