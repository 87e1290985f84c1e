"""What the library's writes share: a resource's fields checked from a form or JSON, the text
kept as a version before an edit, a reviewer's decision, and whether an edit waits for review.

A floor under hub.library.services, .edits, .files, .adoption and .curation, so that a new
resource, a direct edit and an edit held for review are validated and written the same way. It
writes to the session but never commits, and tells nobody anything."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select

from hub import content, policy
from hub.extensions import db, utcnow
from hub.forums.services import parse_tags
from hub.library.models import (EVIDENCE_LEVELS, KINDS, LIBRARIES, Component, Resource, ResourceComponent,
                                ResourceTag, ResourceVersion)
from hub.spaces.models import Space
from hub.validation import ValidationError, require_text

MAX_TAGS, MAX_SUMMARY = 8, 1000
# The plain fields an edit changes (besides tags, components and "adapted from").
EDITED = ("title", "summary", "body", "kind", "url", "population", "setting", "languages", "evidence_level", "library")


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


def validate(actor, space: Space, data: dict, current: Resource | None) -> dict:
    """The resource's fields from `data`, each missing one kept from `current` (None for a new
    resource). Raises ValidationError with a message per field."""
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


def apply_fields(resource: Resource, fields: dict) -> None:
    """Write validated fields (validate) to the resource, rendering its body (not committed)."""
    for key in EDITED:
        setattr(resource, key, fields[key])
    resource.body_html = str(content.render(fields["body"])) if fields["body"] else ""
    resource.adapted_from_id = fields["adapted_from"].id if fields["adapted_from"] else None
    resource.tags = [ResourceTag(tag=t) for t in fields["tags"]]
    resource.component_links = [ResourceComponent(component_id=c) for c in fields["component_ids"]]


def unchanged(resource: Resource, fields: dict) -> bool:
    """Whether validated fields (validate) would leave the resource as it is."""
    return all(getattr(resource, key) == fields[key] for key in EDITED) and fields["tags"] == resource.tag_names and \
        fields["component_ids"] == resource.component_ids and \
        (fields["adapted_from"].id if fields["adapted_from"] else None) == resource.adapted_from_id


def new_version(resource: Resource, fields: dict, editor_id: int) -> None:
    """Keep the text it has as a version, then write the fields as the next one (not committed)."""
    db.session.add(ResourceVersion(resource_id=resource.id, number=resource.version, title=resource.title,
                                   summary=resource.summary, body=resource.body,
                                   editor_id=resource.edited_by_id or resource.author_id,
                                   created_at=resource.updated_at))
    apply_fields(resource, fields)
    resource.version += 1
    resource.edited_by_id, resource.updated_at = editor_id, utcnow()


def review_decision(decision: str, note: str) -> str:
    """The reviewer's note, checked with the decision (a note is needed to ask for changes)."""
    errors: dict[str, str] = {}
    if decision not in ("approve", "request_changes", "decline"):
        errors["decision"] = _("Choose approve, request changes or decline.")
    note = require_text(errors, "note", note, _("Note to the author"), 2000, required=decision == "request_changes")
    if errors:
        raise ValidationError(errors)
    return note


def edit_is_held(actor, resource: Resource) -> bool:
    """Whether this person's edits to the resource wait for review (hub.library.edits): published
    text is changed directly only by those who may curate it, the space's facilitators."""
    return resource.status == "published" and not policy.can(actor, "resource.curate", resource)
