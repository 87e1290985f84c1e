"""The library in the API: resources, files, versions, review, curation, collections, adoptions,
votes and components (twins of the library pages, calling the same services)."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from hub import policy
from hub.api.blueprint import bp
from hub.api.common import api_login_required, iso, json_body
from hub.extensions import db
from hub.library import adoption, curation, edits, queries, services, uploads
from hub.library.models import Adoption, Collection, Component, Resource, ResourceEdit, ResourceFile
from hub.spaces.models import Space
from hub.validation import ValidationError


def _get(model, ident: int, action: str):
    found = db.session.get(model, ident)
    policy.require(current_user, action, found)
    return found


def file_json(f: ResourceFile) -> dict:
    return {"id": f.id, "resource_id": f.resource_id, "filename": f.filename, "content_type": f.content_type,
            "type": f.type_label, "size": f.size, "sha256": f.sha256, "is_image": f.is_image,
            "replaces_id": f.replaces_id, "current": f.superseded_at is None and f.edit_id is None,
            "edit_id": f.edit_id, "created_at": iso(f.created_at), "url": f"/api/v1/files/{f.id}"}


def edit_json(p: queries.Proposal) -> dict:
    e = p.edit
    return {"id": e.id, "status": e.status, "editor": {"id": e.editor.id, "name": e.editor.name},
            "based_on_version": e.based_on_version, "title": e.title, "summary": e.summary, "body": e.body,
            "kind": e.kind, "library": e.library, "url": e.url, "tags": e.tag_names, "component_ids": e.component_ids,
            "population": e.population, "setting": e.setting, "languages": e.languages,
            "evidence_level": e.evidence_level, "review_note": e.review_note, "created_at": iso(e.created_at),
            "updated_at": iso(e.updated_at), "diff": [{"kind": k, "line": line} for k, line in p.diff],
            "changed_fields": [key for key, _now, _proposed in p.details], "files": [file_json(f) for f in p.files],
            "removed_file_ids": [f.id for f in p.removed]}


def resource_json(r: Resource, detail: bool = False) -> dict:
    data = {"id": r.id, "space_id": r.space_id, "library": r.library, "kind": r.kind, "status": r.status,
            "title": r.title, "summary": r.summary, "tags": r.tag_names, "component_ids": r.component_ids,
            "population": r.population, "setting": r.setting, "languages": r.language_list,
            "evidence_level": r.evidence_level, "url": r.url, "author": {"id": r.author.id, "name": r.author.name},
            "featured": r.featured_at is not None, "hidden": r.hidden_at is not None, "version": r.version,
            "created_at": iso(r.created_at), "updated_at": iso(r.updated_at), "published_at": iso(r.published_at)}
    if detail:
        tried, helpful = queries.counts(current_user, [r.id])
        origin = queries.visible_origin(current_user, r)
        data.update(body=r.body, body_html=r.body_html, adapted_from_id=origin.id if origin else None,
                    adaptation_ids=[a.id for a in queries.adaptations(current_user, r)],
                    files=[file_json(f) for f in queries.current_files(r)], tried=tried.get(r.id, 0),
                    helpful=helpful.get(r.id, 0), voted=queries.my_vote(current_user, r),
                    thread_id=r.thread_id if r.thread_id and _thread_visible(r.thread_id) else None,
                    review_note=r.review_note if policy.can(current_user, "resource.edit", r) else "")
        proposal = queries.open_edit(current_user, r)
        data["pending_edit"] = edit_json(proposal) if proposal else None
    return data


def _flag(data: dict, key: str) -> bool:
    value = data.pop(key)
    if not isinstance(value, bool):
        raise ValidationError({key: _("Send true or false.")})
    return value


def _thread_visible(thread_id: int) -> bool:
    from hub.forums.models import Thread
    return policy.can(current_user, "thread.view", db.session.get(Thread, thread_id))


def adoption_json(a: Adoption) -> dict:
    return {"id": a.id, "resource_id": a.resource_id, "team": {"id": a.team.id, "name": a.team.name},
            "tried_on": a.tried_on.isoformat(), "setting": a.setting, "what_changed": a.what_changed,
            "result": a.result, "adapted_url": a.adapted_url, "shared": a.shared, "created_at": iso(a.created_at)}


def collection_json(c: Collection, with_items: bool = False) -> dict:
    data = {"id": c.id, "space_id": c.space_id, "title": c.title, "description": c.description,
            "description_html": c.description_html, "featured": c.featured, "pinned": c.pinned_at is not None}
    if with_items:
        data["resource_ids"] = [r.id for r in queries.items(current_user, c)]
    return data


def _listing(space_ids):
    filters = {key: request.args.get(key, "").strip()[:100] for key in queries.FILTERS}
    sort = request.args.get("sort", "newest")
    cursor = request.args.get("cursor", "1")
    listing = queries.browse(current_user, space_ids, filters, sort if sort in queries.SORTS else "newest",
                             int(cursor) if cursor.isdigit() else 1)
    items = []
    for r in listing.resources:
        item = resource_json(r)
        item.update(tried=listing.tried.get(r.id, 0), helpful=listing.helpful.get(r.id, 0))
        items.append(item)
    return jsonify({"items": items, "next": str(listing.page + 1) if listing.has_more else None})


@bp.get("/library/resources")
@api_login_required
def library_resources():
    return _listing(None)


@bp.get("/spaces/<int:space_id>/resources")
@api_login_required
def space_resources(space_id: int):
    return _listing([_get(Space, space_id, "space.view").id])


@bp.post("/spaces/<int:space_id>/resources")
@api_login_required
def create_resource(space_id: int):
    space = db.session.get(Space, space_id)
    if request.mimetype == "multipart/form-data":
        data = request.form.to_dict()
        data["component_ids"] = request.form.getlist("component_ids")
        upload = request.files.get("file")
    else:
        data, upload = json_body(), None
    resource = services.create_resource(current_user, space, data, upload if upload and upload.filename else None)
    return jsonify(resource_json(resource, detail=True)), 201


@bp.get("/resources/<int:resource_id>")
@api_login_required
def resource_detail(resource_id: int):
    return jsonify(resource_json(_get(Resource, resource_id, "resource.view"), detail=True))


@bp.patch("/resources/<int:resource_id>")
@api_login_required
def update_resource(resource_id: int):
    resource = _get(Resource, resource_id, "resource.view")
    data = json_body()
    if "hidden" in data:
        services.set_hidden(current_user, resource, _flag(data, "hidden"))
    if "featured" in data:
        curation.set_featured(current_user, resource, _flag(data, "featured"))
    if "space_id" in data:
        value = data.pop("space_id")
        services.move(current_user, resource, db.session.get(Space, value) if isinstance(value, int) else None)
        if not policy.can(current_user, "resource.view", resource):
            return jsonify(resource_json(resource))
    if data and isinstance(services.update_resource(current_user, resource, data), ResourceEdit):
        return jsonify(resource_json(resource, detail=True)), 202  # held for review: pending_edit has it
    return jsonify(resource_json(resource, detail=True))


@bp.delete("/resources/<int:resource_id>")
@api_login_required
def delete_resource(resource_id: int):
    services.delete(current_user, _get(Resource, resource_id, "resource.view"))
    return "", 204


@bp.post("/resources/<int:resource_id>/submit")
@api_login_required
def submit_resource(resource_id: int):
    resource = _get(Resource, resource_id, "resource.view")
    data = request.get_json(silent=True)
    data = data if isinstance(data, dict) else {}
    target = db.session.get(Space, data["space_id"]) if isinstance(data.get("space_id"), int) else None
    if "space_id" in data and target is None:
        raise ValidationError({"space_id": _("Choose a space you can add resources to.")})
    return jsonify(resource_json(services.submit(current_user, resource, target), detail=True))


@bp.post("/resources/<int:resource_id>/review")
@api_login_required
def review_resource(resource_id: int):
    resource = _get(Resource, resource_id, "resource.view")
    data = json_body()
    services.review(current_user, resource, str(data.get("decision", "")), str(data.get("note", "")))
    return jsonify(resource_json(resource, detail=True))


@bp.post("/resources/<int:resource_id>/edit-review")
@api_login_required
def review_edit(resource_id: int):
    resource = _get(Resource, resource_id, "resource.view")
    edit = edits.active_edit(resource)
    policy.require(current_user, "resource_edit.review", edit)
    data = json_body()
    edits.review(current_user, edit, str(data.get("decision", "")), str(data.get("note", "")))
    return jsonify(resource_json(resource, detail=True))


@bp.get("/spaces/<int:space_id>/review-queue")
@api_login_required
def review_queue(space_id: int):
    space = _get(Space, space_id, "space.manage")
    items = [resource_json(r) | {"review": "submission"} for r in queries.review_queue(current_user, space)]
    items += [resource_json(e.resource) | {"review": "edit", "edit_id": e.id}
              for e in queries.edits_waiting(current_user, space)]
    return jsonify({"items": items, "next": None})


@bp.get("/resources/<int:resource_id>/files")
@api_login_required
def resource_files(resource_id: int):
    resource = _get(Resource, resource_id, "resource.view")
    return jsonify({"items": [file_json(f) for f in queries.all_files(current_user, resource)], "next": None})


@bp.post("/resources/<int:resource_id>/files")
@api_login_required
def upload_file(resource_id: int):
    resource = _get(Resource, resource_id, "resource.view")
    replaces_id = request.form.get("replaces_id", "")
    replaces = db.session.get(ResourceFile, int(replaces_id)) if replaces_id.isdigit() else None
    stored = services.add_file(current_user, resource, request.files.get("file"), replaces)
    return jsonify(file_json(stored)), 201


@bp.get("/files/<int:file_id>")
@api_login_required
def file_bytes(file_id: int):
    return uploads.file_response(_get(ResourceFile, file_id, "file.view"))


@bp.delete("/files/<int:file_id>")
@api_login_required
def remove_file(file_id: int):
    found = _get(ResourceFile, file_id, "file.view")
    if request.args.get("erase") == "1":
        services.purge_file(current_user, found)
    else:
        services.remove_file(current_user, found)
    return "", 204


@bp.get("/resources/<int:resource_id>/versions")
@api_login_required
def resource_versions(resource_id: int):
    resource = _get(Resource, resource_id, "resource.view")
    versions = queries.history(current_user, resource)
    return jsonify({"items": [{"number": v["number"], "title": v["title"], "body": v["body"],
                               "editor": {"id": v["editor"].id, "name": v["editor"].name}, "at": iso(v["at"]),
                               "diff": [{"kind": k, "line": line} for k, line in v["diff"]]} for v in versions],
                    "next": None})


@bp.get("/resources/<int:resource_id>/votes")
@api_login_required
def resource_votes(resource_id: int):
    resource = _get(Resource, resource_id, "resource.view")
    people = queries.voters(current_user, resource)
    return jsonify({"items": [{"id": p.id, "name": p.name} for p in people], "next": None,
                    "mine": queries.my_vote(current_user, resource)})


@bp.post("/resources/<int:resource_id>/votes")
@api_login_required
def toggle_vote(resource_id: int):
    on = adoption.toggle_vote(current_user, _get(Resource, resource_id, "resource.view"))
    return jsonify({"on": on})


@bp.get("/resources/<int:resource_id>/adoptions")
@api_login_required
def resource_adoptions(resource_id: int):
    resource = _get(Resource, resource_id, "resource.view")
    return jsonify({"items": [adoption_json(a) for a in queries.adoptions(current_user, resource)], "next": None})


@bp.post("/resources/<int:resource_id>/adoptions")
@api_login_required
def record_adoption(resource_id: int):
    made = adoption.record(current_user, _get(Resource, resource_id, "resource.view"), json_body())
    return jsonify(adoption_json(made)), 201


@bp.delete("/adoptions/<int:adoption_id>")
@api_login_required
def remove_adoption(adoption_id: int):
    adoption.remove(current_user, _get(Adoption, adoption_id, "adoption.view"))
    return "", 204


@bp.post("/resources/<int:resource_id>/discussion")
@api_login_required
def resource_discussion(resource_id: int):
    thread = adoption.discussion(current_user, _get(Resource, resource_id, "resource.view"))
    return jsonify({"thread_id": thread.id}), 200


@bp.get("/spaces/<int:space_id>/collections")
@api_login_required
def space_collections(space_id: int):
    space = _get(Space, space_id, "space.view")
    return jsonify({"items": [collection_json(c) for c in queries.collections_of(current_user, space)], "next": None})


@bp.post("/spaces/<int:space_id>/collections")
@api_login_required
def create_collection(space_id: int):
    made = curation.create_collection(current_user, db.session.get(Space, space_id), json_body())
    return jsonify(collection_json(made, with_items=True)), 201


@bp.get("/collections/<int:collection_id>")
@api_login_required
def collection_detail(collection_id: int):
    return jsonify(collection_json(_get(Collection, collection_id, "collection.view"), with_items=True))


@bp.patch("/collections/<int:collection_id>")
@api_login_required
def update_collection(collection_id: int):
    found = _get(Collection, collection_id, "collection.view")
    data = json_body()
    if "pinned" in data:
        curation.set_pinned(current_user, found, _flag(data, "pinned"))
    if data:
        curation.update_collection(current_user, found, data)
    return jsonify(collection_json(found, with_items=True))


@bp.post("/collections/<int:collection_id>/items")
@api_login_required
def add_collection_item(collection_id: int):
    found = _get(Collection, collection_id, "collection.view")
    data = json_body()
    resource = db.session.get(Resource, data["resource_id"]) if isinstance(data.get("resource_id"), int) else None
    curation.add_item(current_user, found, resource)
    return jsonify(collection_json(found, with_items=True)), 201


@bp.post("/collections/<int:collection_id>/items/<int:resource_id>/move")
@api_login_required
def move_collection_item(collection_id: int, resource_id: int):
    found = _get(Collection, collection_id, "collection.view")
    offset = json_body().get("offset")
    if offset not in (-1, 1):
        raise ValidationError({"offset": _("Send -1 to move it up or 1 to move it down.")})
    curation.move_item(current_user, found, resource_id, offset)
    return jsonify(collection_json(found, with_items=True))


@bp.delete("/collections/<int:collection_id>/items/<int:resource_id>")
@api_login_required
def remove_collection_item(collection_id: int, resource_id: int):
    curation.remove_item(current_user, _get(Collection, collection_id, "collection.view"), resource_id)
    return "", 204


@bp.get("/library/components")
@api_login_required
def list_components():
    return jsonify({"items": [{"id": c.id, "name": c.name, "position": c.position} for c in curation.components()],
                    "next": None})


@bp.post("/library/components")
@api_login_required
def create_component():
    made = curation.save_component(current_user, json_body())
    return jsonify({"id": made.id, "name": made.name, "position": made.position}), 201


@bp.patch("/library/components/<int:component_id>")
@api_login_required
def rename_component(component_id: int):
    policy.require(current_user, "component.manage")
    found = db.session.get(Component, component_id)
    if found is None:
        from werkzeug.exceptions import NotFound
        raise NotFound()
    made = curation.save_component(current_user, json_body(), found)
    return jsonify({"id": made.id, "name": made.name, "position": made.position})
