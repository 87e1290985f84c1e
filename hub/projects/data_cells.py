"""Checking data before it is written: each cell of a grid, an API body or a CSV file is read
the same way, and each refusal names its cell ("points.3.numerator") and says what to fix."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from hub.projects import fields, stratifiers
from hub.projects.models import Measure

MAX_CELLS = 20_000


@dataclass(frozen=True)
class Cell:
    period: date
    stratum: str
    numbers: dict  # numerator, denominator, value (None for "not given")


def _number(value, whole: bool):
    if value is None or value == "":
        return None, None
    if isinstance(value, bool):
        return None, _("Give a number.")
    if isinstance(value, str):
        try:
            value = float(value.replace(",", "").strip())
        except ValueError:
            return None, _("Give a number.")
    if not isinstance(value, (int, float)) or value != value or value in (float("inf"), float("-inf")):
        return None, _("Give a number.")
    if value < 0:
        return None, _("Give a number of zero or more.")
    if whole and value != int(value):
        return None, _("Give a whole number (a count of people or events).")
    return float(value), None


def check_cells(measure: Measure, known: list[stratifiers.Stratifier], points) -> tuple[list[Cell], dict]:
    errors: dict[str, str] = {}
    if not isinstance(points, list):
        return [], {"points": _("Send a list of points.")}
    if len(points) > MAX_CELLS:
        return [], {"points": _("Send at most %(n)d points at once.", n=MAX_CELLS)}
    by_key = {s.key: s for s in known}
    cells: dict[tuple, Cell] = {}
    for i, point in enumerate(points):
        where = f"points.{i}"
        if not isinstance(point, dict):
            errors[where] = _("Each point is an object with a period.")
            continue
        period = fields.parse_period(str(point.get("period", "")), measure.period)
        if period is None:
            errors[f"{where}.period"] = _("Give the period like 2026-03 (a month), 2026-Q1 or 2026-W05.")
        stratum = point.get("stratum")
        key = _stratum(stratum, by_key, errors, f"{where}.stratum")
        numbers = _cell_numbers(measure, point, errors, where)
        if period is not None and key is not None and numbers is not None:
            if (period, key) in cells:
                errors[f"{where}.period"] = _("This period and stratum appear twice.")
            cells[(period, key)] = Cell(period, key, numbers)
    return list(cells.values()), errors


def _stratum(stratum, by_key: dict, errors: dict, where: str) -> str | None:
    if stratum in (None, {}, ""):
        return ""
    if not isinstance(stratum, dict) or not all(isinstance(v, str) for v in stratum.values()):
        errors[where] = _("A stratum is like {\"race\": \"Asian\"}, or null for everyone.")
        return None
    for key, group in stratum.items():
        if key not in by_key:
            errors[where] = _("This measure is not stratified by %(key)s.", key=key)
            return None
        if group not in by_key[key].categories:
            errors[where] = _("%(group)s is not a group of %(key)s.", group=group, key=key)
            return None
    return stratifiers.stratum_key(stratum)


def _cell_numbers(measure: Measure, point: dict, errors: dict, where: str) -> dict | None:
    if measure.type == "measurement":
        value, problem = _number(point.get("value"), whole=False)
        if problem:
            errors[f"{where}.value"] = problem
            return None
        return {"numerator": None, "denominator": None, "value": value}
    whole_denominator = measure.type == "proportion"
    numerator, problem = _number(point.get("numerator"), whole=measure.type != "measurement")
    if problem:
        errors[f"{where}.numerator"] = problem
    denominator, problem_d = _number(point.get("denominator"), whole=whole_denominator)
    if problem_d:
        errors[f"{where}.denominator"] = problem_d
    if problem or problem_d:
        return None
    if measure.type in ("proportion", "rate") and (numerator is None) != (denominator is None):
        errors[f"{where}.denominator" if denominator is None else f"{where}.numerator"] = _(
            "Give both the numerator and the denominator, or neither.")
        return None
    if measure.type in ("proportion", "rate") and denominator == 0 and numerator:
        errors[f"{where}.denominator"] = _("The denominator can't be 0 when the numerator is not.")
        return None
    if measure.type == "proportion" and numerator is not None and numerator > denominator:
        errors[f"{where}.numerator"] = _("The numerator can't be larger than the denominator.")
        return None
    return {"numerator": numerator, "denominator": denominator if measure.type != "count" else None, "value": None}
