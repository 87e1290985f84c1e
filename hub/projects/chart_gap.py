"""The equity gap over time: a focus group's rate minus a reference group's, around a zero line,
and optionally their ratio on a second, smaller panel around a line at 1."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from hub.projects.chart_axes import format_value, y_domain
from hub.projects.chart_panel import Box, Panel, left_margin, legend_items
from hub.projects.chart_series import ChartSeries
from hub.projects.svg_markup import MUTED, label, legend, svg_frame

TITLE_HEIGHT = 28
RIGHT_MARGIN = 12
BOTTOM_MARGIN = 30
PANEL_GAP = 26


def _gap_description(labels: list[str], difference: list[float | None], ratio: list[float | None] | None,
                     suppressed: list[bool], *, description: str, focus_label: str, reference_label: str,
                     percent: bool) -> str:
    parts = [description.strip()] if description.strip() else []
    if focus_label and reference_label:
        parts.append(_("Difference between %(focus)s and %(reference)s for each period; above zero means "
                       "%(focus)s is higher.", focus=focus_label, reference=reference_label))
    shown = [i for i, d in enumerate(difference) if d is not None and not suppressed[i]]
    parts.append(ngettext("%(shown)d of %(num)d period plotted.", "%(shown)d of %(num)d periods plotted.",
                          len(labels), shown=len(shown)))
    hidden = sum(1 for flag in suppressed if flag)
    if hidden:
        parts.append(ngettext("%(num)d period is hidden to protect privacy.",
                              "%(num)d periods are hidden to protect privacy.", hidden))
    if shown:
        last = shown[-1]
        points = difference[last] * (100 if percent else 1)  # type: ignore[operator]
        gap = format_value(points, percent=False, signed=True)
        words = _("Latest difference: %(value)s in %(period)s.", value=gap, period=labels[last])
        if percent:
            words = _("Latest difference: %(value)s percentage points in %(period)s.", value=gap, period=labels[last])
        parts.append(words)
        if ratio is not None and ratio[last] is not None:
            latest = format_value(ratio[last], percent=False, decimals=2)  # type: ignore[arg-type]
            parts.append(_("Latest ratio: %(value)s.", value=latest))
    return " ".join(parts)


def render_gap_chart(labels: list[str], difference: list[float | None], ratio: list[float | None] | None = None,
                     suppressed: list[bool] | None = None, *, title: str = "", description: str = "",
                     percent: bool = True, focus_label: str = "", reference_label: str = "",
                     id_prefix: str = "gap", width: int = 720, height: int | None = None) -> Markup:
    """`difference[i]` is focus minus reference at period i (proportions when `percent`, drawn as
    percentage points); `ratio[i]` is focus over reference. A suppressed period, or one with no
    difference, is a gap; a suppressed period is marked as hidden and no number of it is drawn."""
    n = len(labels)
    hidden = list(suppressed) if suppressed else [False] * n
    if len(difference) != n or len(hidden) != n or (ratio is not None and len(ratio) != n):
        raise ValueError("labels, difference, ratio and suppressed must be equally long")
    height = height or (340 if ratio is not None else 280)
    # Percentage points are plain numbers: a gap of 0.052 is "+5.2", not "+5.2%".
    scaled = [None if d is None else d * (100 if percent else 1) for d in difference]
    y_label = _("Percentage points") if percent else _("Difference")
    diff_series = ChartSeries(labels, scaled, hidden, y_label=y_label, title=title)
    diff_ticks = y_domain(diff_series.visible_numbers(), percent=False, include=[0.0])
    ratio_series = ratio_ticks = None
    if ratio is not None:
        ratio_series = ChartSeries(labels, list(ratio), hidden, y_label=_("Ratio"))
        ratio_ticks = y_domain(ratio_series.visible_numbers(), percent=False, include=[1.0])
    left = left_margin(diff_ticks, percent=False, signed=True, y_label=y_label)
    if ratio_ticks:
        left = max(left, left_margin(ratio_ticks, percent=False, signed=False, y_label=_("Ratio")))
    top = TITLE_HEIGHT if title else 10
    zero_name = _("Zero: no difference")
    body, used = legend(legend_items([diff_series], reference_name=zero_name), left, top, width - left - RIGHT_MARGIN)
    top += used + 8
    bottom = height - BOTTOM_MARGIN
    parts = [body]
    if ratio_series is not None and ratio_ticks is not None:
        split = top + (bottom - top - PANEL_GAP) * 0.6
        parts += Panel(diff_series, Box(left, top, width - RIGHT_MARGIN, split), diff_ticks,
                       signed=True).draw(reference=0.0, reference_name=zero_name, x_labels=False)
        ratio_top = split + PANEL_GAP
        parts.append(label(left, ratio_top - 6, _("Ratio (%(focus)s to %(reference)s)", focus=focus_label or "\u2013",
                                                   reference=reference_label or "\u2013"), size=11, fill=MUTED))
        parts += Panel(ratio_series, Box(left, ratio_top, width - RIGHT_MARGIN, bottom),
                       ratio_ticks).draw(reference=1.0, reference_name=_("Ratio 1: no difference"))
    else:
        parts += Panel(diff_series, Box(left, top, width - RIGHT_MARGIN, bottom), diff_ticks,
                       signed=True).draw(reference=0.0, reference_name=zero_name)
    desc = _gap_description(labels, difference, ratio, hidden, description=description, focus_label=focus_label,
                            reference_label=reference_label, percent=percent)
    return svg_frame(id_prefix, width, height, title, desc, parts, show_title=bool(title))
