"""Issue 19, the pages: a team member starts a project, builds its driver diagram, adds a
measure and a cycle, and enters a month of stratified data in the grid (a refused cell keeps
what was typed and says what to fix); the measure page draws the chart as SVG with its summary,
signals and a data table; a peer in the cohort sees the shared page with small cells hidden."""
from __future__ import annotations

import re

from hub.extensions import db
from hub.projects.models import DataPoint, Measure, Project
from tests.helpers import factories as f
from tests.helpers import post_form, signed_in


def _start(client, team_id: int) -> Project:
    answer = post_form(client, f"/teams/{team_id}/projects", {"title": "Colorectal screening for Spanish speakers",
                                                               "focus_stratifier": "language", "focus_group": "Spanish",
                                                               "reference_group": "English"},
                       token_from=f"/teams/{team_id}/projects")
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    return db.session.query(Project).one()


def test_a_team_member_builds_a_project_and_enters_a_month_of_data(app, world):
    pat = signed_in(app, world.participant)
    refused = post_form(pat, f"/teams/{world.team.id}/projects", {"title": " ", "aim_what": "Kept words"},
                        token_from=f"/teams/{world.team.id}/projects")
    assert refused.status_code == 422 and "Kept words" in refused.get_data(as_text=True)
    project = _start(pat, world.team.id)
    page = f"/projects/{project.id}"
    assert post_form(pat, f"{page}/driver", {"kind": "primary", "text": "Reach every patient"},
                     token_from=page).status_code == 302
    assert post_form(pat, f"{page}/measure", {"name": "Screened", "type": "proportion", "stratifiers": "language"},
                     token_from=page).status_code == 302
    measure = db.session.query(Measure).one()
    body = pat.get(page).get_data(as_text=True)
    assert "Reach every patient" in body and "Screened" in body
    url = f"/measures/{measure.id}"
    form = {"2026-01||n": "30", "2026-01||d": "100", "2026-01|language=Spanish|n": "40",
            "2026-01|language=Spanish|d": "20"}
    bad = post_form(pat, url, form, token_from=url)
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "The numerator can&#39;t be larger than the denominator." in text
    assert 'value="40"' in text and 'value="20"' in text, "what was typed is kept"
    assert db.session.query(DataPoint).count() == 0
    form["2026-01|language=Spanish|d"] = "50"
    assert post_form(pat, url, form, token_from=url).status_code == 302
    assert db.session.query(DataPoint).count() == 2
    shown = pat.get(url).get_data(as_text=True)
    assert "<svg" in shown and "<figure" in shown and "<table" in shown and "2026-01" in shown
    assert "The equity gap" in shown and "Too few periods with both groups shown" in shown
    assert "Data completeness" in shown


def test_a_peer_sees_the_shared_measure_with_small_cells_hidden(app, world):
    pat = signed_in(app, world.participant)
    project = _start(pat, world.team.id)
    page = f"/projects/{project.id}"
    post_form(pat, f"{page}/measure", {"name": "Screened", "type": "proportion", "stratifiers": "language"},
              token_from=page)
    measure = db.session.query(Measure).one()
    groups = {"English": (61, 97), "Spanish": (3, 7)}
    form = {}
    for group in ("English", "Spanish", "Chinese", "Vietnamese", "Arabic", "Other language", "Unknown"):
        n, d = groups.get(group, (0, 0))
        form[f"2026-01|language={group}|n"], form[f"2026-01|language={group}|d"] = str(n), str(d)
    form["2026-01||n"], form["2026-01||d"] = "64", "104"
    url = f"/measures/{measure.id}"
    assert post_form(pat, url, form, token_from=url).status_code == 302
    peer_team = f.team("Peer Clinic", cohorts=[world.cohort])
    peer = f.user("Pia Peer")
    f.join_team(peer, peer_team)
    client = signed_in(app, peer)
    assert client.get(url).status_code == 404, "private to the team until shared"
    post_form(pat, f"{page}/settings", {"visibility": "cohort", "status": "testing"}, token_from=page)
    seen = client.get(url + "?stratifier=language").get_data(as_text=True)
    assert "hidden to protect privacy" in seen
    assert not re.search(r"\b42\.9\b|0\.428", seen) and ">3<" not in seen and ">7<" not in seen
    assert "Enter data" not in seen
