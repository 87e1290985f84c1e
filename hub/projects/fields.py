"""What several of the projects domain's modules share: reading periods, and checking the
fields of a project, a measure and a cycle (a message per field, nothing written)."""
from __future__ import annotations

import re
from datetime import date, timedelta

from flask_babel import gettext as _

from hub.projects import stratifiers
from hub.projects.models import ACTS, DIRECTIONS, MEASURE_KINDS, MEASURE_TYPES, PERIODS, STATUSES, VISIBILITIES
from hub.validation import require_text

_MONTH = re.compile(r"(\d{4})-(\d{2})")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_period(text: str, period: str) -> date | None:
    """A period as its first day: "2026-03" (month), "2026-Q1" (quarter), "2026-W05" (ISO week),
    or a date inside it ("2026-03-17"). None when it is none of these."""
    text = (text or "").strip()
    try:
        if m := _DAY.fullmatch(text):
            day = date(int(m[1]), int(m[2]), int(m[3]))
        elif m := _MONTH.fullmatch(text):
            day = date(int(m[1]), int(m[2]), 1)
        elif m := _QUARTER.fullmatch(text):
            day = date(int(m[1]), 3 * int(m[2]) - 2, 1)
        elif m := _WEEK.fullmatch(text):
            day = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        else:
            return None
    except ValueError:
        return None
    return period_start(day, period)


def period_start(day: date, period: str) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day.replace(day=1)


def period_label(day: date, period: str) -> str:
    """The period as data is entered and exported: 2026-03, 2026-Q1, 2026-W05."""
    if period == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def next_period(day: date, period: str) -> date:
    if period == "week":
        return day + timedelta(days=7)
    months = 3 if period == "quarter" else 1
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def _date(errors: dict, name: str, value) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[name] = _("Give a date like 2027-06-30.")
        return None


def _choice(errors: dict, name: str, value, choices, message: str):
    if value not in choices:
        errors[name] = message
    return value


def project_fields(data: dict, current=None) -> tuple[dict, dict]:
    """The fields a project write names (all of them for a new one), checked: (values, errors)."""
    errors: dict[str, str] = {}
    values: dict = {}
    new = current is None

    def named(key):
        return new or key in data

    if named("title"):
        values["title"] = require_text(errors, "title", data.get("title"), _("Title"), 200)
    for key, label, n in (("aim", _("Aim"), 4000), ("aim_what", _("What"), 300), ("aim_how_much", _("How much"), 200),
                          ("aim_for_whom", _("For whom"), 300), ("focus_group", _("Focus group"), 80),
                          ("reference_group", _("Reference group"), 80)):
        if named(key):
            values[key] = require_text(errors, key, data.get(key), label, n, required=False)
    if named("aim_by_when"):
        values["aim_by_when"] = _date(errors, "aim_by_when", data.get("aim_by_when"))
    if named("focus_stratifier"):
        values["focus_stratifier"] = str(data.get("focus_stratifier") or "")
        if values["focus_stratifier"] and values["focus_stratifier"] not in stratifiers.BY_KEY:
            errors["focus_stratifier"] = _("Choose a stratifier from the list.")
    if named("status"):
        values["status"] = _choice(errors, "status", data.get("status") or "planning", STATUSES,
                                   _("Choose a status from the list."))
    if named("visibility"):
        values["visibility"] = _choice(errors, "visibility", data.get("visibility") or "team", VISIBILITIES,
                                       _("Choose team, cohort or community."))
    focus = values.get("focus_stratifier", getattr(current, "focus_stratifier", ""))
    categories = stratifiers.BY_KEY[focus].categories if focus in stratifiers.BY_KEY else ()
    for key in ("focus_group", "reference_group"):
        if values.get(key) and categories and values[key] not in categories:
            errors[key] = _("Choose one of the stratifier's groups.")
    if values.get("focus_group") and values.get("focus_group") == values.get("reference_group"):
        errors["reference_group"] = _("The reference group must differ from the focus group.")
    return values, errors


