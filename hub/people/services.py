"""Writes about people and the program's structure: profiles, organizations, cohorts, teams."""
from __future__ import annotations

from datetime import date
from zoneinfo import available_timezones

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from hub import content, policy
from hub.extensions import db
from hub.people.models import PROGRAMS, TEAM_ROLES, Cohort, Organization, Team, TeamMembership, User
from hub.spaces import services as spaces
from hub.validation import ValidationError, require_text, same_name

_TIME_ZONES: frozenset[str] | None = None


def time_zones() -> list[str]:
    global _TIME_ZONES
    if _TIME_ZONES is None:
        _TIME_ZONES = frozenset(available_timezones())
    return sorted(_TIME_ZONES)


PROFILE_FIELDS = ("name", "pronouns", "title", "organization_id", "bio", "preferred_language", "time_zone")


def update_profile(actor: User, person: User | None, data: dict) -> User:
    policy.require(actor, "person.edit", person)
    fields: dict[str, str] = {}
    values = {
        "name": require_text(fields, "name", data.get("name", person.name), _("Name"), 120),
        "pronouns": require_text(fields, "pronouns", data.get("pronouns", person.pronouns), _("Pronouns"), 40, required=False),
        "title": require_text(fields, "title", data.get("title", person.title), _("Title"), 120, required=False),
        "bio": require_text(fields, "bio", data.get("bio", person.bio), _("About you"), 5000, required=False),
    }
    language = data.get("preferred_language", person.preferred_language)
    if language not in current_app.config["LANGUAGES"]:
        fields["preferred_language"] = _("Choose a language from the list.")
    zone = data.get("time_zone", person.time_zone)
    if zone not in time_zones():
        fields["time_zone"] = _("Choose a time zone from the list, like America/Chicago.")
    org_id = data.get("organization_id", person.organization_id)
    if org_id in ("", None):
        org_id = None
    else:
        try:
            org_id = int(org_id)
        except (TypeError, ValueError):
            org_id = -1
        if db.session.get(Organization, org_id) is None:
            fields["organization_id"] = _("Choose an organization from the list.")
    if fields:
        raise ValidationError(fields)
    for key, value in values.items():
        setattr(person, key, value)
    person.bio_html = str(content.render(values["bio"]))
    person.preferred_language = language
    person.time_zone = zone
    person.organization_id = org_id
    db.session.commit()
    return person


# ---------------------------------------------------------------- program structure

def create_organization(actor: User, name: str, kind: str = "", city: str = "") -> Organization:
    policy.require(actor, "program.manage")
    fields: dict[str, str] = {}
    name = require_text(fields, "name", name, _("Name"), 160)
    if not fields and db.session.scalar(select(Organization).where(same_name(Organization.name, name))):
        fields["name"] = _("An organization with this name already exists.")
    if fields:
        raise ValidationError(fields)
    org = Organization(name=name, kind=(kind or "").strip()[:60], city=(city or "").strip()[:80])
    db.session.add(org)
    db.session.commit()
    return org


def create_cohort(actor: User, name: str, program: str, starts_on: date | None = None,
                  ends_on: date | None = None) -> Cohort:
    """A cohort and its space, in one transaction."""
    policy.require(actor, "program.manage")
    fields: dict[str, str] = {}
    name = require_text(fields, "name", name, _("Name"), 160)
    if program not in PROGRAMS:
        fields["program"] = _("Choose Learning Network or Action Community.")
    if starts_on and ends_on and ends_on < starts_on:
        fields["ends_on"] = _("The end date must be after the start date.")
    if not fields and db.session.scalar(select(Cohort).where(same_name(Cohort.name, name))):
        fields["name"] = _("A cohort with this name already exists.")
    if fields:
        raise ValidationError(fields)
    space = spaces.new_space("cohort", name, purpose=_("Shared work of the %(name)s cohort.", name=name))
    cohort = Cohort(name=name, program=program, starts_on=starts_on, ends_on=ends_on, space=space)
    db.session.add(cohort)
    db.session.commit()
    return cohort


def create_team(actor: User, name: str, organization_id: int, cohort_ids: list[int] = ()) -> Team:
    """A team and its team space, in one transaction."""
    policy.require(actor, "program.manage")
    fields: dict[str, str] = {}
    name = require_text(fields, "name", name, _("Name"), 160)
    org = db.session.get(Organization, organization_id) if organization_id else None
    if org is None:
        fields["organization_id"] = _("Choose the team's organization.")
    cohorts = [db.session.get(Cohort, cid) for cid in cohort_ids]
    if any(c is None for c in cohorts):
        fields["cohort_ids"] = _("Choose cohorts from the list.")
    if not fields and db.session.scalar(select(Team).where(same_name(Team.name, name))):
        fields["name"] = _("A team with this name already exists.")
    if fields:
        raise ValidationError(fields)
    space = spaces.new_space("team", name, purpose=_("The %(name)s team's own space.", name=name))
    team = Team(name=name, organization=org, space=space, cohorts=cohorts)
    db.session.add(team)
    db.session.commit()
    return team


def add_team_member(actor: User, team: Team | None, person: User | None, role: str = "member") -> list[str]:
    """Add or re-role a member; returns warnings (such as team size) that never block."""
    policy.require(actor, "team.manage", team)
    if team is None or person is None or not person.active:
        raise ValidationError({"user_id": _("Choose an active person from the directory.")})
    if role not in TEAM_ROLES:
        raise ValidationError({"role": _("Choose a team role from the list.")})
    membership = db.session.scalar(select(TeamMembership).where(
        TeamMembership.team_id == team.id, TeamMembership.user_id == person.id))
    if membership is None:
        db.session.add(TeamMembership(team_id=team.id, user_id=person.id, role=role))
    else:
        membership.role = role
    db.session.commit()
    return team_size_warnings(team)


def remove_team_member(actor: User, team: Team | None, person: User | None) -> list[str]:
    policy.require(actor, "team.manage", team)
    if team is None or person is None:
        raise ValidationError({"user_id": _("That person is not on this team.")})
    membership = db.session.scalar(select(TeamMembership).where(
        TeamMembership.team_id == team.id, TeamMembership.user_id == person.id))
    if membership is not None:
        db.session.delete(membership)
        db.session.commit()
        # Out of the rooms (chat channels) of every space the person could read only through this team.
        from hub import realtime
        for space in [team.space] + [c.space for c in team.cohorts]:
            if space is not None and not policy.can(person, "space.view", space):
                realtime.evict_from_space(person.id, space.id)
    return team_size_warnings(team)


def team_size_warnings(team: Team) -> list[str]:
    low, high = current_app.config["TEAM_SIZE_EXPECTED"]
    count = len([m for m in team.memberships if m.user.active])
    if count < low:
        return [_("%(team)s has %(n)d active members; teams usually have %(low)d to %(high)d.",
                  team=team.name, n=count, low=low, high=high)]
    if count > high:
        return [_("%(team)s has %(n)d active members; teams usually have %(low)d to %(high)d.",
                  team=team.name, n=count, low=low, high=high)]
    return []
