"""The project pages: a team's projects, one project (aim, equity focus, driver diagram, PDSA
cycles, measures), and one measure (chart, signals in words, data table, data entry by
keyboard, strata side by side). Each view parses, calls one service or query, and renders."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from sqlalchemy import select

from hub import policy
from hub.extensions import db
from hub.people.models import Team
from hub.projects import charts, equity, published, queries, services, stratifiers
from hub.projects.blueprint import bp, get_measure, get_project, get_team
from hub.projects.data_grid import columns, errors_by_cell, grid_points, grid_rows
from hub.validation import ValidationError


@bp.route("/teams/<int:team_id>/projects", methods=["GET", "POST"])
@login_required
def team_projects(team_id: int):
    team, form, errors = get_team(team_id), request.form.to_dict(), {}
    if request.method == "POST":
        try:
            project = services.create_project(current_user, team, form)
            return redirect(url_for("projects.project", project_id=project.id))
        except ValidationError as err:
            errors = err.fields
    return render_template("projects/team.html", team=team, projects=queries.team_projects(current_user, team.id),
                           form=form, errors=errors,
                           stratifier_options=[(s.key, s.label) for s in stratifiers.BUILT_IN]), 422 if errors else 200


@bp.route("/projects/<int:project_id>", methods=["GET"])
@login_required
def project(project_id: int):
    found = get_project(project_id)
    return _project_page(found, {}, {}, None)


def _project_page(found, form: dict, errors: dict, what: str | None, status: int = 200):
    kinds = {"primary": _("Primary driver"), "secondary": _("Secondary driver")}
    parents = [(n.id, f"{kinds[n.kind]}: {n.text}") for n in found.nodes if n.kind in kinds]
    return render_template("projects/project.html", project=found, form=form, errors=errors, what=what,
                           parent_options=parents, stratifiers=stratifiers.BUILT_IN), status


@bp.route("/projects/<int:project_id>/<what>", methods=["POST"])
@login_required
def project_write(project_id: int, what: str):
    """The project page's forms: settings, a driver, a cycle, a measure (one service each)."""
    found, form = get_project(project_id), request.form.to_dict()
    form["measure_ids"] = [int(i) for i in request.form.getlist("measure_ids") if i.isdigit()]
    if what == "measure":
        form["stratifiers"] = request.form.getlist("stratifiers")
    for key in ("parent_id", "resource_id", "change_idea_id"):
        form[key] = int(form[key]) if str(form.get(key, "")).isdigit() else None
    write = {"settings": lambda: services.update_project(current_user, found, form),
             "driver": lambda: services.add_node(current_user, found, form),
             "cycle": lambda: services.save_cycle(current_user, found, form),
             "measure": lambda: services.save_measure(current_user, found, form)}.get(what)
    if write is None:
        return redirect(url_for("projects.project", project_id=found.id))
    try:
        write()
    except ValidationError as err:
        return _project_page(found, form, err.fields, what, 422)
    return redirect(url_for("projects.project", project_id=found.id) + f"#{what}s")


@bp.route("/measures/<int:measure_id>", methods=["GET", "POST"])
@login_required
def measure(measure_id: int):
    found = get_measure(measure_id)
    raw = policy.can(current_user, "measure.view_raw", found)
    typed, errors = {}, {}
    if request.method == "POST":
        typed = request.form.to_dict()
        points, names = grid_points(found, typed)
        try:
            services.put_data(current_user, found, points, source="grid")
            return redirect(url_for("projects.measure", measure_id=found.id, saved=1) + "#data")
        except ValidationError as err:
            errors = errors_by_cell(err.fields, names)
    data = published.publish(found, raw)
    stratifier = next((s for s in stratifiers.of_measure(found) if s.key == request.args.get("stratifier")), None)
    main = charts.chart_of(found, data, chart=request.args.get("chart"), rules=request.args.get("rules", "anhoej"))
    strata = [(group, charts.chart_of(found, data, stratum=stratifiers.stratum_key({stratifier.key: group}),
                                      chart=main.chart, rules=main.rules, title=group))
              for group in stratifier.categories] if stratifier else []
    return render_template("projects/measure.html", measure=found, data=data, chart=main, strata=strata,
                           gap=equity.gap_of(found, data), completeness=equity.completeness(found, data),
                           stratifier=stratifier, raw=raw, grid=grid_rows(found, data, typed, errors),
                           columns=columns(found),
                           errors=errors, saved=request.args.get("saved"), hidden=published.HIDDEN), 422 if errors else 200


@bp.route("/spaces/<slug>/projects")
@login_required
def space_projects(slug: str):
    """The team space's Projects tab: the team's projects page."""
    from hub.spaces.queries import space_by_slug
    space = space_by_slug(slug)
    policy.require(current_user, "space.view", space)
    team = db.session.scalar(select(Team).where(Team.space_id == space.id))
    if team is None:
        abort(404)
    return redirect(url_for("projects.team_projects", team_id=team.id))


_MARKS = {"baseline": lambda m, f: services.set_baseline(current_user, m, {"period": f.get("period") or "?"}),
          "unfreeze": lambda m, f: services.set_baseline(current_user, m, {"period": None}),
          "phase": lambda m, f: services.add_phase(current_user, m, f.get("period"), f.get("reason")),
          "exclude": lambda m, f: services.exclude_period(current_user, m, f.get("period"), f.get("reason"))}


@bp.route("/measures/<int:measure_id>/marks", methods=["POST"])
@login_required
def measure_marks(measure_id: int):
    """The chart's baseline, phases and left-out periods, each with its reason."""
    found, form = get_measure(measure_id, "measure.edit"), request.form.to_dict()
    mark = next((m for m in [*found.phases, *found.exclusions_list] if str(m.id) == form.get("id")), None)
    try:
        if form.get("action") == "remove" and mark is not None:
            services.remove_chart_mark(current_user, found, mark)
        elif form.get("action") in _MARKS:
            _MARKS[form["action"]](found, form)
    except ValidationError as err:
        flash(" ".join(err.fields.values()), "error")
    return redirect(url_for("projects.measure", measure_id=found.id) + "#marks")
