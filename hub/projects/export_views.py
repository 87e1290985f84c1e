"""A measure's data out and in as CSV, and its chart as a PNG: the download of the long CSV (the
viewer's published data, small cells empty and marked suppressed), the import page (upload, a
preview of what would change with every refusal named by row and column, then a confirm that
writes all of it or nothing), and the chart for email and slides."""
from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hub import policy
from hub.projects import chart_png, charts, csv_io, csv_stash, published
from hub.projects.blueprint import bp, get_measure
from hub.validation import ValidationError


def _viewer_data(measure) -> published.Published:
    return published.publish(measure, policy.can(current_user, "measure.view_raw", measure))


@bp.route("/measures/<int:measure_id>/data.csv")
@login_required
def measure_csv(measure_id: int):
    found = get_measure(measure_id)
    return csv_io.csv_response(found, _viewer_data(found))


def _sent(measure) -> tuple[str, str, bool]:
    """The CSV the form sent: (text, token, confirmed). A file chosen now is kept for its
    confirmation (hub.projects.csv_stash); a confirmation names the file it confirms."""
    upload = request.files.get("file")
    if upload:
        text = csv_io.decode(upload.stream.read(csv_io.MAX_BYTES + 1))
        return text, csv_stash.keep(current_user, measure, text), False
    token = request.form.get("upload", "")
    text = csv_stash.take(current_user, measure, token)
    if text is None:
        raise ValidationError({"file": _("Choose a CSV file to import (a file checked more than an hour ago "
                                         "must be chosen again).")})
    return text, token, request.form.get("confirm") == "1"


@bp.route("/measures/<int:measure_id>/import", methods=["GET", "POST"])
@login_required
def measure_import(measure_id: int):
    found, parsed, token = get_measure(measure_id, "measure.enter_data"), None, ""
    if request.method == "POST":
        try:
            text, token, confirmed = _sent(found)
            parsed = (csv_io.apply if confirmed else csv_io.check)(current_user, found, csv_io.parse(found, text))
            if confirmed and not parsed.errors:
                csv_stash.drop(current_user, found, token)
                return redirect(url_for("projects.measure", measure_id=found.id, saved=1))
        except ValidationError as err:
            parsed = csv_io.Parsed(errors=err.fields)
    status = 422 if parsed is not None and parsed.errors else 200
    return render_template("projects/import.html", measure=found, parsed=parsed, upload=token,
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
