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


# ---------------------------------------------------------------- network measure sets

from hub.policy.roles import is_staff  # noqa: E402
from hub.policy.spaces import _can_manage_space  # noqa: E402
from hub.projects.models import MeasureSet, MeasureSetItem  # noqa: E402

# A cohort's measure set is read by whoever reads the cohort's space, and published or edited by
# those who manage that space (its facilitators) and site staff, while the space is open. A team
# adopts one of its items into a project when the person may change the project and the
# project's team is in the cohort. The network view of an item shows each team's adopting measure
# to whoever may view that project (project.view), raw only for project.view_raw.


def _can_view_set(user, measure_set: MeasureSet | None) -> bool:
    return measure_set is not None and signed_in(user) and _can_view_space(user, measure_set.cohort.space)


def _can_publish_set(user, measure_set: MeasureSet | None) -> bool:
    if not _can_view_set(user, measure_set):
        return False
    space = measure_set.cohort.space
    return not space.is_archived and (_can_manage_space(user, space) or is_staff(user))


def _of_set(rule):
    """The same rule asked of an item: its set's."""
    return lambda user, item: item is not None and rule(user, item.measure_set)


def _can_adopt(user, pair) -> bool:
    """`pair` is (item, project): the item into that project."""
    item, project = pair if isinstance(pair, tuple) and len(pair) == 2 else (None, None)
    if item is None or project is None or not _can_view_set(user, item.measure_set):
        return False
    in_cohort = project.team_id in {t.id for t in item.measure_set.cohort.teams}
    return in_cohort and _can_edit_project(user, project)


def _can_move_version(user, measure: Measure | None) -> bool:
    return measure is not None and measure.set_version_id is not None and _can_edit_project(user, measure.project)


RULES.update({
    "measure_set.view": _can_view_set,
    "measure_set.publish": _can_publish_set,
    "measure_set_item.view": _of_set(_can_view_set),
    "measure_set_item.edit": _of_set(_can_publish_set),
    "measure_set_item.remind": _of_set(_can_publish_set),  # remind teams that have not sent data
    "measure_set_item.adopt": _can_adopt,
    "measure.move_version": _can_move_version,
})
EXISTENCE_ACTION.update({MeasureSet: "measure_set.view", MeasureSetItem: "measure_set_item.view"})
NEEDS_OBJECT.update({"measure_set.view", "measure_set.publish", "measure_set_item.view", "measure_set_item.edit",
                     "measure_set_item.remind", "measure_set_item.adopt", "measure.move_version"})


def _set_clause(user):
    """The measure sets a user may read, as SQL (the twin of measure_set.view)."""
    if not signed_in(user):
        return false()
    readable = select(Space.id).where(_space_view_clause(user))
    return MeasureSet.cohort_id.in_(select(Cohort.id).where(Cohort.space_id.in_(readable)))


def _item_clause(user):
    return MeasureSetItem.set_id.in_(select(MeasureSet.id).where(_set_clause(user)))


SCOPES.update({MeasureSet: _set_clause, MeasureSetItem: _item_clause})
AUDIENCES.append(((MeasureSet,), lambda s, among=None: _space_audience(s.cohort.space, among)))
AUDIENCES.append(((MeasureSetItem,), lambda i, among=None: _space_audience(i.measure_set.cohort.space, among)))
