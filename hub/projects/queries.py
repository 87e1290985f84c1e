"""Read-side helpers of the projects domain, each starting from the policy's scope."""
from __future__ import annotations

from sqlalchemy import select

from hub import policy
from hub.extensions import db
from hub.projects.models import DataEdit, DataPoint, Measure, Project


def team_projects(user, team_id: int) -> list[Project]:
    stmt = policy.scope(select(Project).where(Project.team_id == team_id), user)
    return list(db.session.scalars(stmt.order_by(Project.updated_at.desc())))


def projects_shared_with(user, limit: int = 50) -> list[Project]:
    """Projects the person may read, newest first (their teams' and those shared with them)."""
    stmt = policy.scope(select(Project), user).order_by(Project.updated_at.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def points(measure: Measure) -> list[DataPoint]:
    return list(db.session.scalars(select(DataPoint).where(DataPoint.measure_id == measure.id)
                                   .order_by(DataPoint.period, DataPoint.stratum)))


def history(measure: Measure, limit: int = 200) -> list[DataEdit]:
    return list(db.session.scalars(select(DataEdit).where(DataEdit.measure_id == measure.id)
                                   .order_by(DataEdit.at.desc(), DataEdit.id.desc()).limit(limit)))
