"""Demo projects: each demo team's improvement project with a stratified measure and 24 months
of data that hold real signals (a shift after a PDSA cycle, a gap that closes), written through
the projects services. Safe to run again."""
from __future__ import annotations

import random
from datetime import date

from flask import current_app
from sqlalchemy import select

from hub.extensions import db
from hub.people.models import Team, TeamMembership, User
from hub.projects import services
from hub.projects.models import Project
from hub.projects.stratifiers import BY_KEY

PROJECTS = [  # team, title, measure, stratifier, focus group, reference group, focus before/after, reference rate
    ("Riverside Diabetes Equity Team", "HbA1c control for Latino patients", "HbA1c under 8 percent", "ethnicity",
     "Hispanic or Latino", "Not Hispanic or Latino", (0.46, 0.61), 0.64),
    ("Mesa Valley Maternal Health Team", "Postpartum visits for Black mothers", "Postpartum visit within 6 weeks",
     "race", "Black or African American", "White", (0.52, 0.70), 0.74),
]


def seed_projects() -> int:
    if db.session.scalar(select(Project.id).limit(1)) is not None:
        return 0
    made = 0
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        for team_name, title, measure_name, key, focus, reference, (before, after), ref_rate in PROJECTS:
            team = db.session.scalar(select(Team).where(Team.name == team_name))
            lead = team and db.session.scalar(select(User).join(TeamMembership).where(TeamMembership.team_id == team.id)
                                              .order_by(TeamMembership.id))
            if lead is None:
                continue
            _write(lead, team, title, measure_name, key, focus, reference, before, after, ref_rate)
            made += 1
    return made


def _write(lead, team, title, measure_name, key, focus, reference, before, after, ref_rate) -> None:
    project = services.create_project(lead, team, {
        "title": title, "aim": f"By December 2026, raise {measure_name.lower()} for {focus} patients from "
                               f"{before:.0%} to {after + 0.04:.0%}, closing the gap with {reference} patients.",
        "aim_what": measure_name, "aim_how_much": f"from {before:.0%} to {after + 0.04:.0%}",
        "aim_by_when": "2026-12-31", "aim_for_whom": f"{focus} patients", "focus_stratifier": key,
        "focus_group": focus, "reference_group": reference, "status": "testing", "visibility": "cohort"})
    primary = services.add_node(lead, project, {"kind": "primary", "text": "Patients reached between visits"})
    secondary = services.add_node(lead, project, {"kind": "secondary", "text": "Outreach in the patient's language",
                                                  "parent_id": primary.id})
    idea = services.add_node(lead, project, {"kind": "change_idea", "text": "Community health worker calls",
                                             "parent_id": secondary.id})
    measure = services.save_measure(lead, project, {
        "name": measure_name, "kind": "outcome", "type": "proportion", "direction": "up", "period": "month",
        "numerator": f"Patients with {measure_name.lower()}", "denominator": "Patients in the registry",
        "data_source": "EHR registry report", "stratifiers": [key, "language"], "goal_value": after + 0.04})
    services.save_cycle(lead, project, {
        "title": "CHW calls, one clinic", "plan": "Two CHWs call every patient due in the month.",
        "prediction": "The focus group's rate rises by ten points within three months.",
        "study": "Rates rose; calls in Spanish reached most patients.", "act": "adopt",
        "starts_on": "2025-12-01", "ends_on": "2026-02-28", "measure_ids": [measure.id], "change_idea_id": idea.id})
    services.put_data(lead, measure, _months(key, focus, reference, before, after, ref_rate), source="demo")


def _months(key, focus, reference, before, after, ref_rate) -> list[dict]:
    """24 months from January 2025: the focus group shifts up after the December 2025 cycle;
    the reference group holds; small groups stay small (their cells are suppressed for others)."""
    rng = random.Random(19)
    points = []
    sizes = {focus: 180, reference: 260}
    for i in range(24):
        period = date(2025 + i // 12, i % 12 + 1, 1).strftime("%Y-%m")
        rates = {focus: before if i < 11 else after, reference: ref_rate}
        by_group = {}
        for group in BY_KEY[key].categories:
            den = sizes.get(group, rng.choice((4, 9, 30, 45)))
            rate = rates.get(group, 0.55)
            by_group[group] = (min(den, max(0, round(rng.gauss(rate, 0.03) * den))), den)
        points += [{"period": period, "stratum": {key: g}, "numerator": n, "denominator": d}
                   for g, (n, d) in by_group.items()]
        total = tuple(map(sum, zip(*by_group.values())))
        points.append({"period": period, "stratum": None, "numerator": total[0], "denominator": total[1]})
        languages = BY_KEY["language"].categories
        shares = {"English": 0.62, "Spanish": 0.3}
        left = total[1]
        for j, language in enumerate(languages):
            den = left if j == len(languages) - 1 else min(left, round(total[1] * shares.get(language, 0.015)))
            left -= den
            rate = total[0] / total[1] if total[1] else 0
            points.append({"period": period, "stratum": {"language": language},
                           "numerator": min(den, round(den * rate)), "denominator": den})
    return points
