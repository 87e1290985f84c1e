"""Every write to a resource: create, edit, submit, review, move, hide, delete (its files are
hub.library.files, edits held for review hub.library.edits). Each takes the acting person, asks
the policy, validates per field (hub.library.fields), commits once, and only then hands over to
hub.library.fanout, which tells people.

Two libraries share one model: a space's moderators publish to the tool library directly;
everyone else's submission goes to the idea library's review queue first.

Listeners that write as a side effect: every change to a resource, its tags or files queues its
search document (hub.search_queue's after-flush listener, fed by hub.library.search_docs); hiding
or deleting a resource hides its discussion thread too, which moves that thread's page version
(hub.forums.thread_pages' after-flush listener). Moving a resource moves its discussion through
hub.forums.moderation, which tells the forum's readers itself."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from hub import policy
from hub.extensions import db, utcnow
from hub.library import edits, fanout
from hub.library.fields import apply_fields, edit_is_held, new_version, review_decision, unchanged, validate
from hub.library.files import check_quota, commit_or_unstore, stage_file
# The file writes are part of this module's public face (views, the API and tests call them here).
from hub.library.files import add_file, purge_file, remove_file  # noqa: F401
from hub.library.models import Resource, ResourceFile, ResourceVersion
from hub.spaces.models import Space
from hub.validation import ValidationError


def create_resource(actor, space: Space, data: dict, upload=None) -> Resource:
    """`data["action"]`: "draft" keeps it to the author (and the team, in a team space);
    otherwise moderators publish and everyone else submits for review."""
    policy.require(actor, "space.post", space)
    fields = validate(actor, space, data, None)
    now = utcnow()
    resource = Resource(space_id=space.id, author_id=actor.id, edited_by_id=actor.id, created_at=now, updated_at=now)
    apply_fields(resource, fields)
    if data.get("action") == "draft":
        resource.status = "draft"
    elif policy.can(actor, "space.manage", space):
        resource.status, resource.published_at = "published", now
    else:
        resource.status = "submitted"
    db.session.add(resource)
    db.session.flush()
    try:
        stored = stage_file(actor, resource, upload, None) if upload is not None else None
    except ValidationError:
        db.session.rollback()
        raise
    commit_or_unstore(stored)
    fanout.after_create(actor, resource)
    return resource


def update_resource(actor, resource: Resource, data: dict):
    """Keep the text it had as a version, then change it, and return the resource. When the edit
    is held for review (edit_is_held), the resource stays as it is and the ResourceEdit now
    waiting is returned instead (or the resource, when the edit came back to the approved text)."""
    policy.require(actor, "resource.edit", resource)
    if edit_is_held(actor, resource):
        return edits.propose(actor, resource, data) or resource
    fields = validate(actor, resource.space, data, resource)
    if unchanged(resource, fields):
        return resource
    new_version(resource, fields, actor.id)
    db.session.commit()
    return resource


def submit(actor, resource: Resource, target: Space | None = None) -> Resource:
    """Send a draft (or a returned submission) for review, optionally into another space: a team
    drafts in its own space and submits to its cohort's or the community's library."""
    policy.require(actor, "resource.submit", resource)
    if target is not None and target.id != resource.space_id:
        _check_move_target(actor, resource, target)
        readers_before = policy.audience(resource)
        _leave_history_behind(resource)
        resource.space_id = target.id
    else:
        readers_before = None
    if policy.can(actor, "space.manage", target or resource.space):
        resource.status, resource.published_at = "published", utcnow()
    else:
        resource.status = "submitted"
    db.session.commit()
    db.session.refresh(resource)
    fanout.after_submit(actor, resource, readers_before)
    return resource


def review(actor, resource: Resource, decision: str, note: str = "") -> Resource:
    policy.require(actor, "resource.review", resource)
    note = review_decision(decision, note)
    resource.review_note, resource.reviewed_by_id = note, actor.id
    if decision == "approve":
        resource.status, resource.published_at = "published", utcnow()
    else:
        resource.status = "changes_requested" if decision == "request_changes" else "declined"
    db.session.commit()
    fanout.after_review(actor, resource, decision)
    return resource


def _check_move_target(actor, resource: Resource, target: Space) -> None:
    if target is None or not policy.can(actor, "space.post", target):
        raise ValidationError({"space_id": _("Choose a space you can add resources to.")})
    if target.id == resource.space_id:
        return
    if resource.space.kind == "affinity":
        # Its votes, discussion and history were written inside the group; moving would carry
        # members' names and words out with it.
        raise ValidationError({"space_id": _("A resource stays in its affinity space. To share the idea "
                                             "elsewhere, add it there as a new resource.")})
    # Earlier files stay behind (_leave_history_behind), and count where they stay.
    size = db.session.scalar(select(func.coalesce(func.sum(ResourceFile.size), 0))
                             .where(ResourceFile.resource_id == resource.id, ResourceFile.superseded_at.is_(None),
                                    ResourceFile.left_in_space_id.is_(None))) or 0
    check_quota(target.id, size, "space_id")


def move(actor, resource: Resource, target: Space | None) -> Resource:
    """Into another home space. Everyone who cannot read it there loses it, its files, its
    adoptions and its notifications at once (they all ask the policy about the resource)."""
    policy.require(actor, "resource.move", resource)
    _check_move_target(actor, resource, target)
    if target.id == resource.space_id:
        return resource
    thread, category = _discussion_to_move(actor, resource, target)
    readers_before = policy.audience(resource)
    _leave_history_behind(resource)
    resource.space_id = target.id
    reviewed_again = resource.status == "published" and not policy.can(actor, "space.manage", target)
    if reviewed_again:
        # Only the new home's moderators publish there: it waits in their review queue.
        resource.status, resource.published_at = "submitted", None
    db.session.commit()
    db.session.refresh(resource)
    if thread is not None:
        from hub.forums import moderation
        moderation.move_thread(actor, thread, category)
    fanout.after_move(actor, resource, readers_before, reviewed_again)
    return resource


def _leave_history_behind(resource: Resource) -> None:
    """Call before the resource leaves its space (not committed). Its earlier versions and the
    files it no longer uses were written for this space's readers: a team's first drafts, and the
    names of who wrote them, stay the team's (hub.policy.library), and the new home's readers
    start from the text and files as they arrive."""
    db.session.execute(update(ResourceVersion).where(ResourceVersion.resource_id == resource.id,
                                                     ResourceVersion.left_in_space_id.is_(None))
                       .values(left_in_space_id=resource.space_id))
    db.session.execute(update(ResourceFile).where(ResourceFile.resource_id == resource.id,
                                                  ResourceFile.superseded_at.is_not(None),
                                                  ResourceFile.left_in_space_id.is_(None))
                       .values(left_in_space_id=resource.space_id))


def _discussion_to_move(actor, resource: Resource, target: Space):
    """The resource's discussion moves with it, or a wider audience would keep reading about it."""
    from hub.forums.categories import categories_of
    from hub.forums.models import Thread
    thread = db.session.get(Thread, resource.thread_id) if resource.thread_id else None
    if thread is None or thread.space_id == target.id:
        return None, None
    category = categories_of(target)[0]
    if not policy.can(actor, "thread.move_into", policy.Destination(thread, category)):
        raise ValidationError({"space_id": _("Only someone who moderates both spaces can move a resource "
                                             "with a discussion.")})
    return thread, category


def _discussion_follows(resource: Resource, hidden_at) -> None:
    """A hidden or deleted resource's discussion is hidden with it (its moderators still see it)."""
    from hub.forums.models import Thread
    thread = db.session.get(Thread, resource.thread_id) if resource.thread_id else None
    if thread is not None:
        thread.hidden_at = hidden_at


def set_hidden(actor, resource: Resource, hidden: bool) -> Resource:
    policy.require(actor, "resource.curate" if hidden else "resource.view", resource)
    if not hidden:
        policy.require(actor, "space.manage", resource.space)
    readers_before = policy.audience(resource)
    resource.hidden_at = utcnow() if hidden else None
    _discussion_follows(resource, resource.hidden_at)
    db.session.commit()
    fanout.after_withdraw(resource, readers_before)
    return resource


def delete(actor, resource: Resource) -> None:
    """Withdrawn for everyone (the row and files stay, for the record and the quota)."""
    policy.require(actor, "resource.delete", resource)
    readers_before = policy.audience(resource)
    resource.deleted_at = utcnow()
    _discussion_follows(resource, resource.deleted_at)
    db.session.commit()
    fanout.after_withdraw(resource, readers_before)
