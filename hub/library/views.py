"""Library pages: browse (community-wide and per space), a resource, writing, files, review,
"we tried this", votes and the discussion. Permission questions are the policy's."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from hub import policy
from hub.extensions import db
from hub.library.blueprint import bp, get_resource
from hub.library import adoption, curation, edits, fields, queries, services, uploads
from hub.library.models import EVIDENCE_LEVELS, KINDS, Adoption, Collection, Resource, ResourceFile
from hub.spaces.models import Space
from hub.spaces.queries import space_by_slug
from hub.validation import ValidationError

def _browse_args() -> tuple[dict, str, int]:
    filters = {key: request.args.get(key, "").strip()[:100] for key in queries.FILTERS}
    sort = request.args.get("sort", "newest")
    return filters, sort if sort in queries.SORTS else "newest", max(1, request.args.get("page", 1, type=int))


def _choices() -> dict:
    return {"kinds": KINDS, "evidence_levels": EVIDENCE_LEVELS, "components": curation.components()}


@bp.get("/library")
@login_required
def index():
    filters, sort, page = _browse_args()
    return render_template("library/index.html", listing=queries.browse(current_user, None, filters, sort, page),
                           filters=filters, sort=sort, mine=queries.mine_in_progress(current_user),
                           spaces=queries.postable_spaces(current_user), **_choices())


@bp.get("/spaces/<slug>/library")
@login_required
def space(slug: str):
    found = space_by_slug(slug)
    policy.require(current_user, "space.view", found)
    filters, sort, page = _browse_args()
    manage = policy.can(current_user, "space.manage", found)
    return render_template("library/space.html", space=found, filters=filters, sort=sort,
                           listing=queries.browse(current_user, [found.id], filters, sort, page),
                           featured=queries.featured(current_user, found),
                           collections=queries.collections_of(current_user, found),
                           in_progress=queries.mine_in_progress(current_user, found),
                           queue=queries.queue_size(current_user, found) if manage else 0, **_choices())


def _form_data() -> dict:
    data = request.form.to_dict()
    data["component_ids"] = request.form.getlist("component_ids")
    data["tags"] = request.form.get("tags", "")
    return data


def _upload():
    upload = request.files.get("file")
    return upload if upload is not None and upload.filename else None


@bp.route("/spaces/<slug>/library/new", methods=["GET", "POST"])
@login_required
def new(slug: str):
    found = space_by_slug(slug)
    policy.require(current_user, "space.post", found)
    form, errors = {"kind": request.args.get("kind", "tool"), "adapted_from_id": request.args.get("adapt", "")}, {}
    if request.method == "POST":
        form = _form_data()
        try:
            resource = services.create_resource(current_user, found, form, _upload())
        except ValidationError as err:
            errors = err.fields
        else:
            return redirect(url_for("library.resource", resource_id=resource.id))
    return render_template("library/form.html", space=found, resource=None, form=form, errors=errors,
                           manage=policy.can(current_user, "space.manage", found), **_choices()), \
        422 if errors else 200


@bp.get("/resources/<int:resource_id>")
@login_required
def resource(resource_id: int):
    return _resource_page(get_resource(resource_id), {})


def _resource_page(found: Resource, errors: dict, status: int = 200):
    rules = policy.resource_asker_rules(policy.Asker(current_user), found)
    tried, helpful = queries.counts(current_user, [found.id])
    curatable = [c for c in db.session.scalars(policy.scope(select(Collection), current_user)
                                               .order_by(Collection.title))
                 if policy.can(current_user, "collection.curate", c)] if rules["resource.curate"] else []
    return render_template(
        "library/resource.html", resource=found, rules=rules, errors=errors, files=queries.current_files(found),
        proposal=queries.open_edit(current_user, found), held=fields.edit_is_held(current_user, found),
        adoptions=queries.adoptions(current_user, found), tried=tried.get(found.id, 0),
        helpful=helpful.get(found.id, 0), voted=queries.my_vote(current_user, found),
        origin=queries.visible_origin(current_user, found), adaptations=queries.adaptations(current_user, found),
        components=queries.component_names(), curatable=curatable,
        spaces=queries.postable_spaces(current_user) if rules["resource.move"] or rules["resource.submit"] else [],
        form=request.form if errors else {}), status


@bp.route("/resources/<int:resource_id>/edit", methods=["GET", "POST"])
@login_required
def edit(resource_id: int):
    found = get_resource(resource_id, "resource.edit")
    form, errors = queries.edit_form(current_user, found), {}
    if request.method == "POST":
        form = _form_data()
        try:
            services.update_resource(current_user, found, form)
        except ValidationError as err:
            errors = err.fields
        else:
            return redirect(url_for("library.resource", resource_id=found.id))
    return render_template("library/form.html", space=found.space, resource=found, form=form, errors=errors,
                           manage=policy.can(current_user, "space.manage", found.space),
                           held=fields.edit_is_held(current_user, found), **_choices()), \
        422 if errors else 200


def _target_space() -> Space | None:
    value = request.form.get("space_id", "")
    return db.session.get(Space, int(value)) if value.isdigit() else None


@bp.post("/resources/<int:resource_id>/submit")
@login_required
def submit(resource_id: int):
    found = get_resource(resource_id, "resource.submit")
    try:
        services.submit(current_user, found, _target_space() if request.form.get("space_id") else None)
    except ValidationError as err:
        return _resource_page(found, err.fields, 422)
    return redirect(url_for("library.resource", resource_id=found.id))


@bp.post("/resources/<int:resource_id>/review")
@login_required
def review(resource_id: int):
    found = get_resource(resource_id, "resource.review")
    try:
        services.review(current_user, found, request.form.get("decision", ""), request.form.get("note", ""))
    except ValidationError as err:
        return _resource_page(found, err.fields, 422)
    return redirect(url_for("library.review_queue", slug=found.space.slug))


@bp.post("/resources/<int:resource_id>/edit-review")
@login_required
def review_edit(resource_id: int):
    found = get_resource(resource_id)
    edit = edits.active_edit(found)
    policy.require(current_user, "resource_edit.review", edit)
    try:
        edits.review(current_user, edit, request.form.get("decision", ""), request.form.get("note", ""))
    except ValidationError as err:
        return _resource_page(found, err.fields, 422)
    return redirect(url_for("library.review_queue", slug=found.space.slug))


@bp.post("/resources/<int:resource_id>/files")
@login_required
def upload(resource_id: int):
    found = get_resource(resource_id, "resource.edit")
    replaces_id = request.form.get("replaces_id", "")
    replaces = db.session.get(ResourceFile, int(replaces_id)) if replaces_id.isdigit() else None
    try:
        stored = services.add_file(current_user, found, _upload(), replaces)
    except ValidationError as err:
        return _resource_page(found, err.fields, 422)
    anchor = "#proposed-edit" if stored.edit_id else "#files"  # a file held with an edit shows there
    return redirect(url_for("library.resource", resource_id=found.id) + anchor)


@bp.get("/library/files/<int:file_id>")
@login_required
def download(file_id: int):
    found = db.session.get(ResourceFile, file_id)
    policy.require(current_user, "file.view", found)
    return uploads.file_response(found)


@bp.post("/library/files/<int:file_id>/remove")
@login_required
def remove_file(file_id: int):
    found = db.session.get(ResourceFile, file_id)
    policy.require(current_user, "file.view", found)
    resource_id = found.resource_id
    try:
        if request.form.get("action") == "erase":
            services.purge_file(current_user, found)
        else:
            services.remove_file(current_user, found)
    except ValidationError as err:
        return _resource_page(found.resource, err.fields, 422)
    return redirect(url_for("library.history" if request.form.get("action") == "erase" else "library.resource",
                            resource_id=resource_id))


@bp.get("/resources/<int:resource_id>/history")
@login_required
def history(resource_id: int):
    found = get_resource(resource_id)
    return render_template("library/history.html", resource=found, versions=queries.history(current_user, found),
                           files=queries.all_files(current_user, found))


@bp.post("/resources/<int:resource_id>/vote")
@login_required
def vote(resource_id: int):
    adoption.toggle_vote(current_user, get_resource(resource_id, "resource.vote"))
    return redirect(url_for("library.resource", resource_id=resource_id) + "#helpful")


@bp.get("/resources/<int:resource_id>/voters")
@login_required
def voters(resource_id: int):
    found = get_resource(resource_id)
    return render_template("library/voters.html", resource=found, people=queries.voters(current_user, found))


@bp.route("/resources/<int:resource_id>/tried", methods=["GET", "POST"])
@login_required
def tried(resource_id: int):
    found = get_resource(resource_id, "resource.adopt")
    teams = adoption.teams_of(current_user)
    form = {"team_id": str(teams[0].id) if len(teams) == 1 else "", "shared": "1"}
    errors = {}
    if request.method == "POST":
        form = request.form.to_dict()
        form.setdefault("shared", "")
        try:
            adoption.record(current_user, found, form)
        except ValidationError as err:
            errors = err.fields
        else:
            return redirect(url_for("library.resource", resource_id=found.id) + "#tried")
    return render_template("library/tried.html", resource=found, teams=teams, form=form, errors=errors), \
        422 if errors else 200


@bp.post("/adoptions/<int:adoption_id>/remove")
@login_required
def remove_adoption(adoption_id: int):
    found = db.session.get(Adoption, adoption_id)
    policy.require(current_user, "adoption.remove", found)
    resource_id = found.resource_id
    adoption.remove(current_user, found)
    return redirect(url_for("library.resource", resource_id=resource_id) + "#tried")


@bp.post("/resources/<int:resource_id>/discussion")
@login_required
def discuss(resource_id: int):
    thread = adoption.discussion(current_user, get_resource(resource_id, "resource.discuss"))
    return redirect(url_for("forums.thread", thread_id=thread.id))


@bp.post("/resources/<int:resource_id>/curate")
@login_required
def curate(resource_id: int):
    found = get_resource(resource_id)
    action = request.form.get("action", "")
    if action in ("feature", "unfeature"):
        curation.set_featured(current_user, found, action == "feature")
    elif action in ("hide", "unhide"):
        services.set_hidden(current_user, found, action == "hide")
    elif action == "collect":
        value = request.form.get("collection_id", "")
        collection = db.session.get(Collection, int(value)) if value.isdigit() else None
        policy.require(current_user, "collection.curate", collection)
        curation.add_item(current_user, collection, found)
        return redirect(url_for("library.collection", collection_id=collection.id))
    else:
        raise ValidationError({"action": _("Choose an action.")})
    return redirect(url_for("library.resource", resource_id=found.id))


@bp.post("/resources/<int:resource_id>/move")
@login_required
def move(resource_id: int):
    found = get_resource(resource_id, "resource.move")
    try:
        services.move(current_user, found, _target_space())
    except ValidationError as err:
        return _resource_page(found, err.fields, 422)
    if policy.can(current_user, "resource.view", found):
        return redirect(url_for("library.resource", resource_id=found.id))
    return redirect(url_for("library.index"))


@bp.post("/resources/<int:resource_id>/delete")
@login_required
def delete(resource_id: int):
    found = get_resource(resource_id, "resource.delete")
    slug = found.space.slug
    services.delete(current_user, found)
    return redirect(url_for("library.space", slug=slug))


@bp.app_template_global("library_pinned")
def library_pinned(space: Space):
    """Collections pinned to a cohort's home, as the viewer may see them (spaces/show.html)."""
    return queries.pinned_collections(current_user, space)

