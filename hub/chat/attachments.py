"""Pictures and files sent with a chat message (hub.chat.services.send). The checks, the
re-encoding and the storing are hub.attachments'; who may open one is the policy's
("message_attachment.view": the message's readers, while it is not deleted)."""
from __future__ import annotations

from flask import Response, url_for

from hub import attachments
from hub.chat.models import Message, MessageAttachment

AREA = "chat"


def accept(files, errors: dict) -> list[attachments.Accepted]:
    return attachments.accept(files, errors)


def stage(actor, message: Message, accepted: list[attachments.Accepted]) -> list[MessageAttachment]:
    """Rows and bytes for accepted uploads on a message being written (flushed, not committed)."""
    return attachments.stage(AREA, MessageAttachment, accepted, message_id=message.id, uploader_id=actor.id)


def unstore(ids) -> None:
    attachments.unstore(AREA, ids)


def response(attachment: MessageAttachment) -> Response:
    return attachments.response(AREA, attachment)


def as_json(attachment: MessageAttachment) -> dict:
    return attachments.as_json(attachment, url_for("chat.attachment", attachment_id=attachment.id))
