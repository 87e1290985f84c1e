"""The document's projects: projects, driver diagrams, PDSA cycles, measures, data, charts."""
from __future__ import annotations

from hub.api.spec.types import (BOOL, DATE, IDS, INT, NULL_DATE, NULL_ID, NULL_INT, NULL_STR, STR, STRS, TEXT,
                                ints, list_of, obj, one_of, query)
from hub.projects.models import (ACTS, DIRECTIONS, MEASURE_KINDS, MEASURE_TYPES, NODE_KINDS, PERIODS, STATUSES,
                                 VISIBILITIES)
from hub.projects.stratifiers import BY_KEY

_NUMBER = {"type": ["number", "null"], "minimum": 0}
_CUSTOM = list_of(obj("key", "categories", key=STR, label=STR, categories=STRS))
_PROJECT_FIELDS = dict(title=TEXT, aim=STR, aim_what=STR, aim_how_much=STR, aim_by_when=NULL_DATE, aim_for_whom=STR,
                       focus_stratifier={"type": "string", "enum": ["", *BY_KEY]}, focus_group=STR,
                       reference_group=STR, status=one_of(*STATUSES), visibility=one_of(*VISIBILITIES))
_MEASURE_FIELDS = dict(name=TEXT, kind=one_of(*MEASURE_KINDS), type=one_of(*MEASURE_TYPES), numerator=STR,
                       denominator=STR, inclusions=STR, exclusions=STR, data_source=STR, per=ints(1, 1_000_000),
                       direction=one_of(*DIRECTIONS), goal_value={"type": ["number", "null"]}, goal_date=NULL_DATE,
                       period=one_of(*PERIODS), stratifiers=STRS, custom_stratifiers=_CUSTOM)
_CYCLE_FIELDS = dict(title=TEXT, change_idea_id=NULL_ID, plan=STR, prediction=STR, do_notes=STR, study=STR,
                     act=one_of(*ACTS), starts_on=DATE, ends_on=NULL_DATE, measure_ids=IDS, resource_ids=IDS)
_POINT = {"type": "object", "required": ["period"], "properties": {
    "period": {"type": "string", "description": "2026-03, 2026-Q1 or 2026-W05"},
    "stratum": {"type": ["object", "null"], "additionalProperties": STR,
                "description": "{\"race\": \"Asian\"}; null for everyone"},
    "numerator": _NUMBER, "denominator": _NUMBER, "value": {"type": ["number", "null"]}}}
_CYCLE_OWN = {"change_idea_id", "ends_on", "measure_ids", "resource_ids"}
_MEASURE_OWN = {"per", "goal_value", "goal_date", "stratifiers", "custom_stratifiers"}
_MARK = obj("period", "reason", period={"type": "string", "description": "2026-03, 2026-Q1 or 2026-W05"},
           reason=TEXT)
_SHOWN = {"type": ["number", "null"], "description": "null when not entered or suppressed"}

SCHEMAS = {
    "Project": obj(id=INT, team_id=INT, space_id=INT, **{k: STR for k in _PROJECT_FIELDS if k != "aim_by_when"},
                   aim_by_when=NULL_STR, updated_at=STR, can_edit=BOOL,
                   drivers={"type": "array", "description": "Only on a single project"},
                   cycles={"type": "array", "description": "Only on a single project"},
                   measures={"type": "array", "description": "Only on a single project"}),
    "ProjectWrite": obj(**_PROJECT_FIELDS),
    "DriverNode": obj(id=INT, kind=STR, text=STR, parent_id=NULL_INT, resource_id=NULL_INT, position=INT),
    "Cycle": obj(id=INT, project_id=INT, **{k: STR for k in _CYCLE_FIELDS if k not in _CYCLE_OWN},
                 change_idea_id=NULL_INT, ends_on=NULL_STR, measure_ids=list_of(INT), resource_ids=list_of(INT)),
    "CycleWrite": obj(**_CYCLE_FIELDS),
    "Measure": obj(id=INT, project_id=INT, **{k: STR for k in _MEASURE_FIELDS if k not in _MEASURE_OWN}, per=INT,
                   goal_value={"type": ["number", "null"]}, goal_date=NULL_STR, stratifiers=STRS,
                   custom_stratifiers={"type": "array"}, baseline_until=NULL_STR,
                   phases=list_of({"$ref": "#/components/schemas/ChartMark"}),
                   excluded_periods=list_of({"$ref": "#/components/schemas/ChartMark"})),
    "ChartMark": obj(id=INT, period=STR, reason=STR),
    "MeasureWrite": obj(**_MEASURE_FIELDS),
    "MeasureData": obj(measure_id=INT, raw={"type": "boolean", "description": "false: small cells suppressed"},
                       changed={"type": "integer", "description": "Only on PUT: cells changed"},
                       points=list_of(obj(period=STR, stratum={"type": ["object", "null"]}, suppressed=BOOL,
                                          unstable=BOOL, numerator=_SHOWN, denominator=_SHOWN, value=_SHOWN))),
    "ChartPoint": obj(period=STR, value=_SHOWN, suppressed=BOOL, ucl=_SHOWN, lcl=_SHOWN,
                      centre={"type": ["number", "null"]}, signal=BOOL, excluded=NULL_STR, unstable=BOOL),
    "Chart": obj(chart=STR, rules=STR, center={"type": ["number", "null"]}, stratum={"type": ["object", "null"]},
                 points=list_of({"$ref": "#/components/schemas/ChartPoint"}),
                 signals=list_of(obj(rule=STR, periods=STRS, text=STR)), summary=STR,
                 strata={"type": "object", "description": "With ?stratifier=: a chart per group"}),
}
_PAGE = lambda name: {"type": "object", "properties": {  # noqa: E731
    "items": list_of({"$ref": f"#/components/schemas/{name}"}), "next": NULL_STR}}

