"""Issue 19: a team's improvement project through the API: its aim and equity focus, a driver
diagram linked to the library, PDSA cycles, a stratified measure with data entered per period
and stratum (refused cells named, nothing saved), the edit history, the chart with its signals,
and who sees what: private to the team until shared, small cells suppressed for everyone but the
team and the program's data staff."""
from __future__ import annotations

import json

from hub.extensions import db
from hub.projects.models import DataEdit, DataPoint
from tests.helpers import api_write, signed_in
from tests.helpers import factories as f

RACE = ("American Indian or Alaska Native", "Asian", "Black or African American",
        "Native Hawaiian or Pacific Islander", "White", "Multiracial", "Other race", "Unknown")


def _project(client, team_id: int, **extra) -> dict:
    made = api_write(client, "POST", f"/api/v1/teams/{team_id}/projects", {
        "title": "Hypertension control for Black patients", "aim": "Raise BP control",
        "aim_what": "Blood pressure under 140/90", "aim_how_much": "from 48% to 65%", "aim_by_when": "2027-12-31",
        "aim_for_whom": "Black adults with hypertension", "focus_stratifier": "race",
        "focus_group": "Black or African American", "reference_group": "White", **extra})
    assert made.status_code == 201, made.get_data(as_text=True)
    return made.get_json()


def _measure(client, project_id: int) -> dict:
    made = api_write(client, "POST", f"/api/v1/projects/{project_id}/measures", {
        "name": "BP under control", "kind": "outcome", "type": "proportion", "direction": "up",
        "numerator": "Patients whose last BP was under 140/90", "denominator": "Adults with hypertension",
        "period": "month", "stratifiers": ["race"], "goal_value": 0.65})
    assert made.status_code == 201, made.get_data(as_text=True)
    return made.get_json()


def _month(i: int) -> str:
    return f"{2025 + i // 12}-{i % 12 + 1:02d}"


def _points(months: int = 24) -> list[dict]:
    """24 months: Black patients 40% of 100 for a year, then 62% (a shift after the cycle);
    the Native Hawaiian stratum is tiny (3 patients, 2 controlled): a small cell."""
    points = []
    for i in range(months):
        strata = {"Black or African American": (40 if i < 12 else 62, 100), "White": (60, 100),
                  "Asian": (30, 50), "Native Hawaiian or Pacific Islander": (2, 3)}
        for group in RACE:
            strata.setdefault(group, (20, 40))
        total = tuple(map(sum, zip(*strata.values())))
        points.append({"period": _month(i), "stratum": None, "numerator": total[0], "denominator": total[1]})
        points += [{"period": _month(i), "stratum": {"race": g}, "numerator": n, "denominator": d}
                   for g, (n, d) in strata.items()]
    return points


def test_a_team_keeps_its_project_and_its_data_and_sees_the_shift(app, world):
    pat = signed_in(app, world.participant)
    project = _project(pat, world.team.id)
    assert project["visibility"] == "team" and project["can_edit"]
    measure = _measure(pat, project["id"])
    primary = api_write(pat, "POST", f"/api/v1/projects/{project['id']}/drivers",
                        {"kind": "primary", "text": "Reliable follow-up"}).get_json()
    secondary = api_write(pat, "POST", f"/api/v1/projects/{project['id']}/drivers",
                          {"kind": "secondary", "text": "Outreach", "parent_id": primary["id"]}).get_json()
    orphan = api_write(pat, "POST", f"/api/v1/projects/{project['id']}/drivers", {"kind": "change_idea", "text": "x"})
    assert orphan.status_code == 422 and "parent_id" in orphan.get_json()["error"]["fields"]
    idea = api_write(pat, "POST", f"/api/v1/projects/{project['id']}/drivers",
                     {"kind": "change_idea", "text": "Text reminders", "parent_id": secondary["id"]})
    assert idea.status_code == 201
    cycle = api_write(pat, "POST", f"/api/v1/projects/{project['id']}/cycles", {
        "title": "Text reminders, one clinic", "prediction": "Control rises by 10 points", "starts_on": "2025-12-01",
        "ends_on": "2026-01-31", "measure_ids": [measure["id"]], "change_idea_id": idea.get_json()["id"]})
    assert cycle.status_code == 201, cycle.get_data(as_text=True)

    bad = api_write(pat, "PUT", f"/api/v1/measures/{measure['id']}/data", {"points": [
        {"period": "2025-01", "stratum": None, "numerator": 50, "denominator": 100},
        {"period": "2025-13", "stratum": None, "numerator": 1, "denominator": 2},
        {"period": "2025-02", "stratum": {"race": "Martian"}, "numerator": 1, "denominator": 2},
        {"period": "2025-03", "stratum": None, "numerator": 9, "denominator": 5}]})
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"points.1.period", "points.2.stratum", "points.3.numerator"}
    assert db.session.query(DataPoint).count() == 0, "a refused entry saves nothing"

    saved = api_write(pat, "PUT", f"/api/v1/measures/{measure['id']}/data", {"points": _points()})
    assert saved.status_code == 200 and saved.get_json()["changed"] == 24 * 9
    assert saved.get_json()["raw"] is True
    again = api_write(pat, "PUT", f"/api/v1/measures/{measure['id']}/data", {"points": [
        {"period": "2025-01", "stratum": {"race": "White"}, "numerator": 61, "denominator": 100}]})
    assert again.get_json()["changed"] == 1
    edit = db.session.query(DataEdit).order_by(DataEdit.id.desc()).first()
    assert (edit.before, edit.after, edit.actor_id) == ({"numerator": 60, "denominator": 100},
                                                          {"numerator": 61, "denominator": 100}, world.participant.id)

    chart = pat.get(f"/api/v1/measures/{measure['id']}/chart?stratum=race%3DBlack%20or%20African%20American").get_json()
    assert chart["chart"] == "run" and len(chart["points"]) == 24
    assert chart["points"][0]["value"] == 0.4 and chart["points"][-1]["value"] == 0.62
    shifts = [s for s in chart["signals"] if s["rule"] in ("long_run", "shift")]
    assert any(s["periods"][0] == "2026-01" and "above the median" in s["text"] for s in shifts), chart["signals"]
    p_chart = pat.get(f"/api/v1/measures/{measure['id']}/chart?chart=p&stratum=race%3DWhite").get_json()
    assert p_chart["chart"] == "p" and all(p["ucl"] is not None for p in p_chart["points"])


