"""A measure's data as a viewer may see it: per period, the whole population and each stratum,
raw for those the policy lets see raw counts (project.view_raw), else small-cell suppressed
(hub.projects.suppression) across every margin a viewer could subtract along. Every surface
(pages, charts, CSV, API) reads the data through here, so none can publish a hidden cell."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app

from hub.projects import queries, stratifiers, suppression
from hub.projects.fields import next_period, period_label
from hub.projects.models import Measure

HIDDEN = suppression.SUPPRESSED


@dataclass(frozen=True)
class Cell:
    numerator: float | None | object    # a number, None (not entered) or HIDDEN
    denominator: float | None | object
    value: float | None | object        # the rate, or a measurement's value
    unstable: bool = False              # a rate from fewer than 20 events


@dataclass
class Published:
    periods: list[date]
    labels: list[str]
    raw: bool
    cells: dict[tuple[date, str], Cell]  # (period, stratum key) -> cell; "" is everyone

    def cell(self, period: date, stratum: str = "") -> Cell | None:
        return self.cells.get((period, stratum))


def _rate(num, den, measure: Measure):
    if measure.type == "count":
        return num
    if num is None or den is None or den == 0:
        return None
    return num / den * (measure.per if measure.type == "rate" else 1)


def publish(measure: Measure, raw: bool, strata_of=None) -> Published:
    rows = queries.points(measure)
    by_period: dict[date, dict[str, object]] = {}
    for row in rows:
        by_period.setdefault(row.period, {})[row.stratum] = row
    periods = _period_range(sorted(by_period), measure.period)
    known = strata_of or stratifiers.of_measure(measure)
    cells: dict[tuple[date, str], Cell] = {}
    threshold = current_app.config.get("SMALL_CELL_THRESHOLD", 11)
    for period in periods:
        entered = by_period.get(period, {})
        if measure.type == "measurement":
            for key, row in entered.items():
                cells[(period, key)] = Cell(None, None, row.value)
            continue
        raw_cells = {key: _raw_cell(row, measure) for key, row in entered.items()}
        cells.update({(period, key): cell for key, cell in (raw_cells if raw else _suppressed(
            measure, entered, known, threshold)).items()})
    return Published(periods, [period_label(p, measure.period) for p in periods], raw, cells)


def _period_range(present: list[date], period: str) -> list[date]:
    """Every period from the first to the last with data: a missing month is a gap, not skipped."""
    if not present:
        return []
    out, day = [], present[0]
    while day <= present[-1] and len(out) < 2000:
        out.append(day)
        day = next_period(day, period)
    return out


def _raw_cell(row, measure: Measure) -> Cell:
    num = row.numerator
    den = row.denominator if measure.type != "count" else None
    return Cell(num, den, _rate(num, den, measure), unstable=num is not None and num < 20)


def _suppressed(measure: Measure, entered: dict, known, threshold: int) -> dict[str, Cell]:
    """One period's table through the suppression module. Strata that do not add up to the
    whole (data still being entered) cannot be protected by complements: then every stratum of
    that stratifier is hidden, and the total is treated alone."""
    def pair(row):
        num = int(row.numerator or 0)
        return (num, num) if measure.type == "count" else (num, int(row.denominator or 0))

    whole = entered.get("")
    complete = {}
    for stratifier in known:
        rows = {g: entered.get(stratifiers.stratum_key({stratifier.key: g})) for g in stratifier.categories}
        if all(r is not None for r in rows.values()):
            complete[stratifier.key] = {g: pair(r) for g, r in rows.items()}
    if whole is None and complete:
        first = next(iter(complete.values()))
        total = tuple(map(sum, zip(*first.values())))
    elif whole is not None:
        total = pair(whole)
    else:
        total = None
    usable = {k: v for k, v in complete.items() if total is not None and tuple(map(sum, zip(*v.values()))) == total}
    out: dict[str, Cell] = {}
    if total is not None:
        try:
            table = suppression.suppress(total, usable, threshold=threshold, proportion=measure.type == "proportion")
        except ValueError:
            table = suppression.suppress(total, {}, threshold=threshold, proportion=measure.type == "proportion")
            usable = {}
        if whole is not None:
            out[""] = _from_published(table.total, measure)
        for key, strata in table.strata.items():
            for group, published in strata.items():
                out[stratifiers.stratum_key({key: group})] = _from_published(published, measure)
    for key in entered:
        # Strata that could not be checked against the whole, and intersections: hidden whole.
        out.setdefault(key, Cell(HIDDEN, HIDDEN, HIDDEN))
    return out


def _from_published(cell, measure: Measure) -> Cell:
    num, den, rate = cell.numerator, cell.denominator, cell.rate
    if measure.type == "count":
        return Cell(num, None, num, unstable=False)
    if measure.type == "rate" and rate is not HIDDEN:
        rate = rate * measure.per
    return Cell(num, den, rate, unstable=bool(cell.unstable))


def is_hidden(value) -> bool:
    return value is HIDDEN