ROUTES = [
    ("get", "/teams/{team_id}/projects", "A team's projects you may see", None, _PAGE("Project"), 200),
    ("post", "/teams/{team_id}/projects", "Start a project (the team, and staff)",
     {**SCHEMAS["ProjectWrite"], "required": ["title"]}, "Project", 201),
    ("get", "/projects/{project_id}", "A project with its driver diagram, cycles and measures", None, "Project", 200),
    ("patch", "/projects/{project_id}", "Change a project (only the fields named); visibility shares it with the "
     "team's cohort or the community", "ProjectWrite", "Project", 200),
    ("delete", "/projects/{project_id}", "Delete a project", None, None, 204),
    ("post", "/projects/{project_id}/drivers", "Add to the driver diagram: a primary driver, a secondary driver "
     "(parent_id: a primary) or a change idea (parent_id: a secondary; resource_id: the library's change idea)",
     obj("kind", "text", kind=one_of(*NODE_KINDS), text=TEXT, parent_id=NULL_ID, resource_id=NULL_ID),
     "DriverNode", 201),
    ("delete", "/drivers/{node_id}", "Remove a box of the driver diagram (and what hangs under it)", None, None, 204),
    ("get", "/projects/{project_id}/cycles", "PDSA cycles", None, _PAGE("Cycle"), 200),
    ("post", "/projects/{project_id}/cycles", "Add a PDSA cycle",
     {**SCHEMAS["CycleWrite"], "required": ["title", "starts_on"]}, "Cycle", 201),
    ("patch", "/cycles/{cycle_id}", "Change a PDSA cycle (only the fields named)", "CycleWrite", "Cycle", 200),
    ("get", "/projects/{project_id}/measures", "A project's measures", None, _PAGE("Measure"), 200),
    ("post", "/projects/{project_id}/measures", "Add a measure", {**SCHEMAS["MeasureWrite"], "required": ["name"]},
     "Measure", 201),
    ("get", "/measures/{measure_id}", "One measure", None, "Measure", 200),
    ("patch", "/measures/{measure_id}", "Change a measure (only the fields named)", "MeasureWrite", "Measure", 200),
    ("get", "/measures/{measure_id}/data", "The measure's data per period and stratum (small cells suppressed "
     "unless you may see raw counts)", None, "MeasureData", 200),
    ("put", "/measures/{measure_id}/data", "Enter or correct data; a point with no numbers clears its cell; "
     "every refused cell is named (points.3.numerator) and nothing is saved",
     obj("points", points={**list_of(_POINT), "maxItems": 20000}), "MeasureData", 200),
    ("get", "/measures/{measure_id}/chart", "The chart: centre, limits, signals in words, a summary", None, "Chart",
     200),
    ("put", "/measures/{measure_id}/baseline", "Freeze the centre and limits on the periods up to this one "
     "(period null: unfreeze)", obj("period", period=NULL_STR), "Measure", 200),
    ("post", "/measures/{measure_id}/phases", "Start a new phase of the chart at a period, saying why",
     _MARK, "ChartMark", 201),
    ("delete", "/measures/{measure_id}/phases/{mark_id}", "Take a phase split back", None, None, 204),
    ("post", "/measures/{measure_id}/exclusions", "Leave a period out of the chart's calculations, saying why "
     "(it stays on the chart)", _MARK, "ChartMark", 201),
    ("delete", "/measures/{measure_id}/exclusions/{mark_id}", "Count a left-out period again", None, None, 204),
]
QUERY = {
    ("get", "/measures/{measure_id}/chart"): query(
        ("chart", one_of("run", "p", "pp", "u", "up", "c", "i")), ("rules", one_of("anhoej", "ihi")),
        ("stratum", {"type": "string", "description": "race=Asian (or language=Spanish|race=Asian)"}),
        ("stratifier", STR)),
}