def measure_fields(data: dict, current=None) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    values: dict = {}
    new = current is None

    def named(key):
        return new or key in data

    if named("name"):
        values["name"] = require_text(errors, "name", data.get("name"), _("Name"), 200)
    for key, label, n in (("numerator", _("Numerator"), 2000), ("denominator", _("Denominator"), 2000),
                          ("inclusions", _("Inclusions"), 2000), ("exclusions", _("Exclusions"), 2000),
                          ("data_source", _("Data source"), 300)):
        if named(key):
            values[key] = require_text(errors, key, data.get(key), label, n, required=False)
    for key, choices, default, message in (
            ("kind", MEASURE_KINDS, "outcome", _("Choose outcome, process or balancing.")),
            ("type", MEASURE_TYPES, "proportion", _("Choose proportion, rate, count or measurement.")),
            ("direction", DIRECTIONS, "up", _("Say whether up or down is better.")),
            ("period", PERIODS, "month", _("Choose week, month or quarter."))):
        if named(key):
            values[key] = _choice(errors, key, data.get(key) or default, choices, message)
    if named("per"):
        per = data.get("per") or 1
        values["per"] = per if isinstance(per, int) and 1 <= per <= 1_000_000 else 1
        if values["per"] != per:
            errors["per"] = _("A rate is per a whole number from 1 to 1,000,000.")
    if named("goal_value"):
        goal = data.get("goal_value")
        values["goal_value"] = float(goal) if isinstance(goal, (int, float)) and not isinstance(goal, bool) else None
        if goal not in (None, "") and values["goal_value"] is None:
            errors["goal_value"] = _("The goal is a number.")
    if named("goal_date"):
        values["goal_date"] = _date(errors, "goal_date", data.get("goal_date"))
    if named("stratifiers"):
        keys = data.get("stratifiers") or []
        known = set(stratifiers.BY_KEY) | {c.get("key") for c in (data.get("custom_stratifiers") or [])
                                           if isinstance(c, dict)}
        values["stratifiers"] = list(dict.fromkeys(k for k in keys if isinstance(k, str)))
        if any(k not in known for k in values["stratifiers"]):
            errors["stratifiers"] = _("Choose stratifiers from the list.")
    if named("custom_stratifiers"):
        values["custom_stratifiers"] = _custom(errors, data.get("custom_stratifiers") or [])
    return values, errors


def _custom(errors: dict, items) -> list[dict]:
    kept = []
    for item in items if isinstance(items, list) else []:
        key = str(item.get("key", "")).strip().lower() if isinstance(item, dict) else ""
        cats = item.get("categories") if isinstance(item, dict) else None
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", key) or key in stratifiers.BY_KEY or not isinstance(cats, list):
            errors["custom_stratifiers"] = _("A stratifier of your own needs a short key (letters, digits, _), "
                                             "a label and its groups.")
            continue
        made = stratifiers.custom(key, str(item.get("label") or key)[:80], [str(c)[:80] for c in cats][:30])
        kept.append({"key": made.key, "label": made.label, "categories": list(made.categories)})
    return kept


def cycle_fields(data: dict, current=None) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    values: dict = {}
    new = current is None

    def named(key):
        return new or key in data

    if named("title"):
        values["title"] = require_text(errors, "title", data.get("title"), _("Title"), 200)
    for key, label in (("plan", _("Plan")), ("prediction", _("Prediction")), ("do_notes", _("Do")),
                       ("study", _("Study"))):
        if named(key):
            values[key] = require_text(errors, key, data.get(key), label, 8000, required=False)
    if named("act"):
        values["act"] = _choice(errors, "act", data.get("act") or "", ACTS, _("Choose adopt, adapt or abandon."))
    if named("starts_on"):
        values["starts_on"] = _date(errors, "starts_on", data.get("starts_on"))
        if values["starts_on"] is None and "starts_on" not in errors:
            errors["starts_on"] = _("Give the date the cycle starts.")
    if named("ends_on"):
        values["ends_on"] = _date(errors, "ends_on", data.get("ends_on"))
    start, end = values.get("starts_on", getattr(current, "starts_on", None)), values.get("ends_on")
    if start and end and end < start:
        errors["ends_on"] = _("The end comes after the start.")
    for key in ("measure_ids", "resource_ids"):
        if named(key):
            ids = data.get(key) or []
            values[key] = [i for i in ids if isinstance(i, int) and not isinstance(i, bool)] if isinstance(ids, list) else []
    return values, errors
