"""Every write to resources and their files. Each takes the acting person, asks the policy,
validates per field, commits, and only then tells people (one "after commit" block per write,
where search indexing will be added).

Two libraries share one model: a space's moderators publish to the tool library directly;
everyone else's submission goes to the idea library's review queue first."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from hub import content, policy, realtime
from hub.extensions import db, utcnow
from hub.forums.services import parse_tags
from hub.library.files import commit_or_unstore, stage_file, add_file, purge_file, remove_file  # noqa: F401
from hub.library.models import (EVIDENCE_LEVELS, KINDS, LIBRARIES, Component, Resource, ResourceComponent,
                                ResourceFile, ResourceTag, ResourceVersion)
from hub.notify import services as notify
from hub.spaces.models import Space
from hub.validation import ValidationError, require_text

MAX_TAGS, MAX_SUMMARY = 8, 1000
TEXT_FIELDS = ("title", "summary", "body")
# The plain fields an edit changes (besides tags, components and "adapted from").
EDITED = ("title", "summary", "body", "kind", "url", "population", "setting", "languages", "evidence_level", "library")


def _text(message: str, **values):
    return lambda: _(message, **values)


def text_of(value) -> str:
    """JSON may send anything: numbers become text, lists and objects nothing (then "required")."""
    if value is None or isinstance(value, (dict, list, tuple, bool)):
        return ""
    return str(value)


def valid_url(errors: dict, name: str, value, required: bool = False) -> str:
    value = text_of(value).strip()
    if not value:
        if required:
            errors[name] = _("Add the link (an http or https address).")
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(value) > 500:
        errors[name] = _("Use a full http or https address, like https://example.org/guide.")
    return value


def _ids(value) -> list[int]:
    raw = value if isinstance(value, (list, tuple)) else str(value or "").split(",")
    return sorted({int(v) for v in raw if str(v).strip().isdigit()})


def _validate(actor, space: Space, data: dict, current: Resource | None) -> dict:
    errors: dict[str, str] = {}
    get = lambda key, default="": text_of(data.get(key, getattr(current, key, default) if current else default))  # noqa: E731
    fields = {
        "title": require_text(errors, "title", get("title"), _("Title"), 200),
        "summary": require_text(errors, "summary", get("summary"), _("Summary"), MAX_SUMMARY),
        "body": require_text(errors, "body", get("body"), _("Description"), content.MAX_SOURCE_CHARS, required=False),
        "population": require_text(errors, "population", get("population"), _("Population focus"), 200, False),
        "setting": require_text(errors, "setting", get("setting"), _("Care setting"), 200, False),
        "languages": require_text(errors, "languages", get("languages"), _("Languages"), 200, False),
    }
    kind = get("kind", "tool") or "tool"
    if kind not in KINDS:
        errors["kind"] = _("Choose what kind of resource this is.")
    fields["kind"] = kind
    fields["url"] = valid_url(errors, "url", get("url"), required=kind == "link")
    evidence = get("evidence_level") or ""
    if evidence not in EVIDENCE_LEVELS:
        errors["evidence_level"] = _("Choose an evidence level from the list.")
    fields["evidence_level"] = evidence
    tags = parse_tags(data["tags"]) if "tags" in data else (current.tag_names if current else [])
    if len(tags) > MAX_TAGS:
        errors["tags"] = _("Use at most %(n)d tags.", n=MAX_TAGS)
    fields["tags"] = tags
    wanted = _ids(data["component_ids"]) if "component_ids" in data else (current.component_ids if current else [])
    known = set(db.session.scalars(select(Component.id).where(Component.id.in_(wanted)))) if wanted else set()
    if set(wanted) - known:
        errors["component_ids"] = _("Choose framework components from the list.")
    fields["component_ids"] = wanted
    fields["adapted_from"] = _adapted_from(actor, data, current, errors)
    library = data.get("library") or (current.library if current else "tool")
    if library not in LIBRARIES:
        errors["library"] = _("Choose the tool library or the idea library.")
    # Only a space's moderators publish to the tool library; everyone else adds ideas.
    fields["library"] = library if policy.can(actor, "space.manage", space) else "idea"
    if errors:
        raise ValidationError(errors)
    return fields


def _adapted_from(actor, data: dict, current: Resource | None, errors: dict) -> Resource | None:
    if "adapted_from_id" not in data:
        return current.adapted_from if current else None
    value = str(data.get("adapted_from_id") or "").strip()
    kept = current.adapted_from if current is not None else None
    if kept is not None and (value == str(kept.id) or (not value and not policy.can(actor, "resource.view", kept))):
        return kept  # unchanged, or an origin this editor cannot see (their form could not show it)
    if not value:
        return None
    found = db.session.get(Resource, int(value)) if value.isdigit() else None
    # Missing and unseen look the same: the message never says which.
    if found is None or not policy.can(actor, "resource.view", found) or found.status != "published" or \
            (current is not None and found.id == current.id):
        errors["adapted_from_id"] = _("Choose a published resource you can see (its number is in its address).")
        return None
    return found


def _apply(resource: Resource, fields: dict) -> None:
    for key in EDITED:
        setattr(resource, key, fields[key])
    resource.body_html = str(content.render(fields["body"])) if fields["body"] else ""
    resource.adapted_from_id = fields["adapted_from"].id if fields["adapted_from"] else None
    resource.tags = [ResourceTag(tag=t) for t in fields["tags"]]
    resource.component_links = [ResourceComponent(component_id=c) for c in fields["component_ids"]]


def create_resource(actor, space: Space, data: dict, upload=None) -> Resource:
    """`data["action"]`: "draft" keeps it to the author (and the team, in a team space);
    otherwise moderators publish and everyone else submits for review."""
    policy.require(actor, "space.post", space)
    fields = _validate(actor, space, data, None)
    now = utcnow()
    resource = Resource(space_id=space.id, author_id=actor.id, edited_by_id=actor.id, created_at=now, updated_at=now)
    _apply(resource, fields)
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
    # after commit
    if resource.status == "submitted":
        _submitted(actor, resource)
    return resource


def _submitted(actor, resource: Resource) -> None:
    _tell_author(resource, "library_submitted", _text("“%(title)s” is waiting for a facilitator's review.",
                                                      title=resource.title))
    notify.notify(_reviewers(resource) - {actor.id}, "library_review_requested",
                  _text("%(name)s submitted “%(title)s” for review", name=actor.name, title=resource.title),
                  url_for("library.resource", resource_id=resource.id), resource.space, requires="resource.review",
                  subject=resource)


def _reviewers(resource: Resource, may=None) -> set[int]:
    """The space's own facilitators; where it has none, the site's facilitators (never in an
    affinity space). Each must be able to review it now (`may(person)`, else "resource.review")."""
    from hub.people.models import User
    from hub.spaces.models import SpaceMembership
    candidates = list(db.session.scalars(select(User).join(SpaceMembership, SpaceMembership.user_id == User.id)
                                         .where(SpaceMembership.space_id == resource.space_id,
                                                SpaceMembership.role == "facilitator")))
    if not candidates and resource.space.kind != "affinity":
        candidates = list(db.session.scalars(select(User).where(User.site_role == "facilitator")))
    may = may or (lambda person: policy.can(person, "resource.review", resource))
    return {u.id for u in candidates if may(u)}


def edit_is_held(actor, resource: Resource) -> bool:
    """Whether this person's edits to the resource wait for review (hub.library.edits): published
    text is changed directly only by those who may curate it, the space's facilitators."""
    return resource.status == "published" and not policy.can(actor, "resource.curate", resource)


