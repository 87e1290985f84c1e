"""A measure as a FHIR R4 MeasureReport (type "summary"): one group for the measure, with its
numerator and denominator counts and measureScore, and a stratifier per way the data is cut,
each group of it a stratum (an intersection's parts as components).

It is written from the published data (hub.projects.published) and from nothing else: over a
range of periods a figure is the sum of that range's published cells, and a figure any of whose
cells is hidden from the viewer is left out, never a number. The stratum then carries the
standard data-absent-reason extension with the code "masked" and has no populations and no
measureScore. So the report tells a viewer nothing the measure's page does not."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hub.projects import published, stratifiers
from hub.projects.fields import next_period, period_label
from hub.projects.models import Measure

MASKED = {"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason", "valueCode": "masked"}
_POPULATION = "http://terminology.hl7.org/CodeSystem/measure-population"
_IMPROVEMENT = "http://terminology.hl7.org/CodeSystem/measure-improvement-notation"


def _total(cells, part: str):
    """The sum of one part (numerator, denominator) of a range's cells: None when none was
    entered, HIDDEN when any is hidden."""
    values = [getattr(c, part) for c in cells]
    if any(published.is_hidden(v) for v in values):
        return published.HIDDEN
    given = [v for v in values if v is not None]
    return sum(given) if given else None


def _score(measure: Measure, cells, numerator, denominator):
    if measure.type == "measurement":
        values = [c.value for c in cells]
        if any(published.is_hidden(v) for v in values):
            return published.HIDDEN
        given = [v for v in values if v is not None]
        return sum(given) / len(given) if given else None
    if published.HIDDEN in (numerator, denominator) and measure.type != "count":
        return published.HIDDEN
    if measure.type == "count":
        return numerator
    if numerator is None or not denominator:
        return None
    return numerator / denominator * (measure.per if measure.type == "rate" else 1)


def _figures(measure: Measure, cells) -> dict:
    """A group's or stratum's populations and measureScore, or the masked extension."""
    numerator, denominator = _total(cells, "numerator"), _total(cells, "denominator")
    score = _score(measure, cells, numerator, denominator)
    if published.HIDDEN in (numerator, score) or (measure.type in ("proportion", "rate")
                                                  and denominator is published.HIDDEN):
        return {"extension": [dict(MASKED)]}
    out: dict = {}
    populations = [("numerator", numerator)] + ([("denominator", denominator)]
                                                if measure.type in ("proportion", "rate") else [])
    given = [{"code": {"coding": [{"system": _POPULATION, "code": code}]}, "count": int(count)}
             for code, count in populations if count is not None]
    if given and measure.type != "measurement":
        out["population"] = given  # (FHIR allows no empty lists)
    if score is not None:
        out["measureScore"] = {"value": round(float(score), 6)}
    return out


def _period_of(measure: Measure, periods: list[date]) -> dict:
    if not periods:
        return {}
    end = next_period(periods[-1], measure.period) - timedelta(days=1)
    return {"start": periods[0].isoformat(), "end": end.isoformat()}


def measure_report(measure: Measure, data: published.Published, measure_url: str,
                   period: date | None = None) -> dict:
    """The MeasureReport as a JSON-ready dict (its data the viewer's published data)."""
    periods = [p for p in data.periods if period is None or p == period]
    if period is not None and not periods:
        periods = [period]
    cells_of: dict[str, list] = {}
    for (when, key), cell in data.cells.items():
        if when in periods:
            cells_of.setdefault(key, []).append(cell)
    group: dict = {"code": {"text": measure.name}, **_figures(measure, cells_of.get("", []))}
    strata: dict[tuple[str, ...], list] = {}
    for key in sorted(k for k in cells_of if k):
        parts = stratifiers.stratum_parts(key)
        strata.setdefault(tuple(sorted(parts)), []).append((parts, cells_of[key]))
    if strata:
        group["stratifier"] = [_stratifier(measure, keys, entries) for keys, entries in sorted(strata.items())]
    report = {"resourceType": "MeasureReport", "id": f"measure-{measure.id}" + (
        f"-{period_label(period, measure.period)}" if period else ""), "status": "complete", "type": "summary",
        "measure": measure_url, "date": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "period": _period_of(measure, periods) or {"start": date.today().isoformat()},
        "improvementNotation": {"coding": [{"system": _IMPROVEMENT,
                                            "code": "increase" if measure.direction == "up" else "decrease"}]},
        "group": [group]}
    return report


def _stratifier(measure: Measure, keys: tuple[str, ...], entries) -> dict:
    out = []
    for parts, cells in entries:
        stratum: dict = {}
        if len(parts) == 1:
            stratum["value"] = {"text": next(iter(parts.values()))}
        else:
            stratum["component"] = [{"code": {"text": k}, "value": {"text": parts[k]}} for k in keys]
        stratum.update(_figures(measure, cells))
        out.append(stratum)
    return {"code": [{"text": k} for k in keys], "stratum": out}

