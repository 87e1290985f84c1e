"""What follows a projects commit: when new data makes a new signal appear on a measure's
chart (everyone's series, the measure's default chart and the Anhøj rules), the project's
team hears of it, in words ("9 points in a row above the median since March: a shift").
It also registers what project notes are about (a measure), so a note follows its project:
one that stops being readable stops reaching anyone."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from hub.notify import services as notify
from hub.notify import subjects
from hub.people.models import TeamMembership
from hub.projects.models import Measure

subjects.register(subjects.Subject("measure", Measure, space_of=lambda m: m.project.space))


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
    fresh = [(rule, periods, words) for (rule, periods, words), s in zip(chart.signals, chart.result.signals)
             if (s.rule, chart.labels[s.indices[0]], s.side) not in before]
    if not fresh:
        return []
    team = set(_team_members(measure)) - {actor.id}
    words = fresh[0][2]
    name = measure.name
    return notify.notify(team, "measure_signal",
                         lambda: _("New signal on %(measure)s: %(words)s", measure=name, words=words),
                         url_for("projects.measure", measure_id=measure.id), requires="measure.view",
                         subject=measure)


def _team_members(measure: Measure) -> list[int]:
    from hub.extensions import db
    return list(db.session.scalars(select(TeamMembership.user_id).where(
        TeamMembership.team_id == measure.project.team_id)))