def update_resource(actor, resource: Resource, data: dict):
    """Keep the text it had as a version, then change it, and return the resource. When the edit
    is held for review (edit_is_held), the resource stays as it is and the ResourceEdit now
    waiting is returned instead (or the resource, when the edit came back to the approved text)."""
    policy.require(actor, "resource.edit", resource)
    if edit_is_held(actor, resource):
        from hub.library import edits
        return edits.propose(actor, resource, data) or resource
    fields = _validate(actor, resource.space, data, resource)
    if unchanged(resource, fields):
        return resource
    new_version(resource, fields, actor.id)
    db.session.commit()
    # after commit
    return resource


def unchanged(resource: Resource, fields: dict) -> bool:
    """Whether validated fields (_validate) would leave the resource as it is."""
    return all(getattr(resource, key) == fields[key] for key in EDITED) and fields["tags"] == resource.tag_names and \
        fields["component_ids"] == resource.component_ids and \
        (fields["adapted_from"].id if fields["adapted_from"] else None) == resource.adapted_from_id


def new_version(resource: Resource, fields: dict, editor_id: int) -> None:
    """Keep the text it has as a version, then write the fields as the next one (not committed)."""
    db.session.add(ResourceVersion(resource_id=resource.id, number=resource.version, title=resource.title,
                                   summary=resource.summary, body=resource.body,
                                   editor_id=resource.edited_by_id or resource.author_id,
                                   created_at=resource.updated_at))
    _apply(resource, fields)
    resource.version += 1
    resource.edited_by_id, resource.updated_at = editor_id, utcnow()


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
    # after commit
    if readers_before is not None:
        _withdrawn(resource, readers_before)
    if resource.status == "submitted":
        _submitted(actor, resource)
    return resource


