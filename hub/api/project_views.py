"""Projects in the API: projects, their driver diagrams, PDSA cycles, measures, data and
charts (twins of the project pages, calling the same services; data and charts are the
published ones, suppressed for viewers who may not see raw counts)."""
from __future__ import annotations

from flask import abort, jsonify, request
from flask_login import current_user

from hub import policy
from hub.api.blueprint import bp
from hub.api.common import api_login_required, json_body
from hub.extensions import db
from hub.projects import charts, published, queries, services, stratifiers
from hub.projects.blueprint import get_cycle, get_measure, get_node, get_project, get_team
from hub.projects.stratifiers import stratum_key
from hub.projects.models import ExcludedPeriod, MeasurePhase
from hub.projects.serialize import (chart_json, cycle_json, data_json, mark_json, measure_json, node_json,
                                    project_json)


@bp.get("/teams/<int:team_id>/projects")
@api_login_required
def team_projects(team_id: int):
    team = get_team(team_id)
    return jsonify({"items": [project_json(p, current_user) for p in queries.team_projects(current_user, team.id)],
                    "next": None})


@bp.post("/teams/<int:team_id>/projects")
@api_login_required
def create_project(team_id: int):
    project = services.create_project(current_user, get_team(team_id), json_body())
    return jsonify(project_json(project, current_user, detail=True)), 201


@bp.get("/projects/<int:project_id>")
@api_login_required
def project(project_id: int):
    return jsonify(project_json(get_project(project_id), current_user, detail=True))


@bp.patch("/projects/<int:project_id>")
@api_login_required
def update_project(project_id: int):
    found = services.update_project(current_user, get_project(project_id), json_body())
    return jsonify(project_json(found, current_user, detail=True))


@bp.delete("/projects/<int:project_id>")
@api_login_required
def delete_project(project_id: int):
    services.delete_project(current_user, get_project(project_id))
    return "", 204


@bp.post("/projects/<int:project_id>/drivers")
@api_login_required
def add_driver(project_id: int):
    return jsonify(node_json(services.add_node(current_user, get_project(project_id), json_body()))), 201


@bp.delete("/drivers/<int:node_id>")
@api_login_required
def remove_driver(node_id: int):
    services.remove_node(current_user, get_node(node_id))
    return "", 204


@bp.get("/projects/<int:project_id>/cycles")
@api_login_required
def cycles(project_id: int):
    return jsonify({"items": [cycle_json(c) for c in get_project(project_id).cycles], "next": None})


@bp.post("/projects/<int:project_id>/cycles")
@api_login_required
def create_cycle(project_id: int):
    return jsonify(cycle_json(services.save_cycle(current_user, get_project(project_id), json_body()))), 201


@bp.patch("/cycles/<int:cycle_id>")
@api_login_required
def update_cycle(cycle_id: int):
    cycle = get_cycle(cycle_id)
    return jsonify(cycle_json(services.save_cycle(current_user, cycle.project, json_body(), cycle)))


@bp.get("/projects/<int:project_id>/measures")
@api_login_required
def measures(project_id: int):
    return jsonify({"items": [measure_json(m) for m in get_project(project_id).measures], "next": None})


@bp.post("/projects/<int:project_id>/measures")
@api_login_required
def create_measure(project_id: int):
    return jsonify(measure_json(services.save_measure(current_user, get_project(project_id), json_body()))), 201


@bp.get("/measures/<int:measure_id>")
@api_login_required
def measure(measure_id: int):
    return jsonify(measure_json(get_measure(measure_id)))


@bp.patch("/measures/<int:measure_id>")
@api_login_required
def update_measure(measure_id: int):
    found = get_measure(measure_id)
    return jsonify(measure_json(services.save_measure(current_user, found.project, json_body(), found)))


def _published(found):
    return published.publish(found, policy.can(current_user, "measure.view_raw", found))


@bp.get("/measures/<int:measure_id>/data")
@api_login_required
def measure_data(measure_id: int):
    found = get_measure(measure_id)
    return jsonify(data_json(found, _published(found)))


@bp.put("/measures/<int:measure_id>/data")
@api_login_required
def put_measure_data(measure_id: int):
    found = get_measure(measure_id)
    changed = services.put_data(current_user, found, json_body().get("points"), source="api")
    return jsonify({**data_json(found, _published(found)), "changed": changed})


@bp.get("/measures/<int:measure_id>/chart")
@api_login_required
def measure_chart(measure_id: int):
    found = get_measure(measure_id)
    data, kind, rules = _published(found), request.args.get("chart"), request.args.get("rules", "anhoej")
    body = chart_json(charts.chart_of(found, data, stratum=request.args.get("stratum", ""), chart=kind, rules=rules),
                      found)
    stratifier = next((s for s in stratifiers.of_measure(found) if s.key == request.args.get("stratifier")),
                      None)
    if stratifier is not None:
        body["strata"] = {group: chart_json(charts.chart_of(found, data, stratum=stratum_key({stratifier.key: group}),
                                                            chart=kind, rules=rules), found)
                          for group in stratifier.categories}
    return jsonify(body)


def _mark(found, model, mark_id: int):
    mark = db.session.get(model, mark_id)
    if mark is None or mark.measure_id != found.id:
        abort(404)
    return mark


@bp.put("/measures/<int:measure_id>/baseline")
@api_login_required
def measure_baseline(measure_id: int):
    found = services.set_baseline(current_user, get_measure(measure_id), json_body())
    return jsonify(measure_json(found))


@bp.post("/measures/<int:measure_id>/phases")
@api_login_required
def add_phase(measure_id: int):
    body = json_body()
    found = get_measure(measure_id)
    phase = services.add_phase(current_user, found, body.get("period"), body.get("reason"))
    return jsonify(mark_json(phase, found)), 201


@bp.delete("/measures/<int:measure_id>/phases/<int:mark_id>")
@api_login_required
def remove_phase(measure_id: int, mark_id: int):
    found = get_measure(measure_id)
    services.remove_chart_mark(current_user, found, _mark(found, MeasurePhase, mark_id))
    return "", 204


@bp.post("/measures/<int:measure_id>/exclusions")
@api_login_required
def add_exclusion(measure_id: int):
    body = json_body()
    found = get_measure(measure_id)
    row = services.exclude_period(current_user, found, body.get("period"), body.get("reason"))
    return jsonify(mark_json(row, found)), 201


@bp.delete("/measures/<int:measure_id>/exclusions/<int:mark_id>")
@api_login_required
def remove_exclusion(measure_id: int, mark_id: int):
    found = get_measure(measure_id)
    services.remove_chart_mark(current_user, found, _mark(found, ExcludedPeriod, mark_id))
    return "", 204
