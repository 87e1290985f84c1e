"""Demo network measures: the Learning Network cohort's measure set with one shared measure,
adopted into the two demo projects with 24 months of data each, then revised to version 2 (one
team has moved to it, the other still follows version 1). Written through the services. Safe to
run again."""
from __future__ import annotations

import random
from datetime import date

from flask import current_app
from sqlalchemy import select

from hub.extensions import db
from hub.people.models import Cohort, User
from hub.projects import measure_sets, services
from hub.projects.models import MeasureSet, Project

SHARED = {"name": "Follow-up call within 7 days of discharge", "kind": "process", "type": "proportion",
          "direction": "up", "period": "month", "stratifiers": ["race", "language"],
          "numerator": "Patients reached by phone within 7 days of leaving hospital",
          "denominator": "Patients discharged in the month", "data_source": "Discharge list and call log",
          "goal_value": 0.8}


def seed_network() -> int:
    """Returns how many projects adopted the shared measure (0 when it was done before)."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.name.like("Learning Network%")).order_by(Cohort.id))
    staff = db.session.scalar(select(User).where(User.site_role == "facilitator").order_by(User.id))
    if cohort is None or staff is None:
        return 0
    if db.session.scalar(select(MeasureSet.id).where(MeasureSet.cohort_id == cohort.id)) is not None:
        return 0
    team_ids = [t.id for t in cohort.teams]
    projects = list(db.session.scalars(select(Project).where(Project.team_id.in_(team_ids)).order_by(Project.id)))
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        item = measure_sets.publish_item(staff, measure_sets.measure_set_of(cohort), SHARED)
        adopted = []
        for i, project in enumerate(projects[:2]):
            lead = db.session.get(User, project.created_by_id)
            measure = measure_sets.adopt(lead, project, item.id)
            services.put_data(lead, measure, _months(0.55 + 0.05 * i, shift=i == 0, seed=i), source="demo")
            adopted.append((lead, measure))
        measure_sets.revise_item(staff, item, {"exclusions": "Patients discharged to hospice or another hospital",
                                               "change_note": "Hospice and transfers left out, as most teams did"})
        if adopted:
            lead, measure = adopted[0]
            measure_sets.move_to_version(lead, measure, 2)
    return len(adopted)


def _months(rate: float, shift: bool, seed: int) -> list[dict]:
    rng = random.Random(190 + seed)
    points = []
    for i in range(24):
        den = rng.randint(80, 140)
        p = rate + (0.15 if shift and i >= 12 else 0)
        points.append({"period": date(2025 + i // 12, i % 12 + 1, 1).strftime("%Y-%m"), "stratum": None,
                       "numerator": min(den, max(0, round(rng.gauss(p, 0.03) * den))), "denominator": den})
    return points
