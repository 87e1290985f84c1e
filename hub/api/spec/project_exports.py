"""The document's project exports and imports: a measure's data as a long CSV (out, and in with
a dry run) and as a FHIR R4 MeasureReport."""
from __future__ import annotations

from hub.api.spec.types import BOOL, INT, STR, list_of, obj, one_of, query

# The CSV comes as the body (Content-Type: text/csv) or as a multipart form's "file".
CSV_UPLOAD = {"type": "object", "x-multipart": True, "required": ["file"],
              "description": "The CSV as a multipart form's \"file\", or the whole body sent as text/csv. "
                             "Columns: period, measure (optional), stratifier, stratum, numerator, denominator "
                             "(value for a measurement); an intersection is a stratum like "
                             "race=Asian|language=Spanish with the stratifier empty. At most 5 MB and 20,000 rows.",
              "properties": {"file": {"type": "string", "format": "binary"}}}

SCHEMAS = {
    "CsvImport": obj(measure_id=INT, dry_run={**BOOL, "description": "true: nothing was written"}, rows=INT,
                     changed={"type": "integer", "description": "Cells that change (or would, on a dry run)"},
                     changes=list_of(obj(row={"type": "integer", "description": "As a spreadsheet numbers it"},
                                         action=one_of("new", "change", "clear"), period=STR, stratifier=STR,
                                         stratum=STR, numerator=STR, denominator=STR))),
    "FhirMeasureReport": {"type": "object", "description": "A FHIR R4 MeasureReport (application/fhir+json): one "
                          "group with numerator and denominator counts and measureScore, a stratifier per way the "
                          "data is cut. A figure hidden to protect privacy is left out; its stratum carries the "
                          "data-absent-reason extension (masked).",
                          "properties": {"resourceType": {"const": "MeasureReport"}, "group": {"type": "array"}}},
}

ROUTES = [
    ("get", "/measures/{measure_id}/data.csv", "The measure's data as a long CSV (text/csv: period, measure, "
     "stratifier, stratum, numerator, denominator, value, suppressed); a cell hidden to protect privacy is empty "
     "with suppressed 1", None, None, 200),
    ("post", "/measures/{measure_id}/data.csv", "Import data from a long CSV; every refused row is named "
     "(rows.3.numerator: the row as a spreadsheet numbers it) and nothing is saved; ?dry_run=1 says what would "
     "change and writes nothing", CSV_UPLOAD, "CsvImport", 200),
    ("get", "/measures/{measure_id}/report.fhir", "The measure as a FHIR R4 MeasureReport (application/fhir+json) "
     "over its data's range of periods, or one period", None, "FhirMeasureReport", 200),
]
QUERY = {
    ("post", "/measures/{measure_id}/data.csv"): query(
        ("dry_run", {"type": "string", "enum": ["0", "1", "true", "false"], "description": "1: write nothing"})),
    ("get", "/measures/{measure_id}/report.fhir"): query(
        ("period", {"type": "string", "description": "One period: 2026-03, 2026-Q1 or 2026-W05"})),
}


def amend(paths: dict) -> None:
    """What the shared builder writes as JSON, as these operations really send and take it: the
    CSV body as text/csv beside the multipart form, the CSV download as text/csv and the report
    as application/fhir+json."""
    csv_path, fhir_path = "/measures/{measure_id}/data.csv", "/measures/{measure_id}/report.fhir"
    paths[csv_path]["post"]["requestBody"]["content"]["text/csv"] = {"schema": {"type": "string"}}
    paths[csv_path]["get"]["responses"]["200"]["content"] = {"text/csv": {"schema": {"type": "string"}}}
    ok = paths[fhir_path]["get"]["responses"]["200"]
    ok["content"] = {"application/fhir+json": ok["content"]["application/json"]}
