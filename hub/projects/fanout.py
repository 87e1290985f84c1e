"""After a projects write is committed: who hears about it.

- New data that makes a new signal appear on a measure's chart (everyone's series, the
  measure's default chart, the Anhøj rules) is told to the project's team, in words ("9 points
  in a row above the median since March: a shift").
- A reminder that a network measure's data is due for a period reaches the members of the team
  whose measure it is (asked again at every later use of the note: someone who leaves the team
  stops seeing it).

Notes about a measure name it as their subject ("measure"), so they follow its project: one
that stops being readable stops reaching anyone."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from hub.extensions import db
from hub.notify import services as notify
from hub.notify import subjects
from hub.people.models import TeamMembership
from hub.projects.models import Measure, MeasureSetItem

subjects.register(subjects.Subject("measure", Measure, space_of=lambda m: m.project.space))
# A reminder is addressed to the person (it asks them to do something).
subjects.register_direct("measure_reminder")


def _team_members(measure: Measure) -> set[int]:
    return set(db.session.scalars(select(TeamMembership.user_id).where(
        TeamMembership.team_id == measure.project.team_id)))


def _chart(measure: Measure):
    from hub.projects import charts, published
    return charts.chart_of(measure, published.publish(measure, raw=True))


def signal_keys(measure: Measure) -> set[tuple]:
    """The signals on the chart now, each as (rule, first period, side)."""
    chart = _chart(measure)
    return {(s.rule, chart.labels[s.indices[0]], s.side) for s in chart.result.signals}


def data_changed(actor, measure: Measure, before: set[tuple]) -> list[int]:
    """Tell the team of signals that were not on the chart before this change."""
    chart = _chart(measure)
    fresh = [words for (_rule, _periods, words), s in zip(chart.signals, chart.result.signals)
             if (s.rule, chart.labels[s.indices[0]], s.side) not in before]
    if not fresh:
        return []
    name, words = measure.name, fresh[0]
    return notify.notify(_team_members(measure) - {actor.id}, "measure_signal",
                         lambda: _("New signal on %(measure)s: %(words)s", measure=name, words=words),
                         url_for("projects.measure", measure_id=measure.id), requires="measure.view",
                         subject=measure)


def remind(actor, item: MeasureSetItem, measure: Measure, period_label: str) -> list[int]:
    """Tell the measure's team that the network is waiting for its data for the period."""
    name, cohort = item.latest.name, item.cohort.name
    return notify.notify(_team_members(measure) - {actor.id}, "measure_reminder",
                         lambda: _("%(cohort)s is waiting for your data on “%(measure)s” for %(period)s.",
                                   cohort=cohort, measure=name, period=period_label),
                         url_for("projects.measure", measure_id=measure.id) + "#data", measure.project.space,
                         requires="measure.enter_data", subject=measure)
