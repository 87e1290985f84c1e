"""A measure's chart as one viewer may see it: the published data (raw or suppressed, from
hub.projects.published) analysed by the SPC engine (hub.projects.shewhart, run_rules), its
signals in words (signal_words), and the SVG (chart_svg), with PDSA cycles as time bands."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from hub.projects import chart_svg, published, shewhart, signal_words, stratifiers
from hub.projects.chart_series import Band, ChartSeries
from hub.projects.models import Measure
from hub.validation import ValidationError

CHART_CHOICES = ("run", "p", "pp", "u", "up", "c", "i")
RULE_CHOICES = ("anhoej", "ihi")


@dataclass
class MeasureChart:
    chart: str
    rules: str
    stratum: str
    labels: list[str]
    result: shewhart.ChartResult
    hidden: list[bool]
    unstable: list[bool]
    signals: list[tuple[str, list[str], str]]  # (rule, periods, words)
    summary: str
    series: ChartSeries

    def svg(self, id_prefix: str = "chart", **kwargs):
        return chart_svg.render(self.series, id_prefix=id_prefix, **kwargs)


def default_chart(measure: Measure) -> str:
    return "run"


def chart_of(measure: Measure, data: published.Published, stratum: str = "", chart: str | None = None,
             rules: str = "anhoej", title: str = "") -> MeasureChart:
    if stratum and stratum not in _known_strata(measure):
        raise ValidationError({"stratum": _("Choose a group of one of the measure's stratifiers, like race=Asian.")})
    chart = chart if chart in CHART_CHOICES else default_chart(measure)
    rules = rules if rules in RULE_CHOICES else "anhoej"
    if chart in ("p", "pp") and measure.type != "proportion" or chart in ("u", "up") and measure.type != "rate" \
            or chart == "c" and measure.type != "count":
        chart = shewhart.CHART_FOR_MEASURE[measure.type] if measure.type in ("measurement",) else "run"
    points, hidden, unstable = [], [], []
    for period in data.periods:
        cell = data.cell(period, stratum)
        hidden.append(cell is not None and published.is_hidden(cell.value))
        unstable.append(bool(cell and cell.unstable))
        points.append(_point(measure, cell))
    index_of = {p: i for i, p in enumerate(data.periods)}
    baseline = (sum(1 for p in data.periods if p <= measure.baseline_until) or None) if measure.baseline_until else None
    phases = sorted({index_of[p.starts_on] for p in measure.phases if p.starts_on in index_of and index_of[p.starts_on]})
    excluded = {index_of[e.period]: e.reason for e in measure.exclusions_list if e.period in index_of}
    multiplier = measure.per if measure.type == "rate" else 1
    result = shewhart.analyse(points, chart=chart, rules=rules, baseline=baseline, phases=phases,
                              excluded=excluded, multiplier=multiplier)
    present = [p.index for p in result.points if p.value is not None]
    last = present[-1] if present else None
    signals = [(s.rule, [data.labels[i] for i in s.indices],
                signal_words.explain(s, data.labels, last_index=last)) for s in result.signals]
    if not data.periods:
        summary = _("No data yet.")
    elif measure.type == "proportion":
        summary = signal_words.summarise(result, data.labels, measure.direction, number=_percent)
    else:
        summary = signal_words.summarise(result, data.labels, measure.direction)
    series = ChartSeries(
        labels=data.labels, values=[p.value for p in result.points], suppressed=hidden,
        centre=[p.centre for p in result.points], ucl=[p.ucl for p in result.points],
        lcl=[p.lcl for p in result.points], signal=[p.signal for p in result.points],
        excluded=[p.excluded for p in result.points], goal=measure.goal_value,
        bands=_bands(measure, data), phase_starts=phases, y_label=measure.name,
        percent=measure.type == "proportion", title=title or measure.name, description=summary)
    return MeasureChart(chart, rules, stratum, data.labels, result, hidden, unstable, signals, summary, series)


def _known_strata(measure: Measure) -> set[str]:
    return {stratifiers.stratum_key({s.key: g}) for s in stratifiers.of_measure(measure) for g in s.categories}


def _percent(value: float) -> str:
    from flask_babel import format_percent
    return format_percent(value, format="#,##0.0%")


def _point(measure: Measure, cell):
    if cell is None or published.is_hidden(cell.value):
        return None
    if measure.type == "measurement":
        return cell.value
    if measure.type == "count":
        return cell.numerator
    if cell.numerator is None or cell.denominator is None or published.is_hidden(cell.denominator):
        return None
    return (cell.numerator, cell.denominator)


def _bands(measure: Measure, data: published.Published) -> list[Band]:
    if not data.periods:
        return []
    bands = []
    for cycle in measure.project.cycles:
        if cycle.measure_ids and measure.id not in cycle.measure_ids:
            continue
        end = cycle.ends_on or cycle.starts_on
        inside = [i for i, p in enumerate(data.periods) if cycle.starts_on <= _period_end(data, i) and p <= end]
        if inside:
            bands.append(Band(inside[0], inside[-1], cycle.title[:40]))
    return bands


def _period_end(data: published.Published, i: int):
    from datetime import timedelta
    return data.periods[i + 1] - timedelta(days=1) if i + 1 < len(data.periods) else data.periods[i] + timedelta(days=31)
