"""Edits to published resources, held for review.

Once a space's facilitators have approved a resource, only people who may curate it (the space's
moderators, hub.policy "resource.curate") change what the library shows. When anyone else (its
author) edits it, nothing they wrote is lost and nothing reviewed is silently replaced:

- the library, search, the API and every reader keep the approved version, its votes, "we
  tried this" records and discussion, exactly as before;
- the edit is kept as a ResourceEdit, with every field of the form, and files added, replaced
  or taken off while it waits belong to it (a new file is stored but is not the resource's);
  its editor and the space's moderators see it on the resource page, with a diff against the
  current text, and it waits in the space's review queue beside new submissions;
- the moderators decide as they do for a submission: approve (the approved text becomes the
  previous version, with the diff, and the edit's text and files become the resource's, credited
  to its editor), ask for changes (a note the editor sees; editing again sends it back) or
  decline (the edit is kept, closed, with the note, and its files stay in the history for the
  editor and the moderators, who may erase them).

Editing again while an edit waits changes that edit (the form starts from it), so there is one
at a time; editing back to the approved text (with no file changes left) withdraws it. This keeps
the resource published while the edit waits, rather than sending the whole resource back to
review: readers would otherwise lose a reviewed resource over an edit nobody had looked at yet.
"""
from __future__ import annotations

from sqlalchemy import select

from hub import policy
from hub.extensions import db, utcnow
from hub.library import fanout
from hub.library.fields import EDITED, new_version, review_decision, unchanged, validate
from hub.library.models import Resource, ResourceEdit, ResourceFile

WAITING = ("submitted", "changes_requested")


def active_edit(resource: Resource) -> ResourceEdit | None:
    """The edit still open on the resource (waiting, or back with its editor), if any."""
    return db.session.scalar(select(ResourceEdit).where(ResourceEdit.resource_id == resource.id,
                                                        ResourceEdit.status.in_(WAITING))
                             .order_by(ResourceEdit.id.desc()).limit(1))


def files_of(edit: ResourceEdit) -> list[ResourceFile]:
    """The files the edit brings (not withdrawn), oldest first."""
    return list(db.session.scalars(select(ResourceFile).where(ResourceFile.edit_id == edit.id,
                                                              ResourceFile.superseded_at.is_(None))
                                   .order_by(ResourceFile.id)))


def as_form(edit: ResourceEdit) -> dict:
    """The edit as the form's data: what a further edit starts from."""
    return {**{key: getattr(edit, key) for key in EDITED}, "tags": edit.tag_names,
            "component_ids": list(edit.component_ids or []), "adapted_from_id": edit.adapted_from_id or ""}


def fields_of(edit: ResourceEdit) -> dict:
    """The edit in the shape fields.validate returns, for applying it."""
    return {**{key: getattr(edit, key) for key in EDITED}, "tags": edit.tag_names,
            "component_ids": list(edit.component_ids or []),
            "adapted_from": db.session.get(Resource, edit.adapted_from_id) if edit.adapted_from_id else None}


def _store(edit: ResourceEdit, fields: dict) -> None:
    for key in EDITED:
        setattr(edit, key, fields[key])
    edit.tags, edit.component_ids = list(fields["tags"]), list(fields["component_ids"])
    edit.adapted_from_id = fields["adapted_from"].id if fields["adapted_from"] else None


def _open(actor, resource: Resource) -> tuple[ResourceEdit, bool]:
    """The open edit, or a new one holding the approved text; and whether it now enters the
    review queue (new, or back from its editor). Flushed, not committed."""
    edit = active_edit(resource)
    entering = edit is None or edit.status != "submitted"
    if edit is None:
        edit = ResourceEdit(resource_id=resource.id, editor_id=actor.id)
        _store(edit, {**{key: getattr(resource, key) for key in EDITED}, "tags": resource.tag_names,
                      "component_ids": resource.component_ids, "adapted_from": resource.adapted_from})
        db.session.add(edit)
    edit.status, edit.based_on_version, edit.updated_at = "submitted", resource.version, utcnow()
    db.session.flush()
    return edit, entering


def propose(actor, resource: Resource, data: dict) -> ResourceEdit | None:
    """Hold an edit for review (see the module's docstring). Returns the edit now waiting, or
    None when it came back to the approved text and was withdrawn."""
    policy.require(actor, "resource.edit", resource)
    current = active_edit(resource)
    fields = validate(actor, resource.space, {**as_form(current), **data} if current else data, resource)
    if unchanged(resource, fields) and (current is None or not (files_of(current) or current.removed_file_ids)):
        if current is not None:
            _withdraw(current)
            db.session.commit()
        return None
    edit, entering = _open(actor, resource)
    _store(edit, fields)
    db.session.commit()
    if entering:
        fanout.after_edit_submitted(actor, edit)
    return edit


def _withdraw(edit: ResourceEdit) -> None:
    """Its editor took it back: gone, or, if it brought files (now withdrawn), kept closed with them."""
    if db.session.scalar(select(ResourceFile.id).where(ResourceFile.edit_id == edit.id).limit(1)) is None:
        db.session.delete(edit)
    else:
        edit.status, edit.updated_at = "withdrawn", utcnow()


def hold_file(actor, resource: Resource) -> tuple[ResourceEdit, bool]:
    """For a file change held for review: the edit it joins (flushed, not committed), and whether
    that edit now enters the queue (then call fanout.after_edit_submitted after commit)."""
    policy.require(actor, "resource.edit", resource)
    return _open(actor, resource)


def propose_removal(actor, stored: ResourceFile) -> ResourceEdit:
    """Taking a current file off a published resource is part of the edit too."""
    resource = stored.resource
    edit, entering = hold_file(actor, resource)
    if stored.id not in (edit.removed_file_ids or []):
        edit.removed_file_ids = [*(edit.removed_file_ids or []), stored.id]
    db.session.commit()
    if entering:
        fanout.after_edit_submitted(actor, edit)
    return edit


def review(actor, edit: ResourceEdit, decision: str, note: str = "") -> ResourceEdit:
    """Approve (the edit becomes the resource's next version), ask for changes, or decline."""
    policy.require(actor, "resource_edit.review", edit)
    note = review_decision(decision, note)
    resource, now = edit.resource, utcnow()
    edit.review_note, edit.reviewed_by_id, edit.reviewed_at = note, actor.id, now
    if decision == "approve":
        _approve(edit, resource, now)
    elif decision == "request_changes":
        edit.status = "changes_requested"
    else:
        edit.status = "declined"
        for stored in files_of(edit):
            stored.superseded_at = now  # kept for the record, never the resource's; moderators may erase it
    db.session.commit()
    fanout.after_edit_review(actor, edit, decision)
    return edit


def _approve(edit: ResourceEdit, resource: Resource, now) -> None:
    fields = fields_of(edit)
    if not unchanged(resource, fields):
        new_version(resource, fields, edit.editor_id)
    for stored in files_of(edit):
        replaced = db.session.get(ResourceFile, stored.replaces_id) if stored.replaces_id else None
        if replaced is not None and replaced.superseded_at is None:
            replaced.superseded_at = now
        stored.edit_id = None
    for file_id in edit.removed_file_ids or []:
        removed = db.session.get(ResourceFile, file_id)
        if removed is not None and removed.resource_id == resource.id and removed.edit_id is None:
            removed.superseded_at = removed.superseded_at or now
    resource.updated_at = now
    edit.status = "approved"

