"""Issue 19's access matrix: persona × project sharing × surface (page, API, data, chart), every
cell asserted. A project is private to its team (and the staff who oversee team spaces) until
it is shared with the team's cohort or the whole community; raw counts stay with those who may
change it, everyone else who reads it sees small cells hidden."""
from __future__ import annotations

import pytest

from hub.projects import services
from tests.helpers.matrix import PERSONAS, READS, persona_client

SHARES = ("team", "cohort", "community")


def _reads(persona: str, visibility: str) -> bool:
    if persona in ("anon", "deactivated"):
        return False
    if "team" in READS[persona]:  # the team, and the staff who oversee team spaces
        return True
    return {"team": False, "cohort": "cohort" in READS[persona], "community": True}[visibility]


@pytest.fixture
def shared(app, world):
    made = {}
    with app.test_request_context():
        for visibility in SHARES:
            project = services.create_project(world.participant, world.team,
                                              {"title": f"Matrix {visibility}", "visibility": visibility})
            measure = services.save_measure(world.participant, project, {"name": "M", "stratifiers": ["race"]})
            services.put_data(world.participant, measure, [
                {"period": "2026-01", "stratum": {"race": "Asian"}, "numerator": 3, "denominator": 7},
                {"period": "2026-01", "stratum": {"race": "White"}, "numerator": 300, "denominator": 500}])
            made[visibility] = (project.id, measure.id)
    return made


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_surface_of_a_project_answers_by_its_sharing(app, world, shared, persona):
    client = persona_client(app, world, persona)
    for visibility, (project_id, measure_id) in shared.items():
        urls = [f"/projects/{project_id}", f"/measures/{measure_id}", f"/api/v1/projects/{project_id}",
                f"/api/v1/measures/{measure_id}/data", f"/api/v1/measures/{measure_id}/chart"]
        answers = [client.get(url).status_code for url in urls]
        if persona in ("anon", "deactivated"):
            assert answers == [302, 302, 401, 401, 401], (persona, visibility)
        elif _reads(persona, visibility):
            assert answers == [200] * 5, (persona, visibility, answers)
            data = client.get(f"/api/v1/measures/{measure_id}/data").get_json()
            raw = persona in ("participant", "teammate") or "team" in READS[persona]
            asian = next(p for p in data["points"] if p["stratum"] == {"race": "Asian"})
            assert data["raw"] is raw and (asian["numerator"] == 3) is raw, (persona, visibility)
        else:
            assert answers == [404] * 5, (persona, visibility, answers)
