"""The network pages: a cohort's measure set (publish a shared measure, publish a new version,
adopt one into a project), a measure's move to another version, and the network view of one
shared measure across the teams using it, with reminders to teams that have not sent data.
Each view parses, calls one service or query, and renders; the policy is asked in the loaders
and services."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from hub.projects import measure_sets, network, stratifiers
from hub.projects.blueprint import bp, get_measure, get_project
from hub.projects.models import DIRECTIONS, MEASURE_KINDS, MEASURE_TYPES, PERIODS
from hub.projects.network_loaders import get_item, get_measure_set
from hub.validation import ValidationError


def _definition_form() -> dict:
    form = request.form.to_dict()
    form["stratifiers"] = request.form.getlist("stratifiers")
    for key, cast in (("per", int), ("goal_value", float)):
        try:
            form[key] = cast(form[key]) if form.get(key, "").strip() else None
        except ValueError:
            pass  # the service names it
    return form


def _choices() -> dict:
    return {"kinds": MEASURE_KINDS, "types": MEASURE_TYPES, "directions": DIRECTIONS, "periods": PERIODS,
            "stratifiers": stratifiers.BUILT_IN}


@bp.route("/cohorts/<int:cohort_id>/measure-set", methods=["GET", "POST"])
@login_required
def measure_set(cohort_id: int):
    found = get_measure_set(cohort_id)
    form, errors = {}, {}
    if request.method == "POST":
        form = _definition_form()
        try:
            item = measure_sets.publish_item(current_user, found, form)
            flash(_("Published “%(name)s”, version 1.", name=item.latest.name), "success")
            return redirect(url_for("projects.measure_set", cohort_id=cohort_id) + f"#item-{item.id}")
        except ValidationError as err:
            errors = err.fields
    return render_template("projects/measure_set.html", measure_set=found, cohort=found.cohort, form=form,
                           errors=errors, projects=measure_sets.adoptable_projects(current_user, found.cohort),
                           **_choices()), 422 if errors else 200


@bp.route("/cohorts/<int:cohort_id>/measure-set/items/<int:item_id>", methods=["GET", "POST"])
@login_required
def measure_set_item(cohort_id: int, item_id: int):
    item, form, errors = get_item(item_id, cohort_id=cohort_id), {}, {}
    if request.method == "POST":
        form = _definition_form()
        try:
            version = measure_sets.revise_item(current_user, item, form)
            flash(_("“%(name)s” is now at version %(n)d.", name=version.name, n=version.number), "success")
            return redirect(url_for("projects.measure_set_item", cohort_id=cohort_id, item_id=item.id))
        except ValidationError as err:
            errors = err.fields
    return render_template("projects/measure_set_item.html", item=item, cohort=item.cohort, form=form,
                           errors=errors, **_choices()), 422 if errors else 200


@bp.route("/projects/<int:project_id>/measures/adopt", methods=["POST"])
@login_required
def adopt_measure(project_id: int):
    project, item_id = get_project(project_id), request.form.get("item_id", "")
    try:
        made = measure_sets.adopt(current_user, project, int(item_id) if item_id.isdigit() else None)
    except ValidationError as err:
        flash(err.message, "error")
        return redirect(request.form.get("back") if request.form.get("back", "").startswith("/cohorts/")
                        else url_for("projects.project", project_id=project.id))
    flash(_("“%(name)s” is now a measure of this project.", name=made.name), "success")
    return redirect(url_for("projects.measure", measure_id=made.id))


@bp.route("/measures/<int:measure_id>/version", methods=["POST"])
@login_required
def move_measure_version(measure_id: int):
    found, number = get_measure(measure_id), request.form.get("version", "")
    try:
        measure_sets.move_to_version(current_user, found, int(number) if number.isdigit() else None)
        flash(_("This measure now follows version %(n)d.", n=found.set_version.number), "success")
    except ValidationError as err:
        flash(err.message, "error")
    return redirect(url_for("projects.measure", measure_id=found.id))


@bp.route("/cohorts/<int:cohort_id>/measures/<int:item_id>")
@login_required
def network_measure(cohort_id: int, item_id: int):
    item = get_item(item_id, cohort_id=cohort_id)
    try:
        view = network.network_view(current_user, item, request.args.get("period"))
    except ValidationError as err:
        flash(err.message, "error")
        view = network.network_view(current_user, item)
    return render_template("projects/network.html", view=view, item=item, cohort=item.cohort,
                           version=item.latest)


@bp.route("/cohorts/<int:cohort_id>/measures/<int:item_id>/reminders", methods=["POST"])
@login_required
def send_reminders(cohort_id: int, item_id: int):
    item, team = get_item(item_id, cohort_id=cohort_id), request.form.get("team_id", "")
    period = request.form.get("period") or None
    try:
        reminded = measure_sets.send_reminders(current_user, item, period, [int(team)] if team.isdigit() else None)
        flash(ngettext("Reminder sent to %(num)d team.", "Reminder sent to %(num)d teams.", len(reminded)), "success")
    except ValidationError as err:
        flash(err.message, "error")
    return redirect(url_for("projects.network_measure", cohort_id=cohort_id, item_id=item.id, period=period))
