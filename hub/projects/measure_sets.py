"""Network measure sets: a cohort's shared measure definitions, published in versions by its
facilitators, adopted by its teams into their projects, and moved to a newer version only on
purpose. Each write takes the actor, asks the policy, checks what it was given (a message per
field), writes and commits once; reminders hand over to hub.projects.fanout after that.

A version, once published, never changes: an edit publishes the next one. A measure adopted at
version N keeps N's definition until someone on the team moves it; the move is kept in the
measure's version history (MeasureVersionMove) with the last period of data entered before it,
so what old data meant can always be read back."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from hub import policy
from hub.extensions import db, utcnow
from hub.people.models import Cohort
from hub.projects import fields
from hub.projects.models import (DataPoint, Measure, MeasureSet, MeasureSetItem, MeasureSetItemVersion,
                                 MeasureVersionMove, Project)
from hub.validation import ValidationError, require_text

# The fields a version defines (and copies into an adopting measure).
DEFINITION = ("name", "kind", "type", "numerator", "denominator", "inclusions", "exclusions", "data_source", "per",
              "direction", "period", "stratifiers", "goal_value", "goal_date")


def measure_set_of(cohort: Cohort | None) -> MeasureSet | None:
    """The cohort's set; a new, unsaved one when it has none yet (saved by its first item)."""
    if cohort is None:
        return None
    found = db.session.scalar(select(MeasureSet).where(MeasureSet.cohort_id == cohort.id))
    return found or MeasureSet(cohort_id=cohort.id, cohort=cohort)


def definition_of(version: MeasureSetItemVersion | Measure) -> dict:
    return {key: getattr(version, key) for key in DEFINITION}


def _definition_fields(data: dict, current: MeasureSetItemVersion | None) -> tuple[dict, dict, str]:
    given = {k: v for k, v in data.items() if k in DEFINITION}
    values, errors = fields.measure_fields(given, current)
    values.pop("custom_stratifiers", None)  # a network measure uses the shared stratifiers only
    note = require_text(errors, "change_note", data.get("change_note"), _("What changed"), 500, required=False)
    return values, errors, note


def publish_item(actor, measure_set: MeasureSet, data: dict) -> MeasureSetItem:
    """A new shared measure, published at version 1."""
    policy.require(actor, "measure_set.publish", measure_set)
    values, errors, note = _definition_fields(data, None)
    if errors:
        raise ValidationError(errors)
    if measure_set.id is None:
        db.session.add(measure_set)
    item = MeasureSetItem(measure_set=measure_set, created_by_id=actor.id, position=len(measure_set.items))
    item.versions.append(MeasureSetItemVersion(number=1, published_by_id=actor.id, change_note=note, **values))
    db.session.add(item)
    db.session.commit()
    return item


def revise_item(actor, item: MeasureSetItem, data: dict) -> MeasureSetItemVersion:
    """Publish the next version: the latest definition with the fields named changed. Nothing
    changed publishes nothing (the latest version is returned). Teams using an older version
    stay on it until they move."""
    policy.require(actor, "measure_set_item.edit", item)
    latest = item.latest
    values, errors, note = _definition_fields(data, latest)
    if errors:
        raise ValidationError(errors)
    merged = {**definition_of(latest), **values}
    if merged == definition_of(latest):
        return latest
    version = MeasureSetItemVersion(number=latest.number + 1, published_by_id=actor.id, change_note=note,
                                    published_at=utcnow(), **merged)
    item.versions.append(version)
    db.session.commit()
    return version


