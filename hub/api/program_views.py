"""Cohorts, organizations and teams in the API (the twins of /program and /teams pages)."""
from __future__ import annotations

from datetime import date

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from hub import policy
from hub.api.blueprint import bp
from hub.api.common import api_login_required, json_body, paginate
from hub.extensions import db
from hub.people import program, services
from hub.people.models import Cohort, Organization, Team, User
from hub.validation import ValidationError


def organization_json(org: Organization) -> dict:
    return {"id": org.id, "name": org.name, "kind": org.kind, "city": org.city, "archived": org.archived_at is not None}


def cohort_json(cohort: Cohort) -> dict:
    return {"id": cohort.id, "name": cohort.name, "program": cohort.program, "space_id": cohort.space_id,
            "starts_on": cohort.starts_on.isoformat() if cohort.starts_on else None,
            "ends_on": cohort.ends_on.isoformat() if cohort.ends_on else None,
            "team_ids": [t.id for t in cohort.teams], "archived": cohort.archived_at is not None}


def team_json(team: Team, warnings: list[str] | None = None) -> dict:
    data = {"id": team.id, "name": team.name, "organization_id": team.organization_id, "space_id": team.space_id,
            "cohort_ids": [c.id for c in team.cohorts], "archived": team.archived_at is not None,
            "members": [{"user_id": m.user_id, "name": m.user.name, "role": m.role}
                        for m in team.memberships if m.user.active]}
    if warnings is not None:
        data["warnings"] = warnings
    return data


def _date(value, fields: dict, name: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        fields[name] = _("Enter a date like 2027-01-31.")
        return None


def _signed_in_directory():
    policy.require(current_user, "directory.view")


@bp.get("/organizations")
@api_login_required
def organizations_list():
    _signed_in_directory()
    return paginate(select(Organization), Organization, organization_json)


@bp.post("/organizations")
@api_login_required
def organizations_create():
    data = json_body()
    org = services.create_organization(current_user, data.get("name"), data.get("kind", ""), data.get("city", ""))
    return jsonify(organization_json(org)), 201


@bp.get("/cohorts")
@api_login_required
def cohorts_list():
    _signed_in_directory()
    return paginate(select(Cohort), Cohort, cohort_json)


@bp.post("/cohorts")
@api_login_required
def cohorts_create():
    data, fields = json_body(), {}
    starts, ends = _date(data.get("starts_on"), fields, "starts_on"), _date(data.get("ends_on"), fields, "ends_on")
    if fields:
        raise ValidationError(fields)
    cohort = services.create_cohort(current_user, data.get("name"), data.get("program", ""), starts, ends)
    return jsonify(cohort_json(cohort)), 201


@bp.get("/teams")
@api_login_required
def teams_list():
    _signed_in_directory()
    return paginate(select(Team), Team, team_json)


@bp.post("/teams")
@api_login_required
def teams_create():
    data = json_body()
    cohort_ids = [int(c) for c in data.get("cohort_ids", []) if str(c).isdigit()]
    org_id = data.get("organization_id")
    team = services.create_team(current_user, data.get("name"), int(org_id) if str(org_id).isdigit() else None, cohort_ids)
    return jsonify(team_json(team, services.team_size_warnings(team))), 201


@bp.get("/teams/<int:team_id>")
@api_login_required
def team_detail(team_id: int):
    _signed_in_directory()
    team = db.session.get(Team, team_id)
    if team is None:
        raise NotFound()
    return jsonify(team_json(team))


@bp.post("/teams/<int:team_id>/members")
@api_login_required
def team_members_add(team_id: int):
    data = json_body()
    user_id = data.get("user_id")
    person = db.session.get(User, int(user_id)) if str(user_id).isdigit() else None
    team = db.session.get(Team, team_id)
    warnings = services.add_team_member(current_user, team, person, data.get("role", "member"))
    return jsonify(team_json(team, warnings))


@bp.delete("/teams/<int:team_id>/members/<int:user_id>")
@api_login_required
def team_members_remove(team_id: int, user_id: int):
    team = db.session.get(Team, team_id)
    warnings = services.remove_team_member(current_user, team, db.session.get(User, user_id))
    return jsonify(team_json(team, warnings))


# ---------------------------------------------------------------- edits (twins of /program/<kind>s/<id>/edit)

@bp.patch("/organizations/<int:org_id>")
@api_login_required
def organizations_update(org_id: int):
    org = program.update_organization(current_user, db.session.get(Organization, org_id), json_body())
    return jsonify(organization_json(org))


@bp.patch("/cohorts/<int:cohort_id>")
@api_login_required
def cohorts_update(cohort_id: int):
    data = json_body()
    fields: dict[str, str] = {}
    dates = {name: _date(data.get(name), fields, name) for name in ("starts_on", "ends_on") if name in data}
    if fields:
        raise ValidationError(fields)
    cohort = program.update_cohort(current_user, db.session.get(Cohort, cohort_id), data, **dates)
    return jsonify(cohort_json(cohort))


@bp.patch("/teams/<int:team_id>")
@api_login_required
def teams_update(team_id: int):
    return jsonify(team_json(program.update_team(current_user, db.session.get(Team, team_id), json_body())))

