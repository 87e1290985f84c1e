"""A measure's data as a long CSV, out and in: one row per period and stratum.

Out: period, measure, stratifier, stratum, numerator, denominator, value, suppressed, written from
the published data (hub.projects.published), so a cell hidden from the viewer is empty with
suppressed=1. Text that a spreadsheet would run as a formula (a leading =, +, -, @, tab or
carriage return) gets a leading apostrophe.

In: period, measure (optional), stratifier, stratum, numerator, denominator (value for a
measurement). A stratum is a group of its stratifier ("race", "Asian"), nothing for everyone, or,
with the stratifier empty, an intersection written "race=Asian|language=Spanish". Each row becomes
a data point and is checked by hub.projects.data_cells, so a refusal names the row and column
("rows.3.numerator") in the same words as the grid and the API."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask import Response
from flask_babel import gettext as _

from hub import policy
from hub.projects import data_cells, published, queries, services, stratifiers
from hub.projects.fields import parse_period, period_label
from hub.projects.models import Measure
from hub.validation import ValidationError

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = data_cells.MAX_CELLS
HEADER = ("period", "measure", "stratifier", "stratum", "numerator", "denominator", "value", "suppressed")
REQUIRED = ("period", "stratifier", "stratum")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class TooLarge(ValidationError):
    status = 413


# ---------------------------------------------------------------- out

def safe_text(text: str) -> str:
    """A text cell a spreadsheet shows as text: a formula's first character is escaped with '."""
    text = str(text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _unescaped(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


def _number(value) -> str:
    if value is None or published.is_hidden(value):
        return ""
    if float(value).is_integer():
        return str(int(value))
    return repr(round(float(value), 6))


def _stratum_columns(key: str) -> tuple[str, str]:
    parts = stratifiers.stratum_parts(key)
    if len(parts) == 1:
        (stratifier, group), = parts.items()
        return stratifier, group
    return "", key  # everyone (""), or an intersection written whole


def write_csv(measure: Measure, data: published.Published) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for (period, key), cell in sorted(data.cells.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        hidden = any(published.is_hidden(v) for v in (cell.numerator, cell.denominator, cell.value))
        stratifier, group = _stratum_columns(key)
        writer.writerow([period_label(period, measure.period), safe_text(measure.name), safe_text(stratifier),
                         safe_text(group), _number(cell.numerator), _number(cell.denominator),
                         _number(cell.value), "1" if hidden else "0"])
    return out.getvalue()


def filename(measure: Measure) -> str:
    return f"measure-{measure.id}-data.csv"


def csv_response(measure: Measure, data: published.Published) -> Response:
    """The CSV as a download (never kept by a cache: what it holds depends on who asks)."""
    return Response(write_csv(measure, data), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename(measure)}"', "Cache-Control": "no-store"})


# ---------------------------------------------------------------- in

@dataclass
class Row:
    number: int              # the row as a spreadsheet numbers it (the header is row 1)
    values: dict             # the columns as the file gave them
    action: str = ""         # new, change, same, clear (once checked)


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    points: list[dict] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # "rows.3.numerator" -> words
    changes: int = 0


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise TooLarge({"file": _("The file is larger than 5 MB. Split it into smaller files.")})


def decode(raw: bytes) -> str:
    check_size(len(raw))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": _("Save the file as CSV in UTF-8 and try again.")}) from None


def parse(measure: Measure, text: str) -> Parsed:
    """The file's rows, as points, each checked (nothing written)."""
    parsed = Parsed()
    try:
        return _read(measure, csv.reader(io.StringIO(text.replace("\r\n", "\n"))), parsed)
    except csv.Error:
        parsed.errors["file"] = _("This file could not be read as CSV. Save it as CSV (comma separated) and try again.")
        return parsed


def _read(measure: Measure, reader, parsed: Parsed) -> Parsed:
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [name for name in (*REQUIRED, *_number_columns(measure)) if name not in header]
    if missing:
        parsed.errors["file"] = _("The first row names the columns; it lacks: %(columns)s.",
                                  columns=", ".join(missing))
        return parsed
    for line in reader:
        if not any(cell.strip() for cell in line):
            continue
        if len(parsed.rows) >= MAX_ROWS:
            parsed.errors["file"] = _("The file has more than %(n)d rows. Split it into smaller files.", n=MAX_ROWS)
            return parsed
        values = {name: _unescaped(line[i].strip()) if i < len(line) else "" for i, name in enumerate(header)}
        row = Row(reader.line_num, values)
        parsed.rows.append(row)
        parsed.points.append(_point(measure, row, parsed.errors))
    if not parsed.rows:
        parsed.errors["file"] = _("The file has no rows of data under its first row.")
    return parsed


