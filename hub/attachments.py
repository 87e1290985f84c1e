"""Files attached to forum posts and chat messages: what both domains share. Each upload passes the
checks every upload does (hub.uploads: size, type read from the content against the allow-list, a
clean name with the extension of what it really is). A picture is then re-encoded (hub.images:
resized, upright, without its metadata), so what is kept and shown is our encoding; any other file
is kept as it came, and only ever downloaded. Files are kept under UPLOAD_DIR in the domain's
area, named by their row's id, as the library's are.

Who may open one is the policy's question about its post or message ("post_attachment.view",
"message_attachment.view"); the domains hold the rows (hub.forums.models.PostAttachment,
hub.chat.models.MessageAttachment) and the writes (hub.forums.attachments, hub.chat.attachments).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Response, current_app
from flask_babel import gettext as _
from sqlalchemy import Boolean, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub import images, uploads
from hub.extensions import db, utcnow
from hub.validation import ValidationError

FIELD = "files"  # the form field (and API multipart field) that carries them


class AttachmentColumns:
    """The columns of a kept attachment (a mixin for each domain's model)."""

    filename: Mapped[str] = mapped_column(String(160))  # sanitised, with the extension of its real type
    content_type: Mapped[str] = mapped_column(String(120))
    type_label: Mapped[str] = mapped_column(String(20))  # as hub.uploads names types
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    is_image: Mapped[bool] = mapped_column(Boolean, default=False)  # shown inline; everything else downloads
    width: Mapped[int | None] = mapped_column(Integer)  # of a picture, as re-encoded
    height: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


@dataclass(frozen=True)
class Accepted:
    """One upload as it will be kept: checked, and re-encoded if it is a picture."""
    data: bytes
    filename: str
    content_type: str
    type_label: str
    is_image: bool
    width: int | None = None
    height: int | None = None

    def columns(self) -> dict:
        return {"filename": self.filename, "content_type": self.content_type, "type_label": self.type_label,
                "size": len(self.data), "sha256": uploads.sha256(self.data), "is_image": self.is_image,
                "width": self.width, "height": self.height}


def chosen(files) -> list:
    """The uploads a form or request really carries (an empty file input sends one without a name)."""
    return [f for f in (files or []) if f is not None and getattr(f, "filename", "")]


def accept(files, errors: dict) -> list[Accepted]:
    """Check every upload; a refusal is written into `errors` (under "files", naming the file), so a
    service reports it beside its other fields. Nothing is kept yet."""
    files = chosen(files)
    config = current_app.config
    if len(files) > config["ATTACHMENT_MAX_FILES"]:
        errors[FIELD] = _("Attach at most %(n)d files at once.", n=config["ATTACHMENT_MAX_FILES"])
        return []
    accepted, problems = [], []
    for upload in files:
        try:
            accepted.append(_accept_one(upload, config["ATTACHMENT_MAX_MB"] * 1024 * 1024))
        except ValidationError as err:
            problems.append(_("%(name)s: %(problem)s", name=uploads.clean_name(upload.filename) or _("a file"),
                              problem=err.fields.get("file") or err.message))
    if problems:
        # A file input cannot be filled in again by the page: say so, so nothing is lost unawares.
        errors[FIELD] = " ".join(problems) + " " + _("Choose the files to attach again.")
    return accepted


def _accept_one(upload, limit: int) -> Accepted:
    data = uploads.read_limited(upload.stream, limit)
    found = uploads.detect(data, upload.filename)
    if not found.is_image:
        return Accepted(data, uploads.safe_filename(upload.filename, found.label), found.content_type, found.label,
                        False)
    picture = images.reencoded(data)
    return Accepted(picture.data, uploads.safe_filename(upload.filename, picture.label), picture.content_type,
                    picture.label, True, picture.width, picture.height)


def stage(area: str, model, accepted: list[Accepted], **owner) -> list:
    """Rows for accepted uploads (flushed, not committed) and their bytes on disk. `owner`: the
    columns that tie them to their post or message and uploader."""
    rows = [model(**owner, **one.columns()) for one in accepted]
    db.session.add_all(rows)
    db.session.flush()
    stored = []
    try:
        for row, one in zip(rows, accepted):
            uploads.store(area, row.id, one.data)
            stored.append(row.id)
    except Exception:  # (a full disk, say) none of this post's or message's files stay behind
        unstore(area, stored)
        raise
    return rows


def commit_or_unstore(area: str, rows: list) -> None:
    """Commit; if that fails, the files just stored go too (no bytes without a row)."""
    ids = [row.id for row in rows]
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        unstore(area, ids)
        raise


def unstore(area: str, ids) -> None:
    for file_id in ids:
        uploads.path_for(area, file_id).unlink(missing_ok=True)


def response(area: str, row) -> Response:
    """The bytes of an attachment the caller may open (its loader asked the policy): a picture
    inline, anything else as a download, with hub.uploads' headers and no caching."""
    data = uploads.path_for(area, row.id).read_bytes()
    return uploads.file_response(data, row.content_type, row.filename, row.is_image)


def as_json(row, url: str) -> dict:
    return {"id": row.id, "filename": row.filename, "content_type": row.content_type, "type": row.type_label,
            "size": row.size, "is_image": row.is_image, "width": row.width, "height": row.height, "url": url}
