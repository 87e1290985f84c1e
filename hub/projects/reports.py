"""A team's one-page report of a project: its aim, equity focus, each measure's chart with its
summary and signals, and the PDSA log; as a page, and as a PDF drawn by WeasyPrint.

Every chart is drawn from the published data the viewer may see (raw only for those the policy
lets see raw counts). WeasyPrint fetches nothing: the report's stylesheet is read from our own
static folder, the charts are inline SVG, and any other URL in the page is refused."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from hub import policy
from hub.projects import charts, published, stratifiers
from hub.projects.models import Measure, Project


@dataclass
class MeasureSection:
    measure: Measure
    chart: charts.MeasureChart
    raw: bool
    focus: list[tuple[str, charts.MeasureChart]] = field(default_factory=list)  # the equity focus's groups


def sections(viewer, project: Project) -> list[MeasureSection]:
    """Each measure's chart, and, when it is stratified by the project's equity focus, the focus
    group's and the reference group's charts beside it."""
    out = []
    groups = [g for g in (project.focus_group, project.reference_group) if g]
    for measure in project.measures:
        raw = policy.can(viewer, "measure.view_raw", measure)
        data = published.publish(measure, raw)
        section = MeasureSection(measure, charts.chart_of(measure, data), raw)
        if project.focus_stratifier and project.focus_stratifier in (measure.stratifiers or []):
            section.focus = [(group, charts.chart_of(
                measure, data, stratum=stratifiers.stratum_key({project.focus_stratifier: group}),
                chart=section.chart.chart, title=group)) for group in groups]
        out.append(section)
    return out


def stylesheet_path() -> Path:
    return Path(current_app.static_folder) / "css" / "report.css"


def pdf_of(html: str) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"the report fetches nothing ({url[:60]})")

    fetcher = NoFetching()
    stylesheet = CSS(string=stylesheet_path().read_text(encoding="utf-8"), url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])
