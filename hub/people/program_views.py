"""The program's structure: cohorts, organizations and teams, managed by facilitators."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from hub import policy
from hub.extensions import db
from hub.people import services
from hub.people.models import PROGRAMS, TEAM_ROLES, Cohort, Organization, Team, User
from hub.validation import ValidationError

bp = Blueprint("program", __name__)


def _program_page(errors=None, form=None, which=None, status=200):
    policy.require(current_user, "program.manage")
    return render_template(
        "people/program.html", errors=errors or {}, form=form or {}, which=which, programs=PROGRAMS,
        cohorts=db.session.scalars(select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.name)).all(),
        organizations=db.session.scalars(select(Organization).order_by(Organization.name)).all(),
        teams=db.session.scalars(select(Team).order_by(Team.name)).all(),
    ), status


def _date(value: str | None, fields: dict, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fields[name] = _("Enter a date like 2027-01-31.")
        return None


@bp.get("/program")
@login_required
def index():
    return _program_page()


@bp.post("/program/organizations")
@login_required
def create_organization():
    form = request.form.to_dict()
    try:
        org = services.create_organization(current_user, form.get("name"), form.get("kind", ""), form.get("city", ""))
    except ValidationError as err:
        return _program_page(err.fields, form, "organization", 422)
    flash(_("%(name)s is added.", name=org.name), "success")
    return redirect(url_for("program.index"))


@bp.post("/program/cohorts")
@login_required
def create_cohort():
    form = request.form.to_dict()
    errors: dict[str, str] = {}
    starts, ends = _date(form.get("starts_on"), errors, "starts_on"), _date(form.get("ends_on"), errors, "ends_on")
    try:
        if errors:
            raise ValidationError(errors)
        cohort = services.create_cohort(current_user, form.get("name"), form.get("program", ""), starts, ends)
    except ValidationError as err:
        return _program_page({**errors, **err.fields}, form, "cohort", 422)
    flash(_("%(name)s is created with its own space.", name=cohort.name), "success")
    return redirect(url_for("program.index"))


@bp.post("/program/teams")
@login_required
def create_team():
    form = request.form.to_dict()
    cohort_ids = [int(v) for v in request.form.getlist("cohort_ids") if v.isdigit()]
    org_id = int(form["organization_id"]) if form.get("organization_id", "").isdigit() else None
    try:
        team = services.create_team(current_user, form.get("name"), org_id, cohort_ids)
    except ValidationError as err:
        return _program_page(err.fields, form, "team", 422)
    flash(_("%(name)s is created with its own space.", name=team.name), "success")
    return redirect(url_for("program.team", team_id=team.id))


@bp.get("/teams/<int:team_id>")
@login_required
def team(team_id: int):
    team = db.session.get(Team, team_id)
    policy.require(current_user, "directory.view")
    if team is None:
        raise NotFound()
    manage = policy.can(current_user, "team.manage", team)
    candidates = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)).all() if manage else []
    return render_template("people/team.html", team=team, team_roles=TEAM_ROLES, candidates=candidates,
                           warnings=services.team_size_warnings(team) if manage else [],
                           members=sorted((m for m in team.memberships if m.user.active), key=lambda m: m.user.name))


@bp.post("/teams/<int:team_id>/members")
@login_required
def add_member(team_id: int):
    user_id = request.form.get("user_id", "")
    person = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    for warning in services.add_team_member(current_user, db.session.get(Team, team_id), person,
                                            request.form.get("role", "member")):
        flash(warning, "warning")
    return redirect(url_for("program.team", team_id=team_id))


@bp.post("/teams/<int:team_id>/members/<int:user_id>/remove")
@login_required
def remove_member(team_id: int, user_id: int):
    for warning in services.remove_team_member(current_user, db.session.get(Team, team_id), db.session.get(User, user_id)):
        flash(warning, "warning")
    return redirect(url_for("program.team", team_id=team_id))


@bp.get("/cohorts/<int:cohort_id>")
@login_required
def cohort(cohort_id: int):
    cohort = db.session.get(Cohort, cohort_id)
    policy.require(current_user, "directory.view")
    if cohort is None:
        raise NotFound()
    return render_template("people/cohort.html", cohort=cohort)
