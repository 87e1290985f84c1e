"""After a projects write is committed: who hears about it.

- A reminder that a network measure's data is due for a period reaches the members of the team
  whose measure it is (those the policy lets enter its data, asked again at every later use of
  the note: someone who leaves the team stops seeing it).

Notes about a measure name it as their subject ("measure"), so they follow its project."""
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


def remind(actor, item: MeasureSetItem, measure: Measure, period_label: str) -> list[int]:
    """Tell the measure's team that the network is waiting for its data for the period."""
    members = set(db.session.scalars(select(TeamMembership.user_id)
                                     .where(TeamMembership.team_id == measure.project.team_id)))
    name, cohort = item.latest.name, item.cohort.name
    return notify.notify(members - {actor.id}, "measure_reminder",
                         lambda: _("%(cohort)s is waiting for your data on “%(measure)s” for %(period)s.",
                                   cohort=cohort, measure=name, period=period_label),
                         url_for("projects.measure", measure_id=measure.id) + "#data", measure.project.space,
                         requires="measure.enter_data", subject=measure)
