"""A funnel plot: each team's rate against its denominator, with the 95% and 99.8% limits
around the collaborative's centre narrowing as the denominator grows."""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from hub.projects.chart_axes import Scale, format_tick, format_value, nice_ticks, y_domain
from hub.projects.svg_markup import (BLUE, GRID, MUTED, ORANGE, TEXT, VERMILLION, LegendItem, circle_marker,
                                     diamond_marker, element, label, legend, polyline, svg_frame, text_width,
                                     tooltip)

# Limits are either a function of the denominator, n -> (lower, upper), or points (n, lower, upper).
Limits = Callable[[float], tuple[float, float]] | Sequence[tuple[float, float, float]]

SAMPLES = 80
TITLE_HEIGHT = 28


@dataclass(frozen=True)
class FunnelPoint:
    label: str
    rate: float | None
    denominator: float | None
    suppressed: bool = False


def _points(points: Sequence[FunnelPoint | tuple]) -> list[FunnelPoint]:
    return [p if isinstance(p, FunnelPoint) else FunnelPoint(*p) for p in points]


def _sample(limits: Limits, n_lo: float, n_hi: float) -> list[tuple[float, float, float]]:
    """(n, lower, upper) along the x range: a function is sampled, denser where limits curve most
    (small n); given points are used as they are."""
    if callable(limits):
        ratio = n_hi / n_lo
        ns = [n_lo * ratio ** (k / (SAMPLES - 1)) for k in range(SAMPLES)]
        return [(n, *limits(n)) for n in ns]
    return sorted((float(n), float(lo), float(hi)) for n, lo, hi in limits if n_lo <= n <= n_hi)


def _curve(samples: list[tuple[float, float]], x: Scale, y: Scale) -> list[list[tuple[float, float]]]:
    """Pieces of one limit curve inside the plot: it is cut where it leaves the y range, never flattened."""
    runs: list[list[tuple[float, float]]] = [[]]
    for n, value in samples:
        if math.isfinite(value) and y.contains(value):
            runs[-1].append((x(n), y(value)))
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if len(run) > 1]


def render_funnel(points: Sequence[FunnelPoint | tuple], centre: float, limits95: Limits, limits998: Limits, *,
                  title: str = "", description: str = "", percent: bool = True, x_label: str = "",
                  y_label: str = "", id_prefix: str = "funnel", width: int = 720, height: int = 360) -> Markup:
    """Teams as labelled points (x: denominator, y: rate). A suppressed team is neither plotted nor
    allowed to stretch an axis; its name is listed in the desc, and no number of it appears."""
    teams = _points(points)
    shown = [p for p in teams if not p.suppressed and p.rate is not None and p.denominator]
    hidden = [p.label for p in teams if p.suppressed]
    x_ticks = nice_ticks(0.0, max((p.denominator for p in shown), default=1.0))  # type: ignore[type-var]
    n_hi = x_ticks[-1]
    n_lo = max(min((p.denominator for p in shown), default=1.0) / 2, n_hi / 200, 1e-9)  # type: ignore[type-var]
    # The y axis reaches the narrowest 99.8% limits; wider ones are cut at the plot's edge.
    narrowest = _sample(limits998, n_hi, n_hi) if callable(limits998) else sorted(limits998)[-1:]
    rates = [p.rate for p in shown] + [centre] + [v for _n, lo, hi in narrowest for v in (lo, hi)]
    y_ticks = y_domain(rates, percent=percent)
    widest = max(text_width(format_tick(t, y_ticks, percent=percent), 11) for t in y_ticks)
    left = 8 + (18 if y_label else 0) + widest + 6
    top = TITLE_HEIGHT if title else 10
    items = [LegendItem(_("Team"), "point", BLUE), LegendItem(_("Outside 99.8% limits"), "signal", VERMILLION),
             LegendItem(_("Centre"), "solid", TEXT), LegendItem(_("95% limits"), "dashed", MUTED),
             LegendItem(_("99.8% limits"), "dashed", ORANGE)]
    legend_markup, used = legend(items, left, top, width - left - 12)
    top += used + 8
    right, bottom = width - 60, height - (46 if x_label else 30)  # room on the right for team labels
    x = Scale(0.0, n_hi, left, right)
    y = Scale(y_ticks[0], y_ticks[-1], bottom, top)
    body = [legend_markup]
    for t in y_ticks:
        body.append(polyline([(left, y(t)), (right, y(t))], colour=GRID, width=1))
        body.append(label(left - 6, y(t) + 4, format_tick(t, y_ticks, percent=percent), anchor="end", fill=MUTED,
                          role="y-tick"))
    for t in x_ticks:
        body.append(label(x(t), bottom + 16, format_tick(t, x_ticks, percent=False), anchor="middle", fill=MUTED,
                          role="x-tick"))
    body.append(polyline([(left, bottom), (right, bottom)], colour=MUTED, width=1))
    if x_label:
        body.append(label((left + right) / 2, bottom + 34, x_label, anchor="middle", fill=MUTED, role="x-label"))
    if y_label:
        cy = (top + bottom) / 2
        body.append(element("text", {"x": 12.0, "y": float(cy), "font-size": 11, "text-anchor": "middle",
                                     "fill": MUTED, "transform": f"rotate(-90 12 {cy:.2f})", "data-role": "y-label"},
                            text=y_label))
    if y.contains(centre):
        body.append(polyline([(left, y(centre)), (right, y(centre))], colour=TEXT, width=1.5, role="centre",
                             name=_("Centre: %(value)s", value=format_value(centre, percent=percent))))
    for limits, colour, role, name in ((limits95, MUTED, "limit95", _("95% limits")),
                                       (limits998, ORANGE, "limit998", _("99.8% limits"))):
        samples = _sample(limits, n_lo, n_hi)
        for side in (1, 2):
            for run in _curve([(s[0], s[side]) for s in samples], x, y):
                body.append(polyline(run, colour=colour, width=1.5, dash="6 4", role=role, name=name))
    body += _team_marks(shown, limits998, x, y, percent)
    desc = _funnel_description(description, shown, hidden, limits998, centre, percent)
    return svg_frame(id_prefix, width, height, title, desc, body, show_title=bool(title))


