"""Writes to a resource's files: add, replace (the old one is kept), remove (kept in the history)
and erase (moderators free the space's quota), and the quota every upload and move must fit.
Bytes are checked by hub.uploads and kept by hub.library.uploads. On a published resource, a
change by someone who may not curate it joins their edit held for review (hub.library.edits).

Listener that writes as a side effect: a file's change queues its resource's search document
(hub.search_queue's after-flush listener, fed by hub.library.search_docs)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from hub import policy, uploads
from hub.extensions import db, utcnow
from hub.library import edits, fanout
from hub.library import uploads as library_files
from hub.library.fields import edit_is_held
from hub.library.models import Resource, ResourceFile
from hub.validation import ValidationError


def add_file(actor, resource: Resource, upload, replaces: ResourceFile | None = None) -> ResourceFile:
    """Attach a file, or replace one (the old one is kept as an earlier version). On a published
    resource, someone who may not curate it adds the file to their edit, held for review
    (hub.library.edits): it becomes the resource's only when that edit is approved."""
    policy.require(actor, "resource.edit", resource)
    if replaces is not None and (replaces.resource_id != resource.id or replaces.superseded_at is not None
                                 or replaces.edit_id is not None):
        raise ValidationError({"replaces_id": _("Choose a current file of this resource to replace.")})
    edit, entering = edits.hold_file(actor, resource) if edit_is_held(actor, resource) else (None, False)
    try:
        stored = stage_file(actor, resource, upload, replaces, edit)
    except ValidationError:
        db.session.rollback()
        raise
    commit_or_unstore(stored)
    if entering:
        fanout.after_edit_submitted(actor, edit)
    return stored


def remove_file(actor, stored: ResourceFile) -> None:
    """Take a current file off the resource; it stays in the version history. A file an edit
    brought is withdrawn from it; on a published resource, someone who may not curate it asks
    for the removal in their edit, held for review."""
    policy.require(actor, "file.view", stored)
    policy.require(actor, "resource.edit", stored.resource)
    if stored.superseded_at is not None:
        return
    if stored.edit_id is None and edit_is_held(actor, stored.resource):
        edits.propose_removal(actor, stored)
        return
    stored.superseded_at = utcnow()
    db.session.commit()


def purge_file(actor, stored: ResourceFile) -> None:
    """A space's moderators free its quota: an earlier (replaced or removed) file goes for good
    (one left in a space the resource moved from is that space's, and counts there)."""
    policy.require(actor, "file.view", stored)
    policy.require(actor, "space.manage", stored.holding_space)
    if stored.superseded_at is None:
        raise ValidationError({"file": _("Remove or replace the file first; only earlier files can be erased.")})
    file_id = stored.id
    for later in db.session.scalars(select(ResourceFile).where(ResourceFile.replaces_id == file_id)):
        later.replaces_id = None
    db.session.delete(stored)
    db.session.commit()
    library_files.path_for(file_id).unlink(missing_ok=True)


def space_usage(space_id: int) -> int:
    """The bytes a space's library holds (ResourceFile.holding_space, in SQL): its resources' files,
    less those left in a space they moved from, plus those left in it."""
    return db.session.scalar(select(func.coalesce(func.sum(ResourceFile.size), 0))
                             .join(Resource, Resource.id == ResourceFile.resource_id)
                             .where(func.coalesce(ResourceFile.left_in_space_id, Resource.space_id) == space_id)) or 0


def check_quota(space_id: int, adding: int, field: str) -> None:
    """Uploads and moves both bring bytes into a space; neither may take it past its quota."""
    from flask import current_app
    quota_mb = current_app.config["LIBRARY_SPACE_QUOTA_MB"]
    if space_usage(space_id) + adding > quota_mb * 1024 * 1024:
        raise ValidationError({field: _("This space's library is full (%(n)d MB). Ask a facilitator to make room.",
                                        n=quota_mb)})


def stage_file(actor, resource: Resource, upload, replaces: ResourceFile | None, edit=None) -> ResourceFile:
    """Check and store the bytes as a new file row (flushed, not committed). With `edit`, the file
    belongs to that edit and replaces nothing yet (approving the edit does)."""
    from flask import current_app
    config = current_app.config
    limit = config["LIBRARY_MAX_FILE_MB"] * 1024 * 1024
    if upload is None or not getattr(upload, "filename", ""):
        raise ValidationError({"file": _("Choose a file to upload.")})
    data = uploads.read_limited(upload.stream, limit)
    found = uploads.detect(data, upload.filename)
    check_quota(resource.space_id, len(data), "file")
    row = ResourceFile(resource_id=resource.id, uploader_id=actor.id,
                       filename=uploads.safe_filename(upload.filename, found.label), content_type=found.content_type,
                       type_label=found.label, size=len(data), sha256=uploads.sha256(data), is_image=found.is_image,
                       extracted_text=found.text, replaces_id=replaces.id if replaces else None,
                       edit_id=edit.id if edit is not None else None)
    db.session.add(row)
    db.session.flush()
    library_files.store(row.id, data)
    if replaces is not None and edit is None:
        replaces.superseded_at = utcnow()
        resource.updated_at = utcnow()
    return row


def commit_or_unstore(stored: ResourceFile | None) -> None:
    file_id = stored.id if stored is not None else None
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        if file_id is not None:
            library_files.path_for(file_id).unlink(missing_ok=True)
        raise
