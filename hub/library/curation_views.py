"""Curation pages: a space's review queue (submissions, and edits to published resources),
collections (ordered, pinned to a cohort's home) and the framework components. Routes live on
the library blueprint."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required

from hub import policy
from hub.extensions import db
from hub.library import curation, queries
from hub.library.models import Component
from hub.library.blueprint import bp, get_collection
from hub.spaces.queries import space_by_slug
from hub.validation import ValidationError


@bp.get("/spaces/<slug>/library/review")
@login_required
def review_queue(slug: str):
    space = space_by_slug(slug)
    policy.require(current_user, "space.manage", space)
    return render_template("library/review_queue.html", space=space, queue=queries.review_queue(current_user, space),
                           edits=queries.edits_waiting(current_user, space))


@bp.route("/spaces/<slug>/collections/new", methods=["GET", "POST"])
@login_required
def new_collection(slug: str):
    space = space_by_slug(slug)
    policy.require(current_user, "space.manage", space)
    form, errors = {}, {}
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            collection = curation.create_collection(current_user, space, form)
        except ValidationError as err:
            errors = err.fields
        else:
            return redirect(url_for("library.collection", collection_id=collection.id))
    return render_template("library/collection_form.html", space=space, collection=None, form=form,
                           errors=errors), 422 if errors else 200


@bp.get("/collections/<int:collection_id>")
@login_required
def collection(collection_id: int):
    found = get_collection(collection_id)
    return render_template("library/collection.html", collection=found, space=found.space,
                           resources=queries.items(current_user, found))


@bp.route("/collections/<int:collection_id>/edit", methods=["GET", "POST"])
@login_required
def edit_collection(collection_id: int):
    found = get_collection(collection_id, "collection.curate")
    form = {"title": found.title, "description": found.description, "featured": "1" if found.featured else ""}
    errors = {}
    if request.method == "POST":
        form = request.form.to_dict()
        form.setdefault("featured", "")
        try:
            curation.update_collection(current_user, found, form)
        except ValidationError as err:
            errors = err.fields
        else:
            return redirect(url_for("library.collection", collection_id=found.id))
    return render_template("library/collection_form.html", space=found.space, collection=found, form=form,
                           errors=errors), 422 if errors else 200


@bp.post("/collections/<int:collection_id>/items/<int:resource_id>")
@login_required
def collection_item(collection_id: int, resource_id: int):
    found = get_collection(collection_id, "collection.curate")
    action = request.form.get("action", "")
    if action == "remove":
        curation.remove_item(current_user, found, resource_id)
    else:
        curation.move_item(current_user, found, resource_id, -1 if action == "up" else 1)
    return redirect(url_for("library.collection", collection_id=found.id))


@bp.post("/collections/<int:collection_id>/pin")
@login_required
def pin_collection(collection_id: int):
    found = get_collection(collection_id, "collection.pin")
    curation.set_pinned(current_user, found, request.form.get("pinned") == "1")
    return redirect(url_for("library.collection", collection_id=found.id))


@bp.route("/library/components", methods=["GET", "POST"])
@login_required
def components():
    policy.require(current_user, "component.manage")
    form, errors = {}, {}
    if request.method == "POST":
        form = request.form.to_dict()
        value = form.get("component_id", "")
        current = db.session.get(Component, int(value)) if value.isdigit() else None
        try:
            curation.save_component(current_user, form, current)
        except ValidationError as err:
            errors = err.fields
        else:
            return redirect(url_for("library.components"))
    return render_template("library/components.html", components=curation.components(), form=form,
                           errors=errors), 422 if errors else 200


