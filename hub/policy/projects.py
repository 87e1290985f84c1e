"""Projects: who may see a team's improvement project, its measures and their data, who may
change them, and who sees raw counts rather than small-cell-suppressed ones.

A project lives in its team's space: whoever reads that space reads the project. Shared with
the cohort, it is read also by whoever reads a space of a cohort the team belongs to; shared
with the community, by everyone signed in. Whoever may post in the team's space may change it
(the team, and the staff who oversee team spaces). The raw numbers are for those who may change
it and for the program's data staff; everyone else who reads a measure sees it suppressed
(hub.projects.suppression). Measures, cycles, driver diagrams and data follow their project.
"""
from __future__ import annotations

from sqlalchemy import and_, exists, false, or_, select

from hub.extensions import db
from hub.people.models import Cohort, Team, User, cohort_teams
from hub.policy.audiences import _active_ids, _space_audience
from hub.policy.core import AUDIENCES, EXISTENCE_ACTION, NEEDS_OBJECT, RULES, SCOPES
from hub.policy.roles import signed_in
from hub.policy.spaces import _can_post_in_space, _can_view_space, _space_view_clause
from hub.projects.models import Cycle, DriverNode, Measure, Project
from hub.spaces.models import Space


def _cohort_spaces(project: Project) -> list[Space]:
    return list(db.session.scalars(select(Space).join(Cohort, Cohort.space_id == Space.id)
                                   .join(cohort_teams, cohort_teams.c.cohort_id == Cohort.id)
                                   .where(cohort_teams.c.team_id == project.team_id)))


def _can_view_project(user, project: Project | None) -> bool:
    if project is None or project.deleted_at is not None or not signed_in(user):
        return False
    if _can_view_space(user, project.space):
        return True
    if project.visibility == "community":
        return True
    if project.visibility == "cohort":
        return any(_can_view_space(user, space) for space in _cohort_spaces(project))
    return False


def _can_edit_project(user, project: Project | None) -> bool:
    return (project is not None and project.deleted_at is None and signed_in(user)
            and _can_post_in_space(user, project.space))


def _sees_raw(user, project: Project | None) -> bool:
    return _can_edit_project(user, project) or (
        bool(getattr(user, "data_staff", False)) and _can_view_project(user, project))


def _can_add_project(user, team: Team | None) -> bool:
    return team is not None and team.archived_at is None and signed_in(user) and _can_post_in_space(user, team.space)


def _of_project(rule):
    """The same rule asked of a measure, cycle or driver node: its project's."""
    return lambda user, thing: thing is not None and rule(user, thing.project)


RULES.update({
    "project.view": _can_view_project,
    "project.edit": _can_edit_project,
    "project.share": _can_edit_project,
    "project.delete": _can_edit_project,
    "project.view_raw": _sees_raw,
    "team.add_project": _can_add_project,
    "measure.view": _of_project(_can_view_project),
    "measure.edit": _of_project(_can_edit_project),
    "measure.enter_data": _of_project(_can_edit_project),
    "measure.view_raw": _of_project(_sees_raw),
    "cycle.view": _of_project(_can_view_project),
    "cycle.edit": _of_project(_can_edit_project),
    "driver.view": _of_project(_can_view_project),
    "driver.edit": _of_project(_can_edit_project),
})
EXISTENCE_ACTION.update({Project: "project.view", Measure: "measure.view", Cycle: "cycle.view",
                         DriverNode: "driver.view"})
NEEDS_OBJECT.update({"project.view", "project.edit", "project.share", "project.delete", "project.view_raw",
                     "team.add_project", "measure.view", "measure.edit", "measure.enter_data", "measure.view_raw",
                     "cycle.view", "cycle.edit", "driver.view", "driver.edit"})


# ---------------------------------------------------------------- the SQL twin and the audience

def project_clause(user):
    """The projects a user may read, as SQL over `projects` (the twin of project.view)."""
    if not signed_in(user):
        return false()
    readable = select(Space.id).where(_space_view_clause(user))
    in_cohort = exists(select(cohort_teams.c.team_id).join(Cohort, Cohort.id == cohort_teams.c.cohort_id)
                       .where(cohort_teams.c.team_id == Project.team_id, Cohort.space_id.in_(readable)))
    return and_(Project.deleted_at.is_(None),
                or_(Project.space_id.in_(readable), Project.visibility == "community",
                    and_(Project.visibility == "cohort", in_cohort)))


def _measure_clause(user):
    return Measure.project_id.in_(select(Project.id).where(project_clause(user)))


def _cycle_clause(user):
    return Cycle.project_id.in_(select(Project.id).where(project_clause(user)))


def _project_audience(project: Project, among=None) -> set[int]:
    if project.deleted_at is not None:
        return set()
    if project.visibility == "community":
        return _active_ids(select(User.id), among)
    readers = _space_audience(project.space, among)
    if project.visibility == "cohort":
        for space in _cohort_spaces(project):
            readers |= _space_audience(space, among)
    return readers


SCOPES.update({Project: project_clause, Measure: _measure_clause, Cycle: _cycle_clause})
AUDIENCES.append(((Project,), _project_audience))
AUDIENCES.append(((Measure, Cycle), lambda thing, among=None: _project_audience(thing.project, among)))
