"""A measure's data out and in as CSV, and its chart as a PNG: the download of the long CSV (the
viewer's published data, small cells empty and marked suppressed), the import page (upload, a
preview of what would change with every refusal named by row and column, then a confirm that
writes all of it or nothing), and the chart for email and slides."""
from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hub import policy
from hub.projects import chart_png, charts, csv_io, published
from hub.projects.blueprint import bp, get_measure
from hub.validation import ValidationError


def _viewer_data(measure) -> published.Published:
    return published.publish(measure, policy.can(current_user, "measure.view_raw", measure))


@bp.route("/measures/<int:measure_id>/data.csv")
@login_required
def measure_csv(measure_id: int):
    found = get_measure(measure_id)
    return csv_io.csv_response(found, _viewer_data(found))


def _uploaded_text() -> str:
    """The CSV the form sent: a file chosen now, or the text kept from the preview."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        return csv_io.decode(upload.stream.read(csv_io.MAX_BYTES + 1))
    kept = request.form.get("csv_text", "")
    if not kept:
        raise ValidationError({"file": _("Choose a CSV file to import.")})
    csv_io.check_size(len(kept.encode("utf-8")))
    return kept


@bp.route("/measures/<int:measure_id>/import", methods=["GET", "POST"])
@login_required
def measure_import(measure_id: int):
    found, parsed, text = get_measure(measure_id, "measure.enter_data"), None, ""
    if request.method == "POST":
        try:
            text = _uploaded_text()
            parsed = csv_io.parse(found, text)
            confirmed = request.form.get("confirm") == "1" and not request.files.get("file")
            parsed = (csv_io.apply if confirmed else csv_io.check)(current_user, found, parsed)
            if confirmed and not parsed.errors:
                return redirect(url_for("projects.measure", measure_id=found.id, saved=1))
        except ValidationError as err:
            parsed = csv_io.Parsed(errors=err.fields)
    status = 422 if parsed is not None and parsed.errors else 200
    return render_template("projects/import.html", measure=found, parsed=parsed, csv_text=text,
                           problems=csv_io.described(parsed.errors) if parsed else []), status


@bp.route("/measures/<int:measure_id>/chart.png")
@login_required
def measure_chart_png(measure_id: int):
    found = get_measure(measure_id)
    chart = charts.chart_of(found, _viewer_data(found), stratum=request.args.get("stratum", ""),
                            chart=request.args.get("chart"), rules=request.args.get("rules", "anhoej"))
    png = chart_png.svg_to_png(chart.svg(id_prefix="png"))
    return Response(png, mimetype="image/png", headers={
        "Content-Disposition": f'inline; filename="measure-{found.id}-chart.png"', "Cache-Control": "no-store"})
