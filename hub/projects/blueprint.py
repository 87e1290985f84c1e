"""The projects front door: its blueprint and the loaders its view modules share (load, then
ask the policy: a project the person may not see answers as missing)."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from hub import policy
from hub.extensions import db
from hub.people.models import Team
from hub.projects.models import Cycle, DriverNode, Measure, Project

bp = Blueprint("projects", __name__)


def get_project(project_id: int, action: str = "project.view") -> Project:
    project = db.session.get(Project, project_id)
    policy.require(current_user, action, project)
    return project


def get_measure(measure_id: int, action: str = "measure.view") -> Measure:
    measure = db.session.get(Measure, measure_id)
    policy.require(current_user, action, measure)
    return measure


def get_cycle(cycle_id: int, action: str = "cycle.view") -> Cycle:
    cycle = db.session.get(Cycle, cycle_id)
    policy.require(current_user, action, cycle)
    return cycle


def get_node(node_id: int, action: str = "driver.edit") -> DriverNode:
    node = db.session.get(DriverNode, node_id)
    policy.require(current_user, action, node)
    return node


def get_team(team_id: int) -> Team:
    team = db.session.get(Team, team_id)
    if team is None:
        abort(404)
    return team
