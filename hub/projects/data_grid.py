"""The data-entry grid of a measure page: one row per period, a numerator and a denominator
(or a value) per column (everyone, then each stratum), and the next period ready to fill.
Field names are "<period>|<stratum>|<n, d or v>", so a refused grid comes back as typed, each
refused cell with its message."""
from __future__ import annotations

from dataclasses import dataclass

from hub.projects import published, stratifiers
from hub.projects.fields import next_period, parse_period, period_label, period_start
from hub.projects.models import Measure


@dataclass
class GridCell:
    name: str           # the field's name, without its n/d/v suffix
    numerator: str
    denominator: str
    error: str


def columns(measure: Measure) -> list[tuple[str, str]]:
    out = [("", "")]
    for s in stratifiers.of_measure(measure):
        out += [(stratifiers.stratum_key({s.key: g}), f"{s.label}: {g}") for g in s.categories]
    return out


def grid_rows(measure: Measure, data: published.Published, typed: dict, errors: dict) -> list:
    from hub.extensions import utcnow
    periods = list(data.periods)
    upcoming = next_period(periods[-1], measure.period) if periods else period_start(utcnow().date(), measure.period)
    periods.append(upcoming)
    for field in typed:  # a refused grid shows again every period it held
        day = parse_period(field.split("|", 1)[0], measure.period) if "|" in field else None
        if day is not None and day not in periods:
            periods.append(day)
    periods.sort()
    rows = []
    for period in reversed(periods[-13:]):  # the latest year (and the next period) to type into
        label = period_label(period, measure.period)
        cells = []
        for key, _heading in columns(measure):
            cell = data.cell(period, key)
            name = f"{label}|{key}"
            shown = lambda v: "" if v is None or published.is_hidden(v) else f"{v:g}"  # noqa: E731
            cells.append(GridCell(
                name, typed.get(f"{name}|n", shown(cell.numerator if cell else None) if measure.type != "measurement"
                                else shown(cell.value if cell else None)),
                typed.get(f"{name}|d", shown(cell.denominator if cell else None)), _cell_error(errors, name)))
        rows.append((label, cells))
    return rows


def _cell_error(errors: dict, name: str) -> str:
    return errors.get(name, "")


def grid_points(measure: Measure, form: dict) -> tuple[list[dict], list[str]]:
    """The grid's fields as points for services.put_data, and each point's cell name (to put a
    refusal of points.3 back beside its cell). Cells left as they were still go in: put_data
    writes only what changed."""
    cells: dict[tuple[str, str], dict] = {}
    for field, text in form.items():
        parts = field.split("|")
        if len(parts) != 3 or parts[2] not in ("n", "d"):
            continue
        label, key, which = parts
        point = cells.setdefault((label, key), {"period": label, "stratum": stratifiers.stratum_parts(key) or None})
        if measure.type == "measurement":
            point["value"] = text.strip() or None
        else:
            point["numerator" if which == "n" else "denominator"] = text.strip() or None
    return list(cells.values()), [f"{label}|{key}" for label, key in cells]


def errors_by_cell(errors: dict, names: list[str]) -> dict[str, str]:
    """{"points.3.numerator": msg} -> {"2026-03|race=Asian": msg} (the first message per cell)."""
    out: dict[str, str] = {}
    for field, message in errors.items():
        parts = field.split(".")
        if len(parts) >= 2 and parts[0] == "points" and parts[1].isdigit() and int(parts[1]) < len(names):
            out.setdefault(names[int(parts[1])], message)
        else:
            out.setdefault("form", message)
    return out
