"""The network view of one shared measure: every team's adopting measure the viewer may view
(policy.scope over measures, so the twin of project.view), each read through
hub.projects.published (raw only where the viewer may see that team's raw counts), charted
with charts.chart_of, side by side on one scale; a funnel plot of the chosen period; where each
team stands against its baseline; and who has not sent data.

Nothing here reads a number the viewer's published data hides: the funnel's centre is the pooled
rate of the teams plotted for this viewer, so a hidden team cannot be worked out from it."""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from hub import policy
from hub.extensions import db
from hub.people.models import Team
from hub.projects import chart_funnel, chart_svg, charts, published
from hub.projects.fields import parse_period, period_label
from hub.projects.models import DataPoint, Measure, MeasureSetItem, Project

Z95, Z998 = 1.96, 3.09
BASELINE_PERIODS = 12


@dataclass
class TeamRow:
    team: Team
    measure: Measure
    raw: bool
    data: published.Published
    chart: charts.MeasureChart
    submitted: bool = False
    suppressed: bool = False           # the chosen period's whole-population cell is hidden
    numerator: float | None = None     # the chosen period's, when shown
    denominator: float | None = None
    value: float | None = None
    baseline: float | None = None      # the median of the first 12 periods' shown values
    latest: float | None = None        # the last shown value
    latest_label: str = ""
    standing: str = ""                 # in plain words
    signal_words: list[str] = field(default_factory=list)
    bright: bool = False


@dataclass
class FunnelRow:
    row: TeamRow
    rate: float
    n: float
    limits95: tuple[float, float]
    limits998: tuple[float, float]
    outside998: bool


@dataclass
class NetworkView:
    item: MeasureSetItem
    period: date | None
    period_label: str
    rows: list[TeamRow]
    funnel_kind: str | None            # "binomial", "poisson", or None (no denominator to plot)
    centre: float | None
    funnel: list[FunnelRow]

    @property
    def hidden(self) -> list[TeamRow]:
        return [r for r in self.rows if r.suppressed]

    @property
    def not_submitted(self) -> list[TeamRow]:
        return [r for r in self.rows if not r.submitted]

    @property
    def percent(self) -> bool:
        return self.item.latest.type == "proportion"

    def small_multiples(self):
        everyone = [r.chart.series for r in self.rows]
        shared = chart_svg.shared_y_range(everyone) if everyone else None
        return chart_svg.render_small_multiples([(r.team.name, r.chart.series) for r in self.rows], columns=2,
                                                id_prefix="team", y_range=shared)

    def funnel_svg(self):
        if self.funnel_kind is None or self.centre is None:
            return None
        points = [chart_funnel.FunnelPoint(f.row.team.name, f.rate, f.n) for f in self.funnel]
        points += [chart_funnel.FunnelPoint(r.team.name, None, None, suppressed=True) for r in self.hidden]
        item = self.item.latest
        return chart_funnel.render_funnel(
            points, self.centre, lambda n: limits(self.funnel_kind, self.centre, n, Z95, item.per),
            lambda n: limits(self.funnel_kind, self.centre, n, Z998, item.per), percent=self.percent,
            title=_("%(measure)s, %(period)s", measure=item.name, period=self.period_label),
            description=_("Each team's rate in %(period)s against its denominator.", period=self.period_label),
            x_label=_("Denominator"), y_label=item.name, id_prefix="funnel")


def limits(kind: str, centre: float, n: float, z: float, per: int = 1) -> tuple[float, float]:
    """The funnel's limits at denominator n: binomial p ± z·√(p(1−p)/n) within 0 and 1, or
    Poisson λ ± z·√(λ/n) (λ per unit, shown per `per`) not below 0."""
    if kind == "binomial":
        half = z * math.sqrt(centre * (1 - centre) / n)
        return max(0.0, centre - half), min(1.0, centre + half)
    rate = centre / per
    half = z * math.sqrt(rate / n)
    return max(0.0, rate - half) * per, (rate + half) * per


def adopting_measures(user, item: MeasureSetItem) -> list[Measure]:
    """The measures of the cohort's teams following any version of the item, that `user` may view."""
    version_ids = [v.id for v in item.versions]
    team_ids = [t.id for t in item.cohort.teams]
    stmt = (select(Measure).join(Project, Project.id == Measure.project_id).join(Team, Team.id == Project.team_id)
            .where(Measure.set_version_id.in_(version_ids), Project.team_id.in_(team_ids))
            .order_by(Team.name, Measure.id))
    return list(db.session.scalars(policy.scope(stmt, user)))


