"""A team's one-page report of a project: the page (print-friendly) and the same as a PDF."""
from __future__ import annotations

from flask import Response, render_template
from flask_login import current_user, login_required

from hub.projects import reports
from hub.projects.blueprint import bp, get_project


@bp.route("/projects/<int:project_id>/report")
@login_required
def project_report(project_id: int):
    found = get_project(project_id)
    return render_template("projects/report.html", project=found, sections=reports.sections(current_user, found))


@bp.route("/projects/<int:project_id>/report.pdf")
@login_required
def project_report_pdf(project_id: int):
    found = get_project(project_id)
    html = render_template("projects/report_pdf.html", project=found, sections=reports.sections(current_user, found))
    return Response(reports.pdf_of(html), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="project-{found.id}-report.pdf"', "Cache-Control": "no-store"})
