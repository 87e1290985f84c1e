"""Pictures and files attached to posts: added with a new thread, a reply or an edit (hub.forums.
services), or to a post afterwards, and taken off again by whoever may edit the post. The checks,
the re-encoding and the storing are hub.attachments'; who may open one is the policy's
("post_attachment.view": exactly the post's readers)."""
from __future__ import annotations

from flask import Response, url_for
from flask_babel import gettext as _

from hub import attachments, policy
from hub.extensions import db
from hub.forums.models import Post, PostAttachment
from hub.validation import ValidationError

AREA = "forums"


def accept(files, errors: dict) -> list[attachments.Accepted]:
    return attachments.accept(files, errors)


def stage(actor, post: Post, accepted: list[attachments.Accepted]) -> list[PostAttachment]:
    """Rows and bytes for accepted uploads on a post being written (flushed, not committed)."""
    return attachments.stage(AREA, PostAttachment, accepted, post_id=post.id, uploader_id=actor.id)


def commit_or_unstore(rows: list[PostAttachment]) -> None:
    attachments.commit_or_unstore(AREA, rows)


def unstore(ids) -> None:
    attachments.unstore(AREA, ids)


def removals(post: Post, ids, errors: dict) -> list[PostAttachment]:
    """The post's own attachments among `ids` (an edit form's ticked boxes, as strings or ints)."""
    wanted = {int(i) for i in ids or [] if str(i).isdigit()}
    found = [a for a in post.attachments if a.id in wanted]
    if len(found) != len(wanted):
        errors["remove_attachment_ids"] = _("Choose attachments of this post to remove.")
    return found


def forget(rows: list[PostAttachment]) -> list[int]:
    """Delete rows (not committed); returns the ids whose files go once that is committed."""
    ids = [row.id for row in rows]
    for row in rows:
        db.session.delete(row)
    return ids


def add(actor, post: Post, files) -> list[PostAttachment]:
    """Attach more files to a post (its editors: the author while they may edit, moderators)."""
    policy.require(actor, "post.edit", post)
    errors: dict[str, str] = {}
    accepted = attachments.accept(files, errors)
    if not accepted and not errors:
        errors[attachments.FIELD] = _("Choose a picture or file to attach.")
    if errors:
        raise ValidationError(errors)
    rows = stage(actor, post, accepted)
    commit_or_unstore(rows)
    # after commit (the thread page's version moved with the rows: hub.forums.thread_pages)
    return rows


def remove(actor, attachment: PostAttachment | None) -> None:
    policy.require(actor, "post_attachment.view", attachment)
    policy.require(actor, "post.edit", attachment.post)
    ids = forget([attachment])
    db.session.commit()
    # after commit
    attachments.unstore(AREA, ids)


def response(attachment: PostAttachment) -> Response:
    return attachments.response(AREA, attachment)


def as_json(attachment: PostAttachment) -> dict:
    return attachments.as_json(attachment, url_for("forums.attachment", attachment_id=attachment.id))