def review_decision(decision: str, note: str) -> str:
    """The reviewer's note, checked with the decision (a note is needed to ask for changes)."""
    errors: dict[str, str] = {}
    if decision not in ("approve", "request_changes", "decline"):
        errors["decision"] = _("Choose approve, request changes or decline.")
    note = require_text(errors, "note", note, _("Note to the author"), 2000, required=decision == "request_changes")
    if errors:
        raise ValidationError(errors)
    return note


def review(actor, resource: Resource, decision: str, note: str = "") -> Resource:
    policy.require(actor, "resource.review", resource)
    note = review_decision(decision, note)
    resource.review_note, resource.reviewed_by_id = note, actor.id
    if decision == "approve":
        resource.status, resource.published_at = "published", utcnow()
    else:
        resource.status = "changes_requested" if decision == "request_changes" else "declined"
    db.session.commit()
    # after commit
    if decision == "approve":
        text = _text("“%(title)s” was approved and is now in the library.", title=resource.title)
    elif decision == "request_changes":
        text = _text("A facilitator asked for changes to “%(title)s”.", title=resource.title)
    else:
        text = _text("“%(title)s” was declined.", title=resource.title)
    _tell_author(resource, "library_review", text)
    return resource


def _tell_author(resource: Resource, kind: str, text) -> None:
    notify.notify([resource.author_id], kind, text, url_for("library.resource", resource_id=resource.id),
                  resource.space, requires="resource.view", subject=resource)


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
    from hub.library.files import check_quota
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
    # after commit
    _withdrawn(resource, readers_before)
    if reviewed_again:
        _submitted(actor, resource)
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


def _withdrawn(resource: Resource, readers_before: set[int]) -> None:
    lost = readers_before - policy.audience(resource)
    realtime.emit_to_users(lost, "library_changed", {"resource_id": resource.id})


def set_hidden(actor, resource: Resource, hidden: bool) -> Resource:
    policy.require(actor, "resource.curate" if hidden else "resource.view", resource)
    if not hidden:
        policy.require(actor, "space.manage", resource.space)
    readers_before = policy.audience(resource)
    resource.hidden_at = utcnow() if hidden else None
    _discussion_follows(resource, resource.hidden_at)
    db.session.commit()
    # after commit
    _withdrawn(resource, readers_before)
    return resource


def delete(actor, resource: Resource) -> None:
    """Withdrawn for everyone (the row and files stay, for the record and the quota)."""
    policy.require(actor, "resource.delete", resource)
    readers_before = policy.audience(resource)
    resource.deleted_at = utcnow()
    _discussion_follows(resource, resource.deleted_at)
    db.session.commit()
    # after commit
    _withdrawn(resource, readers_before)
