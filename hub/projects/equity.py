"""The equity views of a measure: the gap between the project's focus group and its reference
group over time (difference and ratio, with its own run-chart signals), told honestly: a gap
counts as closing only when the focus group improves, not when the reference group gets worse;
and the completeness of each stratifier (the share of the population whose group is known),
a figure in its own right. Both read the published data, so a hidden cell stays hidden."""
from __future__ import annotations

import statistics
from dataclasses import dataclass

from flask_babel import gettext as _

from hub.projects import published, shewhart, signal_words, stratifiers
from hub.projects.chart_gap import render_gap_chart
from hub.projects.models import Measure

BASELINE_PERIODS = 12


@dataclass
class Gap:
    focus: str
    reference: str
    labels: list[str]
    difference: list[float | None]
    ratio: list[float | None]
    hidden: list[bool]
    verdict: str
    signals: list[str]

    def svg(self, percent: bool):
        return render_gap_chart(self.labels, self.difference, self.ratio, self.hidden, percent=percent,
                                title=_("The gap: %(focus)s against %(reference)s", focus=self.focus,
                                        reference=self.reference),
                                description=self.verdict, focus_label=self.focus, reference_label=self.reference)


def _rate(data: published.Published, period, stratum: str):
    cell = data.cell(period, stratum)
    if cell is None or published.is_hidden(cell.value):
        return None, cell is not None
    return cell.value, False


def gap_of(measure: Measure, data: published.Published) -> Gap | None:
    project = measure.project
    key, focus, reference = project.focus_stratifier, project.focus_group, project.reference_group
    if not (key and focus and reference) or key not in (measure.stratifiers or []) or not data.periods:
        return None
    difference, ratio, hidden, focus_rates, reference_rates = [], [], [], [], []
    for period in data.periods:
        f, f_hidden = _rate(data, period, stratifiers.stratum_key({key: focus}))
        r, r_hidden = _rate(data, period, stratifiers.stratum_key({key: reference}))
        hidden.append(f_hidden or r_hidden)
        focus_rates.append(f)
        reference_rates.append(r)
        difference.append(f - r if f is not None and r is not None else None)
        ratio.append(f / r if f is not None and r else None)
    result = shewhart.analyse(difference, chart="run")
    words = [signal_words.explain(s, data.labels) for s in result.signals]
    return Gap(focus, reference, data.labels, difference, ratio, hidden,
               _verdict(measure, focus, reference, difference, focus_rates, reference_rates), words)


def _median(values):
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def _verdict(measure, focus, reference, difference, focus_rates, reference_rates) -> str:
    """Baseline (the first year) against the latest quarter, in words."""
    n = min(BASELINE_PERIODS, max(1, len(difference) // 2))
    gap_then, gap_now = _median(difference[:n]), _median(difference[-3:])
    focus_then, focus_now = _median(focus_rates[:n]), _median(focus_rates[-3:])
    if None in (gap_then, gap_now, focus_then, focus_now) or len(difference) < 6:
        return _("Too few periods with both groups shown to judge the gap yet.")
    better = (lambda a, b: b > a) if measure.direction == "up" else (lambda a, b: b < a)
    narrower = abs(gap_now) < abs(gap_then)
    if narrower and better(focus_then, focus_now):
        return _("The gap is closing: %(focus)s improved, and the difference from %(reference)s narrowed.",
                 focus=focus, reference=reference)
    if narrower:
        return _("The difference narrowed, but %(focus)s did not improve: %(reference)s got worse. That is not "
                 "a gap closing.", focus=focus, reference=reference)
    return _("The gap is not closing yet.")


@dataclass
class Completeness:
    stratifier: str
    label: str
    known: float | None  # the share whose group is known, in the latest period
    period: str


def completeness(measure: Measure, data: published.Published) -> list[Completeness]:
    """Per stratifier, in the latest period with a whole-population denominator: 1 − Unknown ÷ all.
    Hidden when the Unknown cell (or the whole) is hidden for this viewer."""
    latest = next((p for p in reversed(data.periods) if data.cell(p, "") is not None), None)
    out = []
    for s in stratifiers.of_measure(measure):
        known = None
        if latest is not None:
            whole = data.cell(latest, "")
            unknown = data.cell(latest, stratifiers.stratum_key({s.key: stratifiers.UNKNOWN}))
            values = (whole.denominator if whole else None, unknown.denominator if unknown else None)
            if not any(v is None or published.is_hidden(v) for v in values) and values[0]:
                known = 1 - values[1] / values[0]
        out.append(Completeness(s.key, str(s.label), known, data.labels[data.periods.index(latest)] if latest else ""))
    return out
