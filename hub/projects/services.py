"""Every write of the projects domain. Each service takes the actor, asks the policy, checks
what it was given (a message per field, or per cell for data, nothing written when any is
wrong), writes and commits once. The search index learns of a change from the flush (hub.projects.search_docs
watches projects, cycles and measures)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from hub import policy
from hub.extensions import db, utcnow
from hub.library.models import Resource
from hub.people.models import Team
from hub.projects import data_cells, fanout, fields, stratifiers
from hub.projects.models import (NODE_KINDS, Cycle, DataEdit, DataPoint, DriverNode, ExcludedPeriod, Measure,
                                 MeasurePhase, Project)
from hub.validation import ValidationError, require_text

_PARENT_KIND = {"primary": None, "secondary": "primary", "change_idea": "secondary"}


def create_project(actor, team: Team, data: dict) -> Project:
    policy.require(actor, "team.add_project", team)
    values, errors = fields.project_fields(data)
    if errors:
        raise ValidationError(errors)
    project = Project(team_id=team.id, space_id=team.space_id, created_by_id=actor.id, **values)
    db.session.add(project)
    db.session.commit()
    return project


def update_project(actor, project: Project, data: dict) -> Project:
    """Only the fields named change; sharing (visibility) is asked of the policy on its own."""
    policy.require(actor, "project.edit", project)
    if "visibility" in data:
        policy.require(actor, "project.share", project)
    values, errors = fields.project_fields(data, project)
    if errors:
        raise ValidationError(errors)
    for key, value in values.items():
        setattr(project, key, value)
    project.updated_at = utcnow()
    db.session.commit()
    return project


def delete_project(actor, project: Project) -> None:
    policy.require(actor, "project.delete", project)
    project.deleted_at = utcnow()
    db.session.commit()


# ---------------------------------------------------------------- the driver diagram

def add_node(actor, project: Project, data: dict) -> DriverNode:
    policy.require(actor, "project.edit", project)
    errors: dict[str, str] = {}
    kind = data.get("kind")
    text = require_text(errors, "text", data.get("text"), _("Text"), 300)
    parent = None
    if kind not in NODE_KINDS:
        errors["kind"] = _("Choose a primary driver, a secondary driver or a change idea.")
    elif _PARENT_KIND[kind] is not None:
        parent = db.session.get(DriverNode, data.get("parent_id")) if isinstance(data.get("parent_id"), int) else None
        if parent is None or parent.project_id != project.id or parent.kind != _PARENT_KIND[kind]:
            errors["parent_id"] = (_("A secondary driver sits under a primary driver.") if kind == "secondary"
                                   else _("A change idea sits under a secondary driver."))
    resource = _linked_change_idea(actor, data.get("resource_id"), errors)
    if errors:
        raise ValidationError(errors)
    siblings = [n for n in project.nodes if n.parent_id == (parent.id if parent else None) and n.kind == kind]
    node = DriverNode(project_id=project.id, parent_id=parent.id if parent else None, kind=kind, text=text,
                      resource_id=resource.id if resource else None, position=len(siblings))
    db.session.add(node)
    project.updated_at = utcnow()
    db.session.commit()
    return node


def _linked_change_idea(actor, resource_id, errors: dict) -> Resource | None:
    if resource_id in (None, ""):
        return None
    resource = db.session.get(Resource, resource_id) if isinstance(resource_id, int) else None
    if resource is None or not policy.can(actor, "resource.view", resource) or resource.kind != "change_idea":
        errors["resource_id"] = _("Choose a change idea from the library that you can see.")
        return None
    return resource


def remove_node(actor, node: DriverNode) -> None:
    policy.require(actor, "driver.edit", node)
    db.session.delete(node)  # (its children go with it: the foreign key cascades)
    db.session.commit()


# ---------------------------------------------------------------- PDSA cycles

def save_cycle(actor, project: Project, data: dict, cycle: Cycle | None = None) -> Cycle:
    policy.require(actor, "project.edit", project)
    values, errors = fields.cycle_fields(data, cycle)
    measure_ids = {m.id for m in project.measures}
    if any(i not in measure_ids for i in values.get("measure_ids", [])):
        errors["measure_ids"] = _("Choose measures of this project.")
    for rid in values.get("resource_ids", []):
        resource = db.session.get(Resource, rid)
        if resource is None or not policy.can(actor, "resource.view", resource):
            errors["resource_ids"] = _("Choose library resources you can see.")
    idea = data.get("change_idea_id")
    if idea not in (None, "") and not any(n.id == idea and n.kind == "change_idea" for n in project.nodes):
        errors["change_idea_id"] = _("Choose a change idea of this project's driver diagram.")
    if errors:
        raise ValidationError(errors)
    if cycle is None:
        cycle = Cycle(project_id=project.id, created_by_id=actor.id)
        db.session.add(cycle)
    for key, value in values.items():
        setattr(cycle, key, value)
    if "change_idea_id" in data:
        cycle.change_idea_id = idea or None
    project.updated_at = utcnow()
    db.session.commit()
    return cycle


# ---------------------------------------------------------------- measures

def save_measure(actor, project: Project, data: dict, measure: Measure | None = None) -> Measure:
    policy.require(actor, "project.edit", project)
    values, errors = fields.measure_fields(data, measure)
    if measure is not None and "type" in values and values["type"] != measure.type and measure.points:
        # What old data meant must not change under it: a new type is a new measure.
        errors["type"] = _("This measure has data; add a new measure for another type.")
    if errors:
        raise ValidationError(errors)
    if measure is None:
        measure = Measure(project_id=project.id)
        db.session.add(measure)
    for key, value in values.items():
        setattr(measure, key, value)
    project.updated_at = utcnow()
    db.session.commit()
    return measure



def put_data(actor, measure: Measure, points: list, source: str = "api") -> int:
    """Enter or correct data: [{"period", "stratum": {key: group} | null, "numerator", "denominator"}
    | {"period", "stratum", "value"}]. A cell with both numbers empty (null) is cleared. Every
    refused cell is named ("points.3.numerator") with what to fix, and nothing is written; every
    changed cell is kept in the edit history. After the commit, a signal the change made new is
    told to the team (hub.projects.fanout). Returns how many cells changed."""
    policy.require(actor, "measure.enter_data", measure)
    cells, errors = data_cells.check_cells(measure, stratifiers.of_measure(measure), points)
    if errors:
        raise ValidationError(errors, _("Some cells need fixing; nothing was saved."))
    signals_before = fanout.signal_keys(measure)
    existing = {(p.period, p.stratum): p for p in db.session.scalars(
        select(DataPoint).where(DataPoint.measure_id == measure.id))}
    changed = 0
    for cell in cells:
        row = existing.get((cell.period, cell.stratum))
        before = _numbers(row) if row is not None else {}
        after = {k: v for k, v in cell.numbers.items() if v is not None}
        if before == after:
            continue
        if not after:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(DataPoint(measure_id=measure.id, period=cell.period, stratum=cell.stratum,
                                     updated_by_id=actor.id, **cell.numbers))
        else:
            for key, value in cell.numbers.items():
                setattr(row, key, value)
            row.updated_by_id, row.updated_at = actor.id, utcnow()
        db.session.add(DataEdit(measure_id=measure.id, period=cell.period, stratum=cell.stratum, before=before,
                                after=after, actor_id=actor.id, source=source))
        changed += 1
    db.session.commit()
    if changed:
        fanout.data_changed(actor, measure, signals_before)
    return changed


def _numbers(row: DataPoint) -> dict:
    return {k: getattr(row, k) for k in ("numerator", "denominator", "value") if getattr(row, k) is not None}


# ---------------------------------------------------------------- the chart's baseline, phases, exclusions

def _period_of(measure: Measure, errors: dict, value) -> object:
    day = fields.parse_period(str(value or ""), measure.period)
    if day is None:
        errors["period"] = _("Give the period like 2026-03 (a month), 2026-Q1 or 2026-W05.")
    return day


def set_baseline(actor, measure: Measure, data: dict) -> Measure:
    """Freeze the centre and limits on the periods up to data["period"] (null: unfreeze)."""
    policy.require(actor, "measure.edit", measure)
    errors: dict[str, str] = {}
    if "period" not in data:
        raise ValidationError({"period": _("Say through which period, like 2026-03 (or null to unfreeze).")})
    period = data["period"]
    day = _period_of(measure, errors, period) if period else None
    if errors:
        raise ValidationError(errors)
    measure.baseline_until = day
    db.session.commit()
    return measure


def add_phase(actor, measure: Measure, period: str, reason: str) -> MeasurePhase:
    """A new phase of the chart from this period on; a person decides it, and says why."""
    policy.require(actor, "measure.edit", measure)
    errors: dict[str, str] = {}
    day = _period_of(measure, errors, period)
    why = require_text(errors, "reason", reason, _("Reason"), 300)
    if day is not None and any(p.starts_on == day for p in measure.phases):
        errors["period"] = _("A phase already starts in this period.")
    if errors:
        raise ValidationError(errors)
    phase = MeasurePhase(measure_id=measure.id, starts_on=day, reason=why, created_by_id=actor.id)
    db.session.add(phase)
    db.session.commit()
    return phase


def exclude_period(actor, measure: Measure, period: str, reason: str) -> ExcludedPeriod:
    """Keep a period on the chart but out of its calculations, with the reason shown beside it."""
    policy.require(actor, "measure.edit", measure)
    errors: dict[str, str] = {}
    day = _period_of(measure, errors, period)
    why = require_text(errors, "reason", reason, _("Reason"), 300)
    if day is not None and any(e.period == day for e in measure.exclusions_list):
        errors["period"] = _("This period is already left out.")
    if errors:
        raise ValidationError(errors)
    row = ExcludedPeriod(measure_id=measure.id, period=day, reason=why)
    db.session.add(row)
    db.session.commit()
    return row


def remove_chart_mark(actor, measure: Measure, mark) -> None:
    """Take a phase split or an exclusion back."""
    policy.require(actor, "measure.edit", measure)
    if mark.measure_id != measure.id:
        raise ValidationError({"id": _("That is not this measure's.")})
    db.session.delete(mark)
    db.session.commit()