def test_private_to_the_team_until_shared_and_small_cells_never_reach_others(app, world):
    pat = signed_in(app, world.participant)
    project = _project(pat, world.team.id)
    measure = _measure(pat, project["id"])
    api_write(pat, "PUT", f"/api/v1/measures/{measure['id']}/data", {"points": _points()})
    peer_team = f.team("Peer Clinic", cohorts=[world.cohort])
    peer = f.user("Pia Peer")
    f.join_team(peer, peer_team)
    steward = f.user("Dana Data")
    steward.data_staff = True
    f.join_team(steward, peer_team)
    db.session.commit()
    peer_client, outsider = signed_in(app, peer), signed_in(app, world.outsider)
    for client in (peer_client, outsider):
        assert client.get(f"/api/v1/projects/{project['id']}").status_code == 404
        assert client.get(f"/api/v1/measures/{measure['id']}/data").status_code == 404
    assert all(p["id"] != project["id"] for p in peer_client.get(f"/api/v1/teams/{world.team.id}/projects")
               .get_json()["items"])

    assert api_write(pat, "PATCH", f"/api/v1/projects/{project['id']}", {"visibility": "cohort"}).status_code == 200
    assert outsider.get(f"/api/v1/projects/{project['id']}").status_code == 404, "not in the cohort"
    seen = peer_client.get(f"/api/v1/measures/{measure['id']}/data").get_json()
    assert seen["raw"] is False
    tiny = [p for p in seen["points"] if p["stratum"] == {"race": "Native Hawaiian or Pacific Islander"}]
    assert tiny and all(p["suppressed"] and p["numerator"] is None and p["value"] is None for p in tiny)
    hidden = [p for p in seen["points"] if p["suppressed"]]
    assert len(hidden) >= 2 * 24, "a second cell hides with each small one, so subtraction recovers nothing"
    for period in {p["period"] for p in seen["points"]}:
        shown = [p for p in seen["points"] if p["period"] == period and p["stratum"] and not p["suppressed"]]
        total = next(p for p in seen["points"] if p["period"] == period and p["stratum"] is None)
        if not total["suppressed"]:
            assert total["numerator"] - sum(p["numerator"] for p in shown) not in (2, 1), period
    chart = peer_client.get(f"/api/v1/measures/{measure['id']}/chart?stratifier=race").get_json()
    tiny_chart = chart["strata"]["Native Hawaiian or Pacific Islander"]
    assert all(p["suppressed"] and p["value"] is None and p["ucl"] is None for p in tiny_chart["points"])
    assert "0.6666" not in json.dumps(chart) and "0.667" not in json.dumps(chart)
    assert api_write(peer_client, "PUT", f"/api/v1/measures/{measure['id']}/data",
                     {"points": []}).status_code == 403, "reading is not entering"

    raw = signed_in(app, steward).get(f"/api/v1/measures/{measure['id']}/data").get_json()
    assert raw["raw"] is True and not any(p["suppressed"] for p in raw["points"])


