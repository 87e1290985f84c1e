"""Projects, measures, cycles and data as the API gives them (the same published data the
pages show: a hidden cell is null with "suppressed": true, never its number)."""
from __future__ import annotations

from hub import policy
from hub.projects import published, stratifiers
from hub.projects.fields import period_label
from hub.projects.models import Cycle, DriverNode, Measure, Project


def _iso(value):
    return value.isoformat() if value else None


def project_json(project: Project, viewer, detail: bool = False) -> dict:
    data = {"id": project.id, "team_id": project.team_id, "space_id": project.space_id, "title": project.title,
            "aim": project.aim, "aim_what": project.aim_what, "aim_how_much": project.aim_how_much,
            "aim_by_when": _iso(project.aim_by_when), "aim_for_whom": project.aim_for_whom,
            "focus_stratifier": project.focus_stratifier, "focus_group": project.focus_group,
            "reference_group": project.reference_group, "status": project.status, "visibility": project.visibility,
            "updated_at": _iso(project.updated_at), "can_edit": policy.can(viewer, "project.edit", project)}
    if detail:
        data.update(drivers=[node_json(n) for n in project.nodes], cycles=[cycle_json(c) for c in project.cycles],
                    measures=[measure_json(m) for m in project.measures])
    return data


def node_json(node: DriverNode) -> dict:
    return {"id": node.id, "kind": node.kind, "text": node.text, "parent_id": node.parent_id,
            "resource_id": node.resource_id, "position": node.position}


def cycle_json(cycle: Cycle) -> dict:
    return {"id": cycle.id, "project_id": cycle.project_id, "title": cycle.title, "change_idea_id": cycle.change_idea_id,
            "plan": cycle.plan, "prediction": cycle.prediction, "do_notes": cycle.do_notes, "study": cycle.study,
            "act": cycle.act, "starts_on": _iso(cycle.starts_on), "ends_on": _iso(cycle.ends_on),
            "measure_ids": cycle.measure_ids or [], "resource_ids": cycle.resource_ids or []}


def measure_json(measure: Measure) -> dict:
    return {"id": measure.id, "project_id": measure.project_id, "name": measure.name, "kind": measure.kind,
            "type": measure.type, "numerator": measure.numerator, "denominator": measure.denominator,
            "inclusions": measure.inclusions, "exclusions": measure.exclusions, "data_source": measure.data_source,
            "per": measure.per, "direction": measure.direction, "goal_value": measure.goal_value,
            "goal_date": _iso(measure.goal_date), "period": measure.period, "stratifiers": measure.stratifiers or [],
            "custom_stratifiers": measure.custom_stratifiers or [],
            "baseline_until": period_label(measure.baseline_until, measure.period) if measure.baseline_until else None,
            "phases": [mark_json(p, measure) for p in measure.phases],
            "excluded_periods": [mark_json(e, measure) for e in measure.exclusions_list]}


def mark_json(mark, measure: Measure) -> dict:
    """A phase split or an excluded period, with its reason."""
    day = getattr(mark, "starts_on", None) or mark.period
    return {"id": mark.id, "period": period_label(day, measure.period), "reason": mark.reason}


def _shown(value):
    return None if published.is_hidden(value) else value


def data_json(measure: Measure, data: published.Published) -> dict:
    points = []
    for (period, stratum), cell in sorted(data.cells.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        hidden = any(published.is_hidden(v) for v in (cell.numerator, cell.denominator, cell.value))
        point = {"period": period_label(period, measure.period), "stratum": stratifiers.stratum_parts(stratum) or None,
                 "suppressed": hidden, "unstable": cell.unstable}
        if measure.type == "measurement":
            point["value"] = _shown(cell.value)
        else:
            point.update(numerator=_shown(cell.numerator), denominator=_shown(cell.denominator),
                         value=_shown(cell.value))
        points.append(point)
    return {"measure_id": measure.id, "raw": data.raw, "points": points}


def chart_json(chart, measure: Measure) -> dict:
    points = []
    for i, p in enumerate(chart.result.points):
        hidden = chart.hidden[i]
        points.append({"period": chart.labels[i], "value": None if hidden else p.value, "suppressed": hidden,
                       "ucl": None if hidden else p.ucl, "lcl": None if hidden else p.lcl,
                       "centre": p.centre, "signal": p.signal, "excluded": p.excluded, "unstable": chart.unstable[i]})
    centre = next((p.centre for p in reversed(chart.result.points) if p.centre is not None), None)
    return {"chart": chart.chart, "rules": chart.rules, "center": centre,
            "stratum": stratifiers.stratum_parts(chart.stratum) or None, "points": points,
            "signals": [{"rule": rule, "periods": periods, "text": text} for rule, periods, text in chart.signals],
            "summary": chart.summary, "strata": {}}
