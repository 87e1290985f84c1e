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
from hub.people import program, services
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


# ---------------------------------------------------------------- editing and archiving

EDITABLE = {"organization": Organization, "cohort": Cohort, "team": Team}


def _edit_page(which: str, thing, form=None, errors=None, status=200):
    policy.require(current_user, "program.manage")
    return render_template(
        "people/program_edit.html", which=which, thing=thing, form=form or {}, errors=errors or {},
        programs=PROGRAMS, organizations=db.session.scalars(select(Organization).order_by(Organization.name)).all(),
        cohorts=db.session.scalars(select(Cohort).order_by(Cohort.name)).all(),
        teams=db.session.scalars(select(Team).order_by(Team.name)).all()), status


def _edit_data(which: str, form) -> tuple[dict, dict]:
    """The form as the service's data (what the API sends), with its dates parsed."""
    data: dict = {key: form.get(key, "") for key in ("name", "kind", "city", "program") if key in form}
    dates: dict = {}
    errors: dict[str, str] = {}
    if which == "cohort":
        dates = {"starts_on": _date(form.get("starts_on"), errors, "starts_on"),
                 "ends_on": _date(form.get("ends_on"), errors, "ends_on")}
        data["team_ids"] = [int(v) for v in form.getlist("team_ids") if v.isdigit()]
    if which == "team":
        org = form.get("organization_id", "")
        data["organization_id"] = int(org) if org.isdigit() else None
        data["cohort_ids"] = [int(v) for v in form.getlist("cohort_ids") if v.isdigit()]
    if "archived" in form:
        data = {"archived": form.get("archived") == "1"}  # the archive form names only that
        dates = {}
        if data["archived"] and form.get("confirm") != "1":
            errors["confirm"] = _("Tick the box to confirm the archiving.")
    return data, {**dates, "errors": errors}


@bp.route("/program/organizations/<int:thing_id>/edit", methods=["GET", "POST"], defaults={"which": "organization"})
@bp.route("/program/cohorts/<int:thing_id>/edit", methods=["GET", "POST"], defaults={"which": "cohort"})
@bp.route("/program/teams/<int:thing_id>/edit", methods=["GET", "POST"], defaults={"which": "team"})
@login_required
def edit(which: str, thing_id: int):
    thing = db.session.get(EDITABLE[which], thing_id)
    policy.require(current_user, "program.manage")
    if thing is None:
        raise NotFound()
    if request.method == "GET":
        return _edit_page(which, thing)
    data, extra = _edit_data(which, request.form)
    errors = extra.pop("errors")
    try:
        if errors:
            raise ValidationError(errors)
        _update(which, thing, data, extra)
    except ValidationError as err:
        db.session.rollback()
        return _edit_page(which, thing, request.form.to_dict(), {**errors, **err.fields}, 422)
    if "archived" in data:
        flash(_("%(name)s is archived: it stays readable, and nothing new can be added.", name=thing.name)
              if data["archived"] else _("%(name)s is active again.", name=thing.name), "success")
    else:
        flash(_("%(name)s is saved.", name=thing.name), "success")
    return redirect(url_for("program.index"))


def _update(which: str, thing, data: dict, dates: dict):
    if which == "organization":
        return program.update_organization(current_user, thing, data)
    if which == "cohort":
        return program.update_cohort(current_user, thing, data, **dates)
    return program.update_team(current_user, thing, data)

