"""The document's network measure sets: a cohort's shared, versioned measure definitions,
adopting one into a project, moving to another version, and the network view of one of them."""
from __future__ import annotations

from hub.api.spec.projects import SCHEMAS as PROJECT_SCHEMAS
from hub.api.spec.types import (BOOL, ID, INT, NULL_DATE, NULL_INT, NULL_STR, STR, STRS, TEXT, ints, list_of, obj,
                                one_of, query, ref)
from hub.projects.models import DIRECTIONS, MEASURE_KINDS, MEASURE_TYPES, PERIODS

_NUMBER = {"type": ["number", "null"]}
_SHOWN = {"type": ["number", "null"], "description": "null when not entered or suppressed for you"}
_DEFINITION = dict(name=TEXT, kind=one_of(*MEASURE_KINDS), type=one_of(*MEASURE_TYPES), numerator=STR,
                   denominator=STR, inclusions=STR, exclusions=STR, data_source=STR, per=ints(1, 1_000_000),
                   direction=one_of(*DIRECTIONS), period=one_of(*PERIODS), stratifiers=STRS, goal_value=_NUMBER,
                   goal_date=NULL_DATE, change_note={"type": "string", "description": "What changed, and why"})
_PERIOD = {"type": "string", "description": "2026-03, 2026-Q1 or 2026-W05; the latest with data when left out"}

SCHEMAS = {
    "MeasureSetVersion": obj(id=INT, item_id=INT, number=INT, **{k: STR for k in _DEFINITION
                                                                 if k not in ("per", "stratifiers", "goal_value",
                                                                              "goal_date")},
                             per=INT, stratifiers=STRS, goal_value=_NUMBER, goal_date=NULL_STR, published_at=STR,
                             published_by_id=INT),
    "MeasureSetItem": obj(id=INT, cohort_id=INT, version=ref("MeasureSetVersion"), can_edit=BOOL,
                          versions={**list_of(ref("MeasureSetVersion")), "description": "Only on a single item"}),
    "MeasureSetItemWrite": obj(**_DEFINITION),
    "AdoptedMeasure": {**PROJECT_SCHEMAS["Measure"], "properties": {
        **PROJECT_SCHEMAS["Measure"]["properties"], "set_version": ref("MeasureSetVersion"),
        "history": {"type": "array", "description": "Only on a move: adopted at, then each move (from, to, "
                                                    "data_through)"}}},
    "NetworkTeam": obj(team=obj(id=INT, name=STR), project_id=INT, project_title=STR, measure_id=INT,
                       version=NULL_INT, raw=BOOL,
                       submitted=BOOL, latest=obj(period=NULL_STR, suppressed=BOOL, numerator=_SHOWN,
                                                  denominator=_SHOWN, value=_SHOWN),
                       baseline={**_NUMBER, "description": "The median of the first 12 periods shown"},
                       last_shown=_NUMBER, last_shown_period=NULL_STR, standing=STR, signals=STRS,
                       bright_spot=BOOL, chart=ref("Chart")),
    "NetworkView": obj(item=ref("MeasureSetItem"), period=NULL_STR, teams=list_of(ref("NetworkTeam")),
                       funnel=obj(kind={"type": ["string", "null"], "enum": ["binomial", "poisson", None]},
                                  centre=_NUMBER, z=list_of({"type": "number"}),
                                  points=list_of(obj(team_id=INT, rate={"type": "number"},
                                                     denominator={"type": "number"},
                                                     limits95=list_of({"type": "number"}),
                                                     limits998=list_of({"type": "number"}), outside998=BOOL)),
                                  not_plotted=list_of(obj(team_id=INT, name=STR))),
                       not_submitted=list_of(obj(team_id=INT, name=STR, measure_id=INT)), can_remind=BOOL),
}
_ITEMS = obj(items=list_of(ref("MeasureSetItem")), next=NULL_STR)

ROUTES = [
    ("get", "/cohorts/{cohort_id}/measure-set/items", "The cohort's network measures (for readers of its space)",
     None, _ITEMS, 200),
    ("post", "/cohorts/{cohort_id}/measure-set/items", "Publish a network measure at version 1 (the cohort's "
     "facilitators and site staff)", {**SCHEMAS["MeasureSetItemWrite"], "required": ["name"]}, "MeasureSetItem", 201),
    ("get", "/measure-set-items/{item_id}", "A network measure with every published version", None,
     "MeasureSetItem", 200),
    ("patch", "/measure-set-items/{item_id}", "Publish its next version (the fields named change; old versions "
     "stay, and teams stay on theirs until they move)", "MeasureSetItemWrite", "MeasureSetItem", 200),
    ("post", "/projects/{project_id}/measures/adopt", "Adopt a network measure into a project of a team in its "
     "cohort: a measure following its latest version", obj("item_id", item_id=ID), "AdoptedMeasure", 201),
    ("post", "/measures/{measure_id}/version", "Move a network measure to another published version (recorded)",
     obj("version", version=ints(1, 1_000_000)), "AdoptedMeasure", 200),
    ("get", "/cohorts/{cohort_id}/measures/{item_id}", "The network view: each team's published data, a funnel "
     "plot of the period, where each team stands, and who has not sent data", None, "NetworkView", 200),
    ("post", "/cohorts/{cohort_id}/measures/{item_id}/reminders", "Remind the teams that have not sent data for "
     "the period (all, or those named) (the cohort's facilitators and site staff)",
     obj(period=_PERIOD, team_ids=list_of(ID)), obj(reminded_team_ids=list_of(INT)), 200),
]
QUERY = {
    ("get", "/cohorts/{cohort_id}/measures/{item_id}"): query(("period", _PERIOD)),
}
