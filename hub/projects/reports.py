"""A team's one-page report of a project: its aim, equity focus, each measure's chart with its
summary and signals, and the PDSA log; as a page, and as a PDF drawn by WeasyPrint.

Every chart is drawn from the published data the viewer may see (raw only for those the policy
lets see raw counts). WeasyPrint fetches nothing: the report's stylesheet is read from our own
static folder, the charts are inline SVG, and any other URL in the page is refused."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from hub import policy
from hub.projects import charts, published
from hub.projects.models import Measure, Project


@dataclass
class MeasureSection:
    measure: Measure
    chart: charts.MeasureChart
    raw: bool


def sections(viewer, project: Project) -> list[MeasureSection]:
    out = []
    for measure in project.measures:
        raw = policy.can(viewer, "measure.view_raw", measure)
        out.append(MeasureSection(measure, charts.chart_of(measure, published.publish(measure, raw)), raw))
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