def adopt(actor, project: Project, item_id) -> Measure:
    """A measure of the project that follows the item's latest version, its definition copied."""
    policy.require(actor, "project.edit", project)
    item = db.session.get(MeasureSetItem, item_id) if isinstance(item_id, int) and not isinstance(item_id, bool) \
        else None
    errors: dict[str, str] = {}
    if item is None or not policy.can(actor, "measure_set_item.view", item):
        errors["item_id"] = _("Choose a measure from your cohort's network measure set.")
    elif not policy.can(actor, "measure_set_item.adopt", (item, project)):
        errors["item_id"] = _("This network measure belongs to a cohort this project's team is not in.")
    elif any(m.set_version and m.set_version.item_id == item.id for m in project.measures):
        errors["item_id"] = _("This project already uses this network measure.")
    if errors:
        raise ValidationError(errors)
    policy.require(actor, "measure_set_item.adopt", (item, project))
    version = item.latest
    measure = Measure(project_id=project.id, set_version_id=version.id, **definition_of(version))
    db.session.add(measure)
    db.session.flush()
    db.session.add(MeasureVersionMove(measure_id=measure.id, from_version_id=None, to_version_id=version.id,
                                      actor_id=actor.id))
    project.updated_at = utcnow()
    db.session.commit()
    return measure


def move_to_version(actor, measure: Measure, number) -> Measure:
    """Move a network measure to another published version of its item, on purpose: its
    definition becomes that version's, and the move (from, to, data entered through) is kept."""
    policy.require(actor, "measure.move_version", measure)
    current = measure.set_version
    target = next((v for v in current.item.versions if v.number == number), None) \
        if isinstance(number, int) and not isinstance(number, bool) else None
    errors: dict[str, str] = {}
    if target is None:
        errors["version"] = _("Choose a published version of this network measure.")
    elif target.id == current.id:
        errors["version"] = _("This measure already follows version %(n)d.", n=target.number)
    elif target.type != measure.type and measure.points:
        # What old data meant must not change under it: a new type is a new measure.
        errors["version"] = _("Version %(n)d measures another type; adopt it as a new measure instead.",
                              n=target.number)
    if errors:
        raise ValidationError(errors)
    through = db.session.scalar(select(func.max(DataPoint.period)).where(DataPoint.measure_id == measure.id))
    db.session.add(MeasureVersionMove(measure_id=measure.id, from_version_id=current.id, to_version_id=target.id,
                                      data_through=through, actor_id=actor.id))
    for key, value in definition_of(target).items():
        setattr(measure, key, value)
    measure.set_version_id = target.id
    measure.project.updated_at = utcnow()
    db.session.commit()
    return measure


def version_history(measure: Measure) -> list[MeasureVersionMove]:
    return list(db.session.scalars(select(MeasureVersionMove).where(MeasureVersionMove.measure_id == measure.id)
                                   .order_by(MeasureVersionMove.at, MeasureVersionMove.id)))


def adoptable_projects(user, cohort: Cohort) -> list[Project]:
    """The projects of the cohort's teams this person may adopt a network measure into."""
    team_ids = [t.id for t in cohort.teams]
    stmt = policy.scope(select(Project).where(Project.team_id.in_(team_ids)), user).order_by(Project.title)
    return [p for p in db.session.scalars(stmt) if policy.can(user, "project.edit", p)]


def send_reminders(actor, item: MeasureSetItem, period_text: str | None = None, team_ids=None) -> list[int]:
    """Remind the teams that have not sent data for the period (the latest, or the one named;
    only those of `team_ids` when given). Writes nothing of its own: each team's members are
    notified through hub.projects.fanout. Returns the ids of the teams reminded."""
    from hub.projects import fanout, network

    policy.require(actor, "measure_set_item.remind", item)
    errors: dict[str, str] = {}
    period = network.chosen_period(actor, item, period_text, errors)
    if period is None and not errors:
        errors["period"] = _("No team has sent data yet: name the period to remind them about.")
    missing = network.not_submitted(actor, item, period) if period is not None else []
    if team_ids is not None:
        wanted = set(team_ids) if isinstance(team_ids, list) else None
        if wanted is None or not wanted or not wanted <= {m.project.team_id for m in missing}:
            errors["team_ids"] = _("Choose teams that have not sent data for this period.")
        else:
            missing = [m for m in missing if m.project.team_id in wanted]
    if errors:
        raise ValidationError(errors)
    if not missing:
        raise ValidationError({"period": _("Every team has sent data for this period.")})
    label = fields.period_label(period, item.latest.period)
    for measure in missing:
        fanout.remind(actor, item, measure, label)
    return sorted({m.project.team_id for m in missing})