def test_projects_are_found_by_search_only_by_who_may_read_them(app, world):
    pat = signed_in(app, world.participant)
    project = _project(pat, world.team.id, title="Zanzibar outreach project")
    _measure(pat, project["id"])
    outsider = signed_in(app, world.outsider)

    def found(client) -> bool:
        hits = client.get("/api/v1/search?q=zanzibar").get_json()["items"]
        return any(h["kind"] == "project" and h["id"] == project["id"] for h in hits)
    assert found(pat) and not found(outsider)
    api_write(pat, "PATCH", f"/api/v1/projects/{project['id']}", {"visibility": "community"})
    assert found(outsider), "shared with everyone: found by everyone"
    api_write(pat, "DELETE", f"/api/v1/projects/{project['id']}")
    assert not found(pat), "a deleted project leaves the index"


def test_the_team_hears_of_a_new_signal_on_its_measure_once(app, world):
    from hub.notify.models import Notification
    pat = signed_in(app, world.participant)
    project = _project(pat, world.team.id)
    measure = _measure(pat, project["id"])
    steady = [p for p in _points(12) if p["stratum"] is None]
    api_write(pat, "PUT", f"/api/v1/measures/{measure['id']}/data", {"points": steady})
    assert db.session.query(Notification).filter_by(kind="measure_signal").count() == 0, "no signal yet"
    shifted = [p for p in _points(24) if p["stratum"] is None][12:]
    api_write(pat, "PUT", f"/api/v1/measures/{measure['id']}/data", {"points": shifted})
    notes = db.session.query(Notification).filter_by(kind="measure_signal").all()
    assert [n.user_id for n in notes] == [world.teammate.id], "the team, not the one who entered it"
    assert "New signal on BP under control" in notes[0].text and "median" in notes[0].text
    api_write(pat, "PUT", f"/api/v1/measures/{measure['id']}/data", {"points": [
        {"period": "2027-01", "stratum": None, "numerator": 234, "denominator": 413}]})
    assert [n.text for n in db.session.query(Notification).filter_by(kind="measure_signal")] == [notes[0].text], \
        "a month that carries the shift on is not a new signal"


def test_a_frozen_baseline_phases_and_left_out_periods_shape_the_chart(app, world):
    pat = signed_in(app, world.participant)
    project = _project(pat, world.team.id)
    measure = _measure(pat, project["id"])
    api_write(pat, "PUT", f"/api/v1/measures/{measure['id']}/data", {"points": _points()})
    url = f"/api/v1/measures/{measure['id']}"
    stratum = "?chart=p&stratum=race%3DBlack%20or%20African%20American"
    whole = pat.get(f"{url}/chart{stratum}").get_json()
    assert whole["points"][0]["centre"] == whole["points"][-1]["centre"] == 0.51
    assert api_write(pat, "PUT", f"{url}/baseline", {"period": "2025-12"}).status_code == 200
    frozen = pat.get(f"{url}/chart{stratum}").get_json()
    assert frozen["points"][-1]["centre"] == 0.4, "the baseline's centre, extended"
    refused = api_write(pat, "POST", f"{url}/phases", {"period": "2026-01", "reason": " "})
    assert refused.status_code == 422 and "reason" in refused.get_json()["error"]["fields"]
    phase = api_write(pat, "POST", f"{url}/phases", {"period": "2026-01", "reason": "Text reminders adopted"})
    assert phase.status_code == 201
    api_write(pat, "PUT", f"{url}/baseline", {"period": None})
    split = pat.get(f"{url}/chart{stratum}").get_json()
    assert split["points"][0]["centre"] == 0.4 and split["points"][-1]["centre"] == 0.62
    left_out = api_write(pat, "POST", f"{url}/exclusions", {"period": "2025-06", "reason": "EHR outage"}).get_json()
    chart = pat.get(f"{url}/chart{stratum}").get_json()
    assert chart["points"][5]["excluded"] == "EHR outage" and chart["points"][5]["value"] == 0.4
    assert pat.get(url).get_json()["excluded_periods"] == [{"id": left_out["id"], "period": "2025-06",
                                                             "reason": "EHR outage"}]
    peer = signed_in(app, world.outsider)
    assert api_write(peer, "POST", f"{url}/exclusions", {"period": "2025-07", "reason": "x"}).status_code == 404
    assert api_write(pat, "DELETE", f"{url}/phases/{phase.get_json()['id']}").status_code == 204