def _outside(p: FunnelPoint, limits: Limits) -> bool:
    if not callable(limits):
        nearest = min(limits, key=lambda s: abs(s[0] - p.denominator), default=None)  # type: ignore[operator]
        if nearest is None:
            return False
        lo, hi = nearest[1], nearest[2]
    else:
        lo, hi = limits(p.denominator)  # type: ignore[arg-type]
    return not lo <= p.rate <= hi  # type: ignore[operator]


def _team_marks(shown: list[FunnelPoint], limits998: Limits, x: Scale, y: Scale, percent: bool) -> list[str]:
    out = []
    for p in shown:
        px, py = x(p.denominator), y(p.rate)  # type: ignore[arg-type]
        outside = _outside(p, limits998)
        rate = format_value(p.rate, percent=percent)  # type: ignore[arg-type]
        words = _("%(team)s: %(rate)s of %(n)s", team=p.label, rate=rate,
                  n=format_tick(p.denominator, [p.denominator], percent=False))  # type: ignore[arg-type, list-item]
        if outside:
            words += " " + _("(outside the 99.8% limits)")
        marker = diamond_marker(px, py, hollow=False) if outside else circle_marker(px, py, hollow=False)
        out.append(element("g", {"data-role": "signal" if outside else "point"}, tooltip(words), marker,
                           label(px + 7, py + 4, p.label, size=10, fill=TEXT, role="team-label")))
    return out


def _funnel_description(description: str, shown: list[FunnelPoint], hidden: list[str], limits998: Limits,
                        centre: float, percent: bool) -> str:
    parts = [description.strip()] if description.strip() else []
    parts.append(_("Centre: %(value)s.", value=format_value(centre, percent=percent)))
    parts.append(ngettext("%(num)d team plotted.", "%(num)d teams plotted.", len(shown)))
    outside = [p.label for p in shown if _outside(p, limits998)]
    if outside:
        parts.append(_("Outside the 99.8%% limits: %(teams)s.", teams=", ".join(outside)))
    if hidden:
        parts.append(_("Not shown, to protect privacy: %(teams)s.", teams=", ".join(hidden)))
    return " ".join(parts)
