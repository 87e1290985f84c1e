"""Network measure sets and the network view as the API gives them. The view's numbers are the
viewer's published ones: a team's hidden cell is null with "suppressed": true, never its number."""
from __future__ import annotations

from hub import policy
from hub.projects.measure_sets import DEFINITION
from hub.projects.models import MeasureSetItem, MeasureSetItemVersion
from hub.projects.network import NetworkView, TeamRow
from hub.projects.serialize import chart_json


def _iso(value):
    return value.isoformat() if value else None


def version_json(version: MeasureSetItemVersion) -> dict:
    data = {key: getattr(version, key) for key in DEFINITION}
    data.update(id=version.id, item_id=version.item_id, number=version.number, goal_date=_iso(version.goal_date),
                stratifiers=version.stratifiers or [], change_note=version.change_note,
                published_at=_iso(version.published_at), published_by_id=version.published_by_id)
    return data


def item_json(item: MeasureSetItem, viewer, versions: bool = False) -> dict:
    data = {"id": item.id, "cohort_id": item.measure_set.cohort_id, "version": version_json(item.latest),
            "can_edit": policy.can(viewer, "measure_set_item.edit", item)}
    if versions:
        data["versions"] = [version_json(v) for v in item.versions]
    return data


def _row_json(row: TeamRow, view: NetworkView) -> dict:
    version = row.measure.set_version
    return {"team": {"id": row.team.id, "name": row.team.name}, "project_id": row.measure.project_id,
            "project_title": row.measure.project.title,
            "measure_id": row.measure.id, "version": version.number if version else None,
            "raw": row.raw, "submitted": row.submitted,
            "latest": {"period": view.period_label or None, "suppressed": row.suppressed, "numerator": row.numerator,
                       "denominator": row.denominator, "value": row.value},
            "baseline": row.baseline, "last_shown": row.latest, "last_shown_period": row.latest_label or None,
            "standing": row.standing, "signals": row.signal_words, "bright_spot": row.bright,
            "chart": chart_json(row.chart, row.measure)}


def network_json(view: NetworkView, viewer) -> dict:
    return {"item": item_json(view.item, viewer), "period": view.period_label or None,
            "teams": [_row_json(r, view) for r in view.rows],
            "funnel": {"kind": view.funnel_kind, "centre": view.centre, "z": [1.96, 3.09],
                       "points": [{"team_id": f.row.team.id, "rate": f.rate, "denominator": f.n,
                                   "limits95": list(f.limits95), "limits998": list(f.limits998),
                                   "outside998": f.outside998} for f in view.funnel],
                       "not_plotted": [{"team_id": r.team.id, "name": r.team.name} for r in view.hidden]},
            "not_submitted": [{"team_id": r.team.id, "name": r.team.name, "measure_id": r.measure.id}
                              for r in view.not_submitted],
            "can_remind": policy.can(viewer, "measure_set_item.remind", view.item)}