def _number_columns(measure: Measure) -> tuple[str, ...]:
    return ("value",) if measure.type == "measurement" else ("numerator", "denominator")


def _point(measure: Measure, row: Row, errors: dict) -> dict:
    values, where = row.values, f"rows.{row.number}"
    if values.get("measure") and values["measure"] not in (measure.name, str(measure.id)):
        errors[f"{where}.measure"] = _("This row is for another measure (%(name)s).", name=values["measure"])
    if values.get("suppressed") in ("1", "true", "yes"):
        errors[f"{where}.suppressed"] = _("This row was hidden to protect privacy when it was exported; "
                                          "give its numbers or leave the row out.")
    point = {"period": values.get("period", ""), "stratum": _stratum(values, errors, where)}
    for name in _number_columns(measure):
        point[name] = values.get(name, "")
    return point


def _stratum(values: dict, errors: dict, where: str):
    stratifier, group = values.get("stratifier", ""), values.get("stratum", "")
    if stratifier and group:
        return {stratifier: group}
    if stratifier:
        errors[f"{where}.stratum"] = _("Name the group of %(key)s, or leave the stratifier empty for everyone.",
                                       key=stratifier)
        return None
    if not group:
        return None
    try:
        parts = dict(part.split("=", 1) for part in group.split("|"))
    except ValueError:
        errors[f"{where}.stratifier"] = _("Name the stratifier of %(group)s (an intersection is written "
                                          "race=Asian|language=Spanish).", group=group)
        return None
    return {k.strip(): v.strip() for k, v in parts.items()}


def check(actor, measure: Measure, parsed: Parsed) -> Parsed:
    """What the rows would change, and every refusal named by row and column (nothing written)."""
    policy.require(actor, "measure.enter_data", measure)
    cells, errors = data_cells.check_cells(measure, stratifiers.of_measure(measure), parsed.points)
    parsed.errors.update(row_errors(parsed, errors))
    existing = {(p.period, p.stratum): {k: getattr(p, k) for k in ("numerator", "denominator", "value")
                                        if getattr(p, k) is not None} for p in queries.points(measure)}
    by_cell = {(c.period, c.stratum): c for c in cells}
    for row, point in zip(parsed.rows, parsed.points):
        cell = _cell_of(measure, point, by_cell)
        if cell is None:
            continue
        after = {k: v for k, v in cell.numbers.items() if v is not None}
        before = existing.get((cell.period, cell.stratum))
        row.action = "same" if before == after or (before is None and not after) else (
            "clear" if not after else "new" if before is None else "change")
    parsed.changes = sum(1 for row in parsed.rows if row.action in ("new", "change", "clear"))
    return parsed


def _cell_of(measure: Measure, point: dict, by_cell: dict):
    period = parse_period(str(point.get("period", "")), measure.period)
    try:
        key = stratifiers.stratum_key(point.get("stratum"))
    except (TypeError, AttributeError):
        return None
    return by_cell.get((period, key))


def apply(actor, measure: Measure, parsed: Parsed) -> Parsed:
    """Write the rows (services.put_data, source "csv") when every one is accepted; else nothing."""
    check(actor, measure, parsed)
    if not parsed.errors:
        try:
            parsed.changes = services.put_data(actor, measure, parsed.points, source="csv")
        except ValidationError as err:
            parsed.errors.update(row_errors(parsed, err.fields))
    return parsed


def row_errors(parsed: Parsed, errors: dict) -> dict[str, str]:
    """data_cells' "points.N.column" as the file's "rows.R.column" (R as a spreadsheet counts)."""
    out = {}
    for name, message in errors.items():
        parts = name.split(".")
        if parts[0] == "points" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(parsed.rows):
            parts = ["rows", str(parsed.rows[int(parts[1])].number), *parts[2:]]
        elif parts[0] == "points":
            parts = ["file"]
        out[".".join(parts)] = message
    return out


def described(errors: dict[str, str]) -> list[tuple[int | None, str, str]]:
    """Each refusal in words: (row, column, message), the file's own first."""
    out = []
    for name, message in errors.items():
        parts = name.split(".")
        if parts[0] == "rows" and len(parts) > 1:
            out.append((int(parts[1]), parts[2] if len(parts) > 2 else "", message))
        else:
            out.append((None, "", message))
    return sorted(out, key=lambda e: (e[0] is not None, e[0] or 0, e[1]))