def latest_period(measures: list[Measure]) -> date | None:
    if not measures:
        return None
    return db.session.scalar(select(func.max(DataPoint.period))
                             .where(DataPoint.measure_id.in_([m.id for m in measures])))


def chosen_period(user, item: MeasureSetItem, text: str | None, errors: dict) -> date | None:
    """The period asked for ("2026-03"), or the latest any viewable adopting team has data for."""
    if text:
        period = parse_period(text, item.latest.period)
        if period is None:
            errors["period"] = _("Give a period like 2026-03, 2026-Q1 or 2026-W05.")
        return period
    return latest_period(adopting_measures(user, item))


def _submitted_ids(measures: list[Measure], period: date | None) -> set[int]:
    if period is None or not measures:
        return set()
    return set(db.session.scalars(select(DataPoint.measure_id).distinct().where(
        DataPoint.measure_id.in_([m.id for m in measures]), DataPoint.period == period)))


def not_submitted(user, item: MeasureSetItem, period: date | None) -> list[Measure]:
    measures = adopting_measures(user, item)
    sent = _submitted_ids(measures, period)
    return [m for m in measures if m.id not in sent]


def network_view(user, item: MeasureSetItem, period_text: str | None = None) -> NetworkView:
    from hub.validation import ValidationError

    errors: dict[str, str] = {}
    period = chosen_period(user, item, period_text, errors)
    if errors:
        raise ValidationError(errors)
    measures = adopting_measures(user, item)
    sent = _submitted_ids(measures, period)
    rows = [_row(user, m, period, m.id in sent) for m in measures]
    version = item.latest
    kind = {"proportion": "binomial", "rate": "poisson"}.get(version.type)
    plotted = [r for r in rows if kind and r.measure.type == version.type and not r.suppressed
               and isinstance(r.numerator, (int, float)) and isinstance(r.denominator, (int, float))
               and r.denominator > 0]
    centre = None
    funnel: list[FunnelRow] = []
    if plotted:
        pooled = sum(r.numerator for r in plotted) / sum(r.denominator for r in plotted)
        centre = pooled * (version.per if kind == "poisson" else 1)
        for r in plotted:
            rate = r.numerator / r.denominator * (version.per if kind == "poisson" else 1)
            l95 = limits(kind, centre, r.denominator, Z95, version.per)
            l998 = limits(kind, centre, r.denominator, Z998, version.per)
            funnel.append(FunnelRow(r, rate, r.denominator, l95, l998, not l998[0] <= rate <= l998[1]))
    label = period_label(period, version.period) if period else ""
    return NetworkView(item, period, label, rows, kind if plotted else None, centre, funnel)


def _row(user, measure: Measure, period: date | None, submitted: bool) -> TeamRow:
    raw = policy.can(user, "project.view_raw", measure.project)
    data = published.publish(measure, raw)
    chart = charts.chart_of(measure, data, title=measure.project.team.name)
    row = TeamRow(measure.project.team, measure, raw, data, chart, submitted=submitted)
    cell = data.cell(period, "") if period else None
    if cell is not None:
        row.suppressed = any(published.is_hidden(v) for v in (cell.numerator, cell.denominator, cell.value))
        if not row.suppressed:
            row.numerator, row.denominator, row.value = cell.numerator, cell.denominator, cell.value
    _stand(row)
    return row


def _stand(row: TeamRow) -> None:
    """Baseline against latest, and the current signal, in plain words."""
    points = row.chart.result.points
    shown = [p for p in points if p.value is not None and not row.chart.hidden[p.index]]
    first = [p.value for p in shown if p.index < BASELINE_PERIODS]
    row.baseline = statistics.median(first) if first else None
    if not shown:
        row.standing = _("No data to show yet.")
        return
    last = shown[-1]
    row.latest, row.latest_label = last.value, row.chart.labels[last.index]
    row.signal_words = [words for _rule, periods, words in row.chart.signals if row.latest_label in periods]
    up = row.measure.direction == "up"
    if last.signal and last.centre is not None and last.value != last.centre:
        better = (last.value > last.centre) == up
        row.bright = better
        row.standing = _("A signal of improvement.") if better else _("A signal of getting worse.")
    else:
        row.standing = _("No signal: the latest value is within the usual variation.")
