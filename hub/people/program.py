"""Editing the program's structure: rename, re-file and archive organizations, cohorts and teams.

(Creating them is in hub.people.services.) Each write asks the policy first, whatever it is
asked to change, changes only the fields it names, commits once, and then evicts from live rooms
anyone who no longer reads a space because a team left a cohort. Archiving a cohort or team
archives its space too: it stays readable, and read-only, as the program's record.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from hub import policy, realtime
from hub.extensions import db, utcnow
from hub.people.models import PROGRAMS, Cohort, Organization, Team, User
from hub.validation import ValidationError, require_text, same_name

MISSING = object()


def _archived(fields: dict, data: dict):
    value = data.get("archived", MISSING)
    if value is not MISSING and not isinstance(value, bool):
        fields["archived"] = _("Send true or false.")
        return MISSING
    return value


def _unique_name(fields: dict, model, name: str, current) -> None:
    if "name" in fields or name.lower() == current.name.lower():
        return
    if db.session.scalar(select(model.id).where(same_name(model.name, name), model.id != current.id)):
        fields["name"] = _("That name is taken; choose another.")


def _set_archived(thing, archived, space=None) -> None:
    if archived is MISSING or bool(thing.archived_at) == archived:
        return
    thing.archived_at = utcnow() if archived else None
    if space is not None:
        space.archived_at = thing.archived_at


def update_organization(actor: User, org: Organization | None, data: dict) -> Organization:
    policy.require(actor, "program.manage")
    if org is None:
        raise _not_found()
    fields: dict[str, str] = {}
    name = require_text(fields, "name", data.get("name", org.name), _("Name"), 160)
    _unique_name(fields, Organization, name, org)
    kind = require_text(fields, "kind", data.get("kind", org.kind), _("Kind of organization"), 60, required=False)
    city = require_text(fields, "city", data.get("city", org.city), _("City"), 80, required=False)
    archived = _archived(fields, data)
    if fields:
        raise ValidationError(fields)
    org.name, org.kind, org.city = name, kind, city
    _set_archived(org, archived)
    db.session.commit()
    return org


def update_cohort(actor: User, cohort: Cohort | None, data: dict, starts_on=MISSING, ends_on=MISSING) -> Cohort:
    """`starts_on` and `ends_on` come parsed (dates or None) when the caller names them."""
    policy.require(actor, "program.manage")
    if cohort is None:
        raise _not_found()
    fields: dict[str, str] = {}
    name = require_text(fields, "name", data.get("name", cohort.name), _("Name"), 160)
    _unique_name(fields, Cohort, name, cohort)
    program = data.get("program", cohort.program)
    if program not in PROGRAMS:
        fields["program"] = _("Choose Learning Network or Action Community.")
    starts = cohort.starts_on if starts_on is MISSING else starts_on
    ends = cohort.ends_on if ends_on is MISSING else ends_on
    if isinstance(starts, date) and isinstance(ends, date) and ends < starts:
        fields["ends_on"] = _("The end date must be after the start date.")
    teams = _teams(fields, data.get("team_ids", MISSING))
    archived = _archived(fields, data)
    if fields:
        raise ValidationError(fields)
    readers = realtime.readers_of(cohort.space) if teams is not MISSING else set()
    _rename_with_space(cohort, name)
    cohort.program, cohort.starts_on, cohort.ends_on = program, starts, ends
    if teams is not MISSING:
        cohort.teams = teams
    _set_archived(cohort, archived, cohort.space)
    db.session.commit()
    realtime.evict_lost_readers(cohort.space, readers)
    return cohort


def update_team(actor: User, team: Team | None, data: dict) -> Team:
    policy.require(actor, "program.manage")
    if team is None:
        raise _not_found()
    fields: dict[str, str] = {}
    name = require_text(fields, "name", data.get("name", team.name), _("Name"), 160)
    _unique_name(fields, Team, name, team)
    org = team.organization
    if "organization_id" in data:
        org_id = data["organization_id"]
        org = db.session.get(Organization, org_id) if isinstance(org_id, int) else None
        if org is None:
            fields["organization_id"] = _("Choose the team's organization.")
    cohorts = _cohorts(fields, data.get("cohort_ids", MISSING))
    archived = _archived(fields, data)
    if fields:
        raise ValidationError(fields)
    # A team leaving a cohort takes its people out of the cohort's space: asked before and after.
    left = [c for c in team.cohorts if cohorts is not MISSING and c not in cohorts]
    readers = {c.id: realtime.readers_of(c.space) for c in left}
    _rename_with_space(team, name)
    team.organization = org
    if cohorts is not MISSING:
        team.cohorts = cohorts
    _set_archived(team, archived, team.space)
    db.session.commit()
    for cohort in left:
        realtime.evict_lost_readers(cohort.space, readers[cohort.id])
    return team


def _rename_with_space(thing, name: str) -> None:
    if thing.name != name and thing.space.name == thing.name:  # a space renamed on its own keeps its name
        thing.space.name = name
    thing.name = name


def _ids(fields: dict, name: str, value) -> list[int] | None:
    if not isinstance(value, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in value):
        fields[name] = _("Send a list of ids.")
        return None
    return sorted(set(value))


def _chosen(fields: dict, name: str, model, value, refusal: str):
    """The rows whose ids `value` lists (MISSING when it was not sent), or a field error."""
    if value is MISSING:
        return MISSING
    ids = _ids(fields, name, value)
    found = list(db.session.scalars(select(model).where(model.id.in_(ids)))) if ids else []
    if ids is not None and len(found) != len(ids):
        fields[name] = refusal
    return found


def _teams(fields: dict, value):
    return _chosen(fields, "team_ids", Team, value, _("Choose teams from the list."))


def _cohorts(fields: dict, value):
    return _chosen(fields, "cohort_ids", Cohort, value, _("Choose cohorts from the list."))


def _not_found() -> NotFound:
    return NotFound()
