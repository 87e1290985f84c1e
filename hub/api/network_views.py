"""Network measure sets in the API: a cohort's shared measures (publish, publish a new version),
adopting one into a project, moving a measure to another version, and the network view of one
shared measure with reminders to teams that have not sent data (twins of the network pages,
calling the same services; every team's numbers are the viewer's published ones)."""
from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from hub.api.blueprint import bp
from hub.api.common import api_login_required, json_body
from hub.projects import measure_sets, network
from hub.projects.blueprint import get_measure, get_project
from hub.projects.network_loaders import get_item, get_measure_set
from hub.projects.network_serialize import item_json, network_json, version_json
from hub.projects.serialize import measure_json


@bp.get("/cohorts/<int:cohort_id>/measure-set/items")
@api_login_required
def measure_set_items(cohort_id: int):
    found = get_measure_set(cohort_id)
    return jsonify({"items": [item_json(i, current_user) for i in found.items], "next": None})


@bp.post("/cohorts/<int:cohort_id>/measure-set/items")
@api_login_required
def publish_measure_set_item(cohort_id: int):
    item = measure_sets.publish_item(current_user, get_measure_set(cohort_id), json_body())
    return jsonify(item_json(item, current_user, versions=True)), 201


@bp.get("/measure-set-items/<int:item_id>")
@api_login_required
def measure_set_item(item_id: int):
    return jsonify(item_json(get_item(item_id), current_user, versions=True))


@bp.patch("/measure-set-items/<int:item_id>")
@api_login_required
def revise_measure_set_item(item_id: int):
    item = get_item(item_id)
    measure_sets.revise_item(current_user, item, json_body())
    return jsonify(item_json(item, current_user, versions=True))


@bp.post("/projects/<int:project_id>/measures/adopt")
@api_login_required
def adopt_measure(project_id: int):
    made = measure_sets.adopt(current_user, get_project(project_id), json_body().get("item_id"))
    return jsonify({**measure_json(made), "set_version": version_json(made.set_version)}), 201


@bp.post("/measures/<int:measure_id>/version")
@api_login_required
def move_measure_version(measure_id: int):
    found = measure_sets.move_to_version(current_user, get_measure(measure_id), json_body().get("version"))
    history = [{"from": m.from_version.number if m.from_version else None,
                "to": m.to_version.number if m.to_version else None, "data_through": m.data_through.isoformat()
                if m.data_through else None, "actor_id": m.actor_id} for m in measure_sets.version_history(found)]
    return jsonify({**measure_json(found), "set_version": version_json(found.set_version), "history": history})


@bp.get("/cohorts/<int:cohort_id>/measures/<int:item_id>")
@api_login_required
def network_measure(cohort_id: int, item_id: int):
    item = get_item(item_id, cohort_id=cohort_id)
    return jsonify(network_json(network.network_view(current_user, item, request.args.get("period")), current_user))


@bp.post("/cohorts/<int:cohort_id>/measures/<int:item_id>/reminders")
@api_login_required
def send_reminders(cohort_id: int, item_id: int):
    body = json_body()
    reminded = measure_sets.send_reminders(current_user, get_item(item_id, cohort_id=cohort_id), body.get("period"),
                                           body.get("team_ids"))
    return jsonify({"reminded_team_ids": reminded})
