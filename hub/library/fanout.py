"""After a library write is committed: who hears about it.

- A submission (new, resubmitted, or moved where its new home reviews it) tells its author it
  waits, and asks its reviewers (policy.reviewer_audience) to review it; a decision tells the author.
- An edit held for review does the same for its editor and its reviewers when it enters the
  queue; a decision on it tells its editor.
- A shared "we tried this" record tells the resource's author (a team-only one stays with the team).
- Whoever can no longer read a resource after it was hidden, deleted or moved has their open
  library pages told to let go of it (realtime "library_changed").

Notifications name what they are about (`subject`) and the action it needs, so hub.notify asks
the policy again at every later use: nobody reads a note about something they lost."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from hub import policy, realtime
from hub.library.models import Adoption, Resource, ResourceEdit
from hub.notify import services as notify
from hub.notify import subjects

# What library notes are about: a resource, and a proposed edit ("please review this edit" lasts
# while the edit waits). Both follow the resource's space now, as a moved thread's notes do.
subjects.register(subjects.Subject("resource", Resource, space_of=lambda r: r.space))
subjects.register(subjects.Subject("resource_edit", ResourceEdit, space_of=lambda e: e.resource.space))


def _text(message: str, **values):
    """Worded per recipient, in their language (notify calls this inside their locale)."""
    return lambda: _(message, **values)


def _link(resource: Resource) -> str:
    return url_for("library.resource", resource_id=resource.id)


def _tell_author(resource: Resource, kind: str, text) -> None:
    notify.notify([resource.author_id], kind, text, _link(resource), resource.space, requires="resource.view",
                  subject=resource)


def _tell_editor(editor_id: int, resource: Resource, kind: str, text) -> None:
    notify.notify([editor_id], kind, text, _link(resource) + "#proposed-edit", resource.space,
                  requires="resource.view", subject=resource)


def _submitted(actor, resource: Resource) -> None:
    _tell_author(resource, "library_submitted", _text("“%(title)s” is waiting for a facilitator's review.",
                                                      title=resource.title))
    notify.notify(policy.reviewer_audience(resource) - {actor.id}, "library_review_requested",
                  _text("%(name)s submitted “%(title)s” for review", name=actor.name, title=resource.title),
                  _link(resource), resource.space, requires="resource.review", subject=resource)


def _withdrawn(resource: Resource, readers_before: set[int]) -> None:
    lost = readers_before - policy.audience(resource)
    realtime.emit_to_users(lost, "library_changed", {"resource_id": resource.id})


def after_create(actor, resource: Resource) -> None:
    """Drafts and resources published at once tell nobody; a submission asks for review."""
    if resource.status == "submitted":
        _submitted(actor, resource)


def after_submit(actor, resource: Resource, readers_before: set[int] | None) -> None:
    """`readers_before`: the audience before it moved into another space, if it did."""
    if readers_before is not None:
        _withdrawn(resource, readers_before)
    if resource.status == "submitted":
        _submitted(actor, resource)


def after_review(actor, resource: Resource, decision: str) -> None:
    if decision == "approve":
        text = _text("“%(title)s” was approved and is now in the library.", title=resource.title)
    elif decision == "request_changes":
        text = _text("A facilitator asked for changes to “%(title)s”.", title=resource.title)
    else:
        text = _text("“%(title)s” was declined.", title=resource.title)
    _tell_author(resource, "library_review", text)


def after_move(actor, resource: Resource, readers_before: set[int], reviewed_again: bool) -> None:
    """`reviewed_again`: it was published and now waits in its new home's review queue."""
    _withdrawn(resource, readers_before)
    if reviewed_again:
        _submitted(actor, resource)


def after_withdraw(resource: Resource, readers_before: set[int]) -> None:
    """Hidden, shown again or deleted: only the pages of those who lost it hear of it."""
    _withdrawn(resource, readers_before)


def after_edit_submitted(actor, edit: ResourceEdit) -> None:
    """An edit entered the review queue (new, or back from its editor): the editor hears it
    waits, and its reviewers that it does (their note lasts as long as the edit waits)."""
    resource = edit.resource
    _tell_editor(actor.id, resource, "library_edit_submitted",
                 _text("Your edit to “%(title)s” is waiting for a facilitator's review. Until then the library "
                       "shows the approved version.", title=resource.title))
    notify.notify(policy.reviewer_audience(edit) - {actor.id}, "library_edit_review_requested",
                  _text("%(name)s proposed an edit to “%(title)s” for review", name=actor.name, title=resource.title),
                  _link(resource) + "#proposed-edit", resource.space, requires="resource_edit.review", subject=edit)


def after_edit_review(actor, edit: ResourceEdit, decision: str) -> None:
    resource = edit.resource
    if decision == "approve":
        text = _text("Your edit to “%(title)s” was approved and is now in the library.", title=resource.title)
    elif decision == "request_changes":
        text = _text("A facilitator asked for changes to your edit of “%(title)s”.", title=resource.title)
    else:
        text = _text("Your edit to “%(title)s” was declined. The library keeps the approved version.",
                     title=resource.title)
    _tell_editor(edit.editor_id, resource, "library_edit_review", text)


def after_adoption(actor, adoption: Adoption) -> None:
    resource = adoption.resource
    if adoption.shared and resource.author_id != actor.id:
        notify.notify([resource.author_id], "library_adopted",
                      _text("%(team)s tried “%(title)s”", team=adoption.team.name, title=resource.title),
                      _link(resource) + "#tried", resource.space, requires="resource.view", subject=resource)
