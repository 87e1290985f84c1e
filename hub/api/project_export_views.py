"""A measure's data as CSV (out, and in with a dry run) and as a FHIR R4 MeasureReport: the API
twins of the measure page's downloads and import (the same published data, the same checks)."""
from __future__ import annotations

from flask import jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hub.api.blueprint import bp
from hub.api.common import api_login_required
from hub import policy
from hub.projects import csv_io, fhir_report, published
from hub.projects.blueprint import get_measure
from hub.projects.fields import parse_period
from hub.validation import ValidationError

FHIR_JSON = "application/fhir+json"


@bp.get("/measures/<int:measure_id>/data.csv")
@api_login_required
def measure_csv(measure_id: int):
    found = get_measure(measure_id)
    return csv_io.csv_response(found, _viewer_data(found))


def _viewer_data(measure) -> published.Published:
    return published.publish(measure, policy.can(current_user, "measure.view_raw", measure))


def _sent_csv() -> str:
    """The CSV: the body (text/csv), or a multipart form's "file"; at most 5 MB."""
    csv_io.check_size(max(0, (request.content_length or 0) - 64 * 1024))  # (a form's own bytes aside)
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise ValidationError({"file": _("Send the CSV as the form's \"file\", or as the body (text/csv).")})
        return csv_io.decode(upload.stream.read(csv_io.MAX_BYTES + 1))
    return csv_io.decode(request.get_data(cache=True))


def _rows_json(parsed: csv_io.Parsed) -> list[dict]:
    return [{**row.values, "row": row.number, "action": row.action or None} for row in parsed.rows]


@bp.post("/measures/<int:measure_id>/data.csv")
@api_login_required
def import_measure_csv(measure_id: int):
    found = get_measure(measure_id, "measure.enter_data")
    dry_run = request.args.get("dry_run") in ("1", "true")
    parsed = csv_io.parse(found, _sent_csv())
    parsed = (csv_io.check if dry_run else csv_io.apply)(current_user, found, parsed)
    if parsed.errors:
        raise ValidationError(parsed.errors, _("Some rows need fixing; nothing was saved."))
    return jsonify({"measure_id": found.id, "dry_run": dry_run, "rows": len(parsed.rows),
                    "changed": parsed.changes, "changes": [r for r in _rows_json(parsed) if r["action"] != "same"]})


@bp.get("/measures/<int:measure_id>/report.fhir")
@api_login_required
def measure_report_fhir(measure_id: int):
    found = get_measure(measure_id)
    period = None
    if request.args.get("period"):
        period = parse_period(request.args["period"], found.period)
        if period is None:
            raise ValidationError({"period": _("Give the period like 2026-03 (a month), 2026-Q1 or 2026-W05.")})
    report = fhir_report.measure_report(found, _viewer_data(found), url_for(
        "api.measure", measure_id=found.id, _external=True), period)
    response = jsonify(report)
    response.mimetype = FHIR_JSON
    response.headers["Cache-Control"] = "no-store"
    return response
