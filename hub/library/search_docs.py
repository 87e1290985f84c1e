"""Library resources in the search index: title, summary, body, equity metadata and the text
extracted from current attachments (the approved ones: an edit waiting for review is not in the
index). Who finds a resource mirrors hub.policy's library rules: published ones (and everything
in a team space) for the space's readers; submissions also for the space's moderators; drafts
only for their author; deleted ones leave the index."""
from __future__ import annotations

from typing import Iterator

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hub.library.models import Resource, ResourceFile, ResourceTag
from hub.search.documents import Kind, exempt_keys, id_chunks, plain_text, register, with_digest
from hub.search.queue import changed, watch


def _hidden(resource: Resource) -> str:
    """"0" every reader of the space, "1" its moderators and the author, "2" the author only."""
    team_space = resource.space.kind == "team"
    if resource.hidden_at is None and (resource.status == "published" or team_space):
        return "0"
    if resource.status != "draft" or team_space:
        return "1"
    return "2"


def resource_document(resource: Resource, files: list[ResourceFile]) -> dict | None:
    if resource.deleted_at is not None:
        return None
    extracted = " ".join(f.extracted_text for f in files
                         if f.superseded_at is None and f.edit_id is None and f.extracted_text)
    about = " ".join(part for part in (resource.summary, plain_text(resource.body), resource.population,
                                       resource.setting, resource.languages, extracted) if part)
    return with_digest({
        "key": f"resource:{resource.id}", "kind": "resource", "id": resource.id, "space": f"s{resource.space_id}",
        "space_id": resource.space_id, "hidden": _hidden(resource), "exempt": exempt_keys({resource.author_id}),
        "origin": resource.created_at, "created": resource.published_at or resource.created_at,
        "author": f"u{resource.author_id}", "tags": ",".join(resource.tag_names), "status": "",
        "title": resource.title, "body": about[:200_000], "context": resource.kind,
    })


def _resources(session, ids: list[int]) -> Iterator[tuple[str, dict | None]]:
    rows = {r.id: r for r in session.scalars(select(Resource).where(Resource.id.in_(ids))
                                              .options(selectinload(Resource.space), selectinload(Resource.tags)))}
    files: dict[int, list[ResourceFile]] = {i: [] for i in ids}
    for file in session.scalars(select(ResourceFile).where(ResourceFile.resource_id.in_(ids))):
        files[file.resource_id].append(file)
    for ident in ids:
        row = rows.get(ident)
        yield f"resource:{ident}", (resource_document(row, files[ident]) if row else None)


def _all_resources(session) -> Iterator[dict]:
    for chunk in id_chunks(session, select(Resource.id).order_by(Resource.id)):
        yield from (doc for _key, doc in _resources(session, chunk) if doc)
        session.expunge_all()


register("resource", Kind(Resource, _l("Resource"), _resources, _all_resources,
                          lambda s: s.scalar(select(func.count(Resource.id))),
                          lambda ident: url_for("library.resource", resource_id=ident),
                          lambda stmt: stmt.options(selectinload(Resource.space), selectinload(Resource.author))))

RESOURCE_FIELDS = ("space_id", "author_id", "status", "title", "summary", "body", "population", "setting",
                   "languages", "kind", "hidden_at", "deleted_at", "created_at", "published_at")


def _resource_changed(resource: Resource, change: str):
    if change == "dirty" and not changed(resource, *RESOURCE_FIELDS):
        return []
    return [f"resource:{resource.id}"]


def _file_changed(file: ResourceFile, change: str):
    if change == "dirty" and not changed(file, "extracted_text", "superseded_at", "resource_id", "edit_id"):
        return []
    return [f"resource:{file.resource_id}"]


watch(Resource, _resource_changed)
watch(ResourceFile, _file_changed)
watch(ResourceTag, lambda tag, _change: [f"resource:{tag.resource_id}"])
