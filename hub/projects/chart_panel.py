"""One plotting area of a time-series chart: axes, bands, phases, centre and limits, goal, points.

The run/SPC chart is one panel; the gap chart stacks two. Periods sit in equal slots, a point
at the middle of its slot, so a per-period limit is a step one slot wide."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _

from hub.projects.chart_axes import Scale, format_tick, format_value, thinned_label_indexes
from hub.projects.chart_series import ChartSeries
from hub.projects.svg_markup import (BAND_FILL, BLUE, GREEN, GRID, MUTED, TEXT, VERMILLION, WHITE,
                                     LegendItem, circle_marker, diamond_marker, element, hidden_marker,
                                     label, num, polyline, text_width, tooltip)

TICK_FONT = 11
BAND_FONT = 10


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float


def left_margin(ticks: list[float], *, percent: bool, signed: bool, y_label: str) -> float:
    """Room for the widest y tick label, and the rotated axis title when there is one."""
    widest = max(text_width(format_tick(t, ticks, percent=percent, signed=signed), TICK_FONT) for t in ticks)
    return 8 + (18 if y_label else 0) + widest + 6


def point_text(series: ChartSeries, i: int, *, signed: bool = False) -> str:
    """What a point says when read aloud or hovered: period, value, and why it stands out."""
    value = format_value(series.values[i], percent=series.percent, signed=signed)  # type: ignore[arg-type]
    words = _("%(period)s: %(value)s", period=series.labels[i], value=value)
    if series.signal[i]:
        words += " " + _("(part of a signal)")
    if series.excluded[i]:
        words += " " + _("(excluded: %(reason)s)", reason=series.excluded[i])
    return words


def legend_items(shown: Sequence[ChartSeries], *, reference_name: str | None = None) -> list[LegendItem]:
    """Only what these charts actually draw (small multiples pass all of theirs, so every chart
    has the same legend, the same height of it, and so the same scale in pixels)."""
    def anywhere(test: Callable[[ChartSeries, int], bool]) -> bool:
        return any(test(s, i) for s in shown for i in range(len(s)))

    items = [LegendItem(_("Value"), "point", BLUE)]
    if anywhere(lambda s, i: s.shown(i) and s.signal[i]):
        items.append(LegendItem(_("Signal"), "signal", VERMILLION))
    if anywhere(lambda s, i: s.shown(i) and bool(s.excluded[i])):
        items.append(LegendItem(_("Excluded"), "excluded", BLUE))
    if anywhere(lambda s, i: s.centre[i] is not None):
        items.append(LegendItem(_("Centre"), "solid", TEXT))
    if anywhere(lambda s, i: s.limit(s.ucl, i) is not None or s.limit(s.lcl, i) is not None):
        items.append(LegendItem(_("Control limits"), "dashed", MUTED))
    if any(s.goal is not None for s in shown):
        items.append(LegendItem(_("Goal"), "dotted", GREEN))
    if reference_name:
        items.append(LegendItem(reference_name, "solid", TEXT))
    if anywhere(lambda s, i: s.suppressed[i]):
        items.append(LegendItem(_("Hidden to protect privacy"), "hidden", MUTED))
    return items


class Panel:
    """Draws one series into a box on a given y scale (its ticks; first and last are the domain)."""

    def __init__(self, series: ChartSeries, box: Box, ticks: list[float], *, signed: bool = False) -> None:
        self.s = series
        self.box = box
        self.ticks = ticks
        self.signed = signed
        self.slot = (box.right - box.left) / max(len(series), 1)
        self.y = Scale(ticks[0], ticks[-1], box.bottom, box.top)

    def x(self, i: int) -> float:
        return self.box.left + self.slot * (i + 0.5)

    def edge(self, i: int) -> float:
        """The left edge of period i's slot (i == len is the right edge of the last)."""
        return self.box.left + self.slot * i

    def clamp_y(self, value: float) -> float:
        return min(max(self.y(value), self.box.top), self.box.bottom)

    def draw(self, *, reference: float | None = None, reference_name: str | None = None,
             x_labels: bool = True) -> list[str]:
        out = self._bands() + self._y_axis() + self._phases()
        out += self._steps(self.s.centre, TEXT, None, "centre", _("Centre"), limit=False)
        out += self._steps(self.s.ucl, MUTED, "6 4", "ucl", _("Upper limit"), limit=True)
        out += self._steps(self.s.lcl, MUTED, "6 4", "lcl", _("Lower limit"), limit=True)
        if reference is not None and self.y.contains(reference):
            out.append(polyline([(self.box.left, self.y(reference)), (self.box.right, self.y(reference))],
                                colour=TEXT, width=1.25, role="reference", name=reference_name))
        out += self._goal() + self._x_axis(x_labels) + self._data_line() + self._points()
        if not any(self.s.shown(i) for i in range(len(self.s))):
            mid_x, mid_y = (self.box.left + self.box.right) / 2, (self.box.top + self.box.bottom) / 2
            out.append(label(mid_x, mid_y, _("No values to show"), anchor="middle", fill=MUTED))
        return out

    def _y_axis(self) -> list[str]:
        out = []
        for t in self.ticks:
            y = self.y(t)
            out.append(polyline([(self.box.left, y), (self.box.right, y)], colour=GRID, width=1))
            out.append(label(self.box.left - 6, y + 4, format_tick(t, self.ticks, percent=self.s.percent,
                                                                    signed=self.signed),
                             size=TICK_FONT, anchor="end", fill=MUTED, role="y-tick"))
        if self.s.y_label:
            x, y = 12, (self.box.top + self.box.bottom) / 2
            out.append(element("text", {"x": float(x), "y": float(y), "font-size": TICK_FONT,
                                        "text-anchor": "middle", "fill": MUTED,
                                        "transform": f"rotate(-90 {num(x)} {num(y)})", "data-role": "y-label"},
                               text=self.s.y_label))
        return out

    def _x_axis(self, with_labels: bool) -> list[str]:
        out = [polyline([(self.box.left, self.box.bottom), (self.box.right, self.box.bottom)], colour=MUTED, width=1)]
        if with_labels:
            for i in thinned_label_indexes(self.s.labels, self.slot, TICK_FONT):
                x = self.x(i)
                out.append(polyline([(x, self.box.bottom), (x, self.box.bottom + 4)], colour=MUTED, width=1))
                out.append(label(x, self.box.bottom + 16, self.s.labels[i], size=TICK_FONT, anchor="middle",
                                 fill=MUTED, role="x-tick"))
        for i in range(len(self.s)):
            if self.s.suppressed[i]:  # a gap with a reason, never a value
                words = _("%(period)s: value hidden to protect privacy", period=self.s.labels[i])
                out.append(element("g", {"data-role": "hidden"}, tooltip(words),
                                   hidden_marker(self.x(i), self.box.bottom - 1)))
        return out

    def _bands(self) -> list[str]:
        out = []
        for band in self.s.bands:
            x0, x1 = self.edge(band.start_index), self.edge(band.end_index + 1)
            rect = element("rect", {"x": x0, "y": self.box.top, "width": x1 - x0,
                                    "height": self.box.bottom - self.box.top, "fill": BAND_FILL})
            parts = [tooltip(band.label), rect]
            room = int((x1 - x0 - 6) // (BAND_FONT * 0.6))
            short = band.label if len(band.label) <= room else band.label[:max(room - 1, 0)] + "\u2026"
            if room >= 2:
                parts.append(label(x0 + 3, self.box.top + 11, short, size=BAND_FONT, fill=TEXT, role="band-label"))
            out.append(element("g", {"data-role": "band"}, *parts))
        return out

    def _phases(self) -> list[str]:
        out = []
        for p in self.s.phase_starts:
            x = self.edge(p)
            out.append(polyline([(x, self.box.top), (x, self.box.bottom)], colour=MUTED, width=1.25, dash="3 3",
                                role="phase", name=_("New phase from %(period)s", period=self.s.labels[p])))
        return out

    def _steps(self, column: list[float | None], colour: str, dash: str | None, role: str, name: str,
               *, limit: bool) -> list[str]:
        """A per-period line drawn as steps, broken at phase starts and wherever it is missing."""
        runs: list[list[tuple[float, float]]] = []
        previous: float | None = None
        for i in range(len(self.s)):
            value = self.s.limit(column, i) if limit else column[i]
            if value is None or i in self.s.phase_starts:
                previous = None
            if value is None:
                continue
            y = self.clamp_y(value)
            if previous is None:
                runs.append([(self.edge(i), y)])
            elif y != runs[-1][-1][1]:
                runs[-1].append((self.edge(i), y))
            runs[-1].append((self.edge(i + 1), y))
            previous = value
        return [polyline(run, colour=colour, width=1.5, dash=dash, role=role, name=name) for run in runs]

    def _goal(self) -> list[str]:
        goal = self.s.goal
        if goal is None or not self.y.contains(goal):
            return []
        y = self.y(goal)
        text = _("Goal: %(value)s", value=format_value(goal, percent=self.s.percent))
        w = text_width(text, TICK_FONT) + 6
        return [polyline([(self.box.left, y), (self.box.right, y)], colour=GREEN, width=2, dash="2 3",
                         role="goal", name=text),
                element("rect", {"x": self.box.right - w - 2, "y": y - 15, "width": w, "height": 13, "fill": WHITE}),
                label(self.box.right - 5, y - 4, text, size=TICK_FONT, anchor="end", fill=TEXT, role="goal-label")]

    def _joined(self, i: int) -> bool:
        return self.s.shown(i) and not self.s.excluded[i]

    def _data_line(self) -> list[str]:
        """Consecutive shown, included points are joined; a gap, a hidden or an excluded point breaks it."""
        runs: list[list[tuple[float, float]]] = []
        for i in range(len(self.s)):
            if not self._joined(i):
                continue
            point = (self.x(i), self.y(self.s.values[i]))  # type: ignore[arg-type]
            if i > 0 and self._joined(i - 1) and runs:
                runs[-1].append(point)
            else:
                runs.append([point])
        return [polyline(run, colour=BLUE, width=2, role="data-line") for run in runs if len(run) > 1]

    def _points(self) -> list[str]:
        out = []
        for i in range(len(self.s)):
            if not self.s.shown(i):
                continue
            x, y = self.x(i), self.y(self.s.values[i])  # type: ignore[arg-type]
            hollow = bool(self.s.excluded[i])
            if self.s.signal[i]:
                marker, role = diamond_marker(x, y, hollow=hollow), "signal"
            else:
                marker, role = circle_marker(x, y, hollow=hollow), "point"
            attrs = {"data-role": role, "data-excluded": "true" if hollow else None}
            out.append(element("g", attrs, tooltip(point_text(self.s, i, signed=self.signed)), marker))
        return out
