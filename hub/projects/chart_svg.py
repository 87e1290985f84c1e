"""Run charts and Shewhart (SPC) charts drawn on the server as one accessible SVG.

No chart JavaScript (the CSP forbids it) and nothing the SVG needs from outside itself, so the
same markup works inline in a page, in a WeasyPrint PDF and in an email. The gap chart and the
funnel plot live in chart_gap and chart_funnel; the dataclasses in chart_series."""
from __future__ import annotations

from dataclasses import replace

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from hub.projects.chart_axes import format_value, nice_ticks, value_span, y_domain
from hub.projects.chart_panel import Box, Panel, left_margin, legend_items
from hub.projects.chart_series import Band, ChartSeries
from hub.projects.svg_markup import legend, svg_frame

__all__ = ["Band", "ChartSeries", "render", "render_small_multiples", "shared_y_range", "describe"]

TITLE_HEIGHT = 28
BOTTOM_MARGIN = 30
RIGHT_MARGIN = 12


def describe(series: ChartSeries) -> str:
    """The chart's <desc>: the caller's words, then what is plotted, hidden, signalling and aimed at."""
    n = len(series)
    shown = [i for i in range(n) if series.shown(i)]
    hidden = sum(1 for flag in series.suppressed if flag)
    missing = sum(1 for i in range(n) if not series.suppressed[i] and series.values[i] is None)
    signals = sum(1 for i in shown if series.signal[i])
    excluded = sum(1 for i in shown if series.excluded[i])
    parts = [series.description.strip()] if series.description.strip() else []
    parts.append(ngettext("%(shown)d of %(num)d period plotted.", "%(shown)d of %(num)d periods plotted.", n,
                          shown=len(shown)))
    if hidden:
        parts.append(ngettext("%(num)d period is hidden to protect privacy.",
                              "%(num)d periods are hidden to protect privacy.", hidden))
    if missing:
        parts.append(ngettext("%(num)d period has no value.", "%(num)d periods have no value.", missing))
    if signals:
        parts.append(ngettext("%(num)d point is part of a signal.", "%(num)d points are part of a signal.", signals))
    if excluded:
        parts.append(ngettext("%(num)d point is excluded from the calculations.",
                              "%(num)d points are excluded from the calculations.", excluded))
    if series.phase_starts:
        parts.append(_("New phases begin at %(periods)s.",
                       periods=", ".join(series.labels[p] for p in series.phase_starts)))
    if series.bands:
        parts.append(_("Change cycles: %(cycles)s.", cycles="; ".join(
            f"{b.label} ({series.labels[b.start_index]}\u2013{series.labels[b.end_index]})" for b in series.bands)))
    if series.goal is not None:
        parts.append(_("Goal: %(value)s.", value=format_value(series.goal, percent=series.percent)))
    if shown:
        last = shown[-1]
        parts.append(_("Latest value: %(value)s in %(period)s.", period=series.labels[last],
                       value=format_value(series.values[last], percent=series.percent)))  # type: ignore[arg-type]
    return " ".join(parts)


def render(series: ChartSeries, width: int = 720, height: int = 300,
           y_range: tuple[float, float] | None = None, *, id_prefix: str = "chart",
           show_legend: bool = True, show_title: bool = True,
           legend_for: list[ChartSeries] | None = None) -> Markup:
    """One run or SPC chart. `id_prefix` must differ between charts on one page (the title and
    desc ids are made from it); `y_range` fixes the y axis (small multiples share one);
    `legend_for` makes the legend cover those series too (small multiples share one legend)."""
    ticks = y_domain(series.visible_numbers(), percent=series.percent, y_range=y_range)
    left = left_margin(ticks, percent=series.percent, signed=False, y_label=series.y_label)
    top = TITLE_HEIGHT if show_title and series.title else 10
    body: list[str] = []
    if show_legend:
        markup, used = legend(legend_items(legend_for or [series]), left, top, width - left - RIGHT_MARGIN)
        body.append(markup)
        top += used + 8
    box = Box(left, top, width - RIGHT_MARGIN, height - BOTTOM_MARGIN)
    body.extend(Panel(series, box, ticks).draw())
    return svg_frame(id_prefix, width, height, series.title, describe(series), body, show_title=show_title)


def shared_y_range(all_series: list[ChartSeries]) -> tuple[float, float]:
    """One y range for charts read side by side: every shown value, limit and goal of them all,
    widened to round ticks (never counting a hidden value)."""
    numbers = [v for s in all_series for v in s.visible_numbers()]
    percent = all(s.percent for s in all_series) if all_series else False
    ticks = y_domain(numbers, percent=percent) if numbers else nice_ticks(0.0, 1.0)
    return ticks[0], ticks[-1]


def render_small_multiples(strata: list[tuple[str, ChartSeries]], columns: int = 2, width: int = 720,
                           height: int = 220, *, id_prefix: str = "strata",
                           y_range: tuple[float, float] | None = None) -> list[Markup]:
    """One small chart per stratum, all on the same y scale, each its own titled, described SVG.
    `width` is the whole row's; each chart is width // columns wide (lay them out in a grid).
    Every chart carries the same legend (all strata's items), so each stands on its own and all
    plot areas are the same height: equal values sit at equal heights in every chart."""
    if columns < 1:
        raise ValueError("columns must be at least 1")
    everyone = [series for _label, series in strata]
    shared = y_range or shared_y_range(everyone)
    each = max(width // columns, 160)
    charts = []
    for i, (stratum, series) in enumerate(strata):
        about = _("%(measure)s for %(stratum)s.", measure=series.title, stratum=stratum)
        if series.description:
            about += " " + series.description
        titled = replace(series, title=stratum, description=about)
        charts.append(render(titled, each, height, shared, id_prefix=f"{id_prefix}-{i}",
                             legend_for=everyone))
    return charts


def value_range(series: ChartSeries) -> tuple[float, float] | None:
    """The span of what a chart shows (for callers choosing a y_range of their own)."""
    return value_span(series.visible_numbers())
