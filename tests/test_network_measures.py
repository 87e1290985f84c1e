"""Issue 19, items 2 and 7: a cohort's network measure set, published in versions by its
facilitators and adopted by its teams, and the network view of one shared measure: each team's
published data on one scale, a funnel plot, where each team stands, who has not sent data, and
reminders that reach only the team's members."""
from __future__ import annotations

import json
import math

import pytest

from hub.extensions import db
from hub.notify.models import Notification
from hub.projects import services
from hub.projects.models import Measure, MeasureVersionMove, Project
from tests.helpers import api_write, signed_in
from tests.helpers import factories as f

BP = {"name": "BP under control", "kind": "outcome", "type": "proportion", "direction": "up",
      "numerator": "Adults whose last BP was under 140/90", "denominator": "Adults with hypertension",
      "period": "month", "stratifiers": []}


@pytest.fixture
def net(app, world):
    """The world's cohort with a peer team beside the Clinic Team, and a facilitator of the
    cohort's space who is not site staff."""
    peer_team = f.team("Peer Team", cohorts=[world.cohort])
    peer, peer_mate = f.user("Pia Peer"), f.user("Paz Peer")
    f.join_team(peer, peer_team, "lead")
    f.join_team(peer_mate, peer_team)
    cora = f.user("Cora Cohort")
    f.join_space(cora, world.cohort.space, "facilitator")
    return {"peer_team": peer_team, "peer": peer, "peer_mate": peer_mate, "cora": cora}


def _publish(client, cohort_id: int, **changes) -> dict:
    made = api_write(client, "POST", f"/api/v1/cohorts/{cohort_id}/measure-set/items", {**BP, **changes})
    assert made.status_code == 201, made.get_data(as_text=True)
    return made.get_json()


def _project(actor, team, visibility: str = "cohort"):
    return services.create_project(actor, team, {"title": f"{team.name} project", "visibility": visibility})


def _adopt(client, project_id: int, item_id: int):
    return api_write(client, "POST", f"/api/v1/projects/{project_id}/measures/adopt", {"item_id": item_id})


def _month(i: int) -> str:
    return f"{2025 + i // 12}-{i % 12 + 1:02d}"


def _data(actor, measure_id: int, cells: list[tuple[int, int]]):
    measure = db.session.get(Measure, measure_id)
    services.put_data(actor, measure, [{"period": _month(i), "stratum": None, "numerator": n, "denominator": d}
                                       for i, (n, d) in enumerate(cells)])


def test_a_published_measure_gets_a_new_version_and_an_adopter_stays_until_it_moves(app, world, net):
    cora, pat = signed_in(app, net["cora"]), signed_in(app, world.participant)
    refused = api_write(pat, "POST", f"/api/v1/cohorts/{world.cohort.id}/measure-set/items", BP)
    assert refused.status_code == 403
    item = _publish(cora, world.cohort.id)
    assert item["version"]["number"] == 1 and [v["number"] for v in item["versions"]] == [1]

    project = _project(world.participant, world.team)
    adopted = _adopt(pat, project.id, item["id"])
    assert adopted.status_code == 201, adopted.get_data(as_text=True)
    measure = adopted.get_json()
    assert measure["set_version"]["number"] == 1 and measure["numerator"] == BP["numerator"]
    page = pat.get(f"/measures/{measure['id']}").get_data(as_text=True)
    assert "Network measure: BP under control, version 1" in page and "Move to version" not in page

    revised = api_write(cora, "PATCH", f"/api/v1/measure-set-items/{item['id']}",
                        {"numerator": "Adults whose last two BPs were under 140/90", "change_note": "Two readings"})
    assert revised.status_code == 200
    body = revised.get_json()
    assert body["version"]["number"] == 2 and [v["number"] for v in body["versions"]] == [1, 2]
    assert body["versions"][0]["numerator"] == BP["numerator"]  # the old version stays as it was

    still = pat.get(f"/api/v1/measures/{measure['id']}").get_json()
    assert still["numerator"] == BP["numerator"]  # nothing moved under the team's data
    page = pat.get(f"/measures/{measure['id']}").get_data(as_text=True)
    assert "version 1" in page and "Version 2 of this network measure was published" in page
    assert "Move to version 2" in page

    moved = api_write(pat, "POST", f"/api/v1/measures/{measure['id']}/version", {"version": 2})
    assert moved.status_code == 200, moved.get_data(as_text=True)
    moved = moved.get_json()
    assert moved["set_version"]["number"] == 2 and moved["numerator"].startswith("Adults whose last two")
    assert [(h["from"], h["to"]) for h in moved["history"]] == [(None, 1), (1, 2)]
    again = api_write(pat, "POST", f"/api/v1/measures/{measure['id']}/version", {"version": 2})
    assert again.status_code == 422 and "version" in again.get_json()["error"]["fields"]
    assert db.session.query(MeasureVersionMove).count() == 2


def test_adopting_needs_edit_rights_and_a_team_in_the_cohort(app, world, net):
    item = _publish(signed_in(app, world.facilitator), world.cohort.id)
    clinic = _project(world.participant, world.team)
    hospital = _project(world.outsider, world.other_team)
    peer = signed_in(app, net["peer"])
    assert peer.get(f"/api/v1/projects/{clinic.id}").status_code == 200  # shared with the cohort: seen
    assert _adopt(peer, clinic.id, item["id"]).status_code == 403  # but not theirs to change
    staff = signed_in(app, world.facilitator)
    wrong_cohort = _adopt(staff, hospital.id, item["id"])
    assert wrong_cohort.status_code == 422 and "item_id" in wrong_cohort.get_json()["error"]["fields"]
    outsider = signed_in(app, world.outsider)
    unseen, missing = _adopt(outsider, hospital.id, item["id"]), _adopt(outsider, hospital.id, 999999)
    assert unseen.status_code == missing.status_code == 422
    assert unseen.get_json() == missing.get_json()  # an item they may not see answers as missing
    assert _adopt(signed_in(app, world.participant), clinic.id, item["id"]).status_code == 201
    twice = _adopt(signed_in(app, world.teammate), clinic.id, item["id"])
    assert twice.status_code == 422


def _two_teams(app, world, net, clinic_visibility="cohort", clinic_cells=None, peer_cells=None, **item_changes):
    staff = signed_in(app, world.facilitator)
    item = _publish(staff, world.cohort.id, **item_changes)
    clinic = _project(world.participant, world.team, clinic_visibility)
    peer = _project(net["peer"], net["peer_team"])
    clinic_m = _adopt(signed_in(app, world.participant), clinic.id, item["id"]).get_json()["id"]
    peer_m = _adopt(signed_in(app, net["peer"]), peer.id, item["id"]).get_json()["id"]
    if clinic_cells:
        _data(world.participant, clinic_m, clinic_cells)
    if peer_cells:
        _data(net["peer"], peer_m, peer_cells)
    return item, clinic_m, peer_m


def _view(client, cohort_id: int, item_id: int, **query):
    answer = client.get(f"/api/v1/cohorts/{cohort_id}/measures/{item_id}", query_string=query)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def test_the_network_view_lists_only_the_projects_the_viewer_may_view(app, world, net):
    item, _c, _p = _two_teams(app, world, net, clinic_visibility="team", clinic_cells=[(50, 100)] * 3,
                              peer_cells=[(40, 100)] * 3)
    peer = signed_in(app, net["peer"])
    teams = [t["team"]["name"] for t in _view(peer, world.cohort.id, item["id"])["teams"]]
    assert teams == ["Peer Team"]
    page = peer.get(f"/cohorts/{world.cohort.id}/measures/{item['id']}").get_data(as_text=True)
    assert "Clinic Team" not in page and "Peer Team" in page
    staff_teams = [t["team"]["name"] for t in _view(signed_in(app, world.facilitator), world.cohort.id,
                                                    item["id"])["teams"]]
    assert staff_teams == ["Clinic Team", "Peer Team"]


def test_a_suppressed_team_cell_never_reaches_a_peer(app, world, net):
    clinic_cells = [(50, 100)] * 13 + [(3, 7)]
    peer_cells = [(40, 100)] * 13 + [(45, 110)]
    item, clinic_m, _p = _two_teams(app, world, net, clinic_cells=clinic_cells, peer_cells=peer_cells)
    peer = signed_in(app, net["peer"])
    view = _view(peer, world.cohort.id, item["id"])
    assert view["period"] == "2026-02"
    clinic = next(t for t in view["teams"] if t["team"]["name"] == "Clinic Team")
    assert clinic["raw"] is False and clinic["latest"] == {"period": "2026-02", "suppressed": True,
                                                           "numerator": None, "denominator": None, "value": None}
    assert clinic["chart"]["points"][-1]["value"] is None and clinic["chart"]["points"][-1]["suppressed"]
    assert clinic["last_shown"] == 0.5 and clinic["last_shown_period"] == "2026-01"
    assert [p["team_id"] for p in view["funnel"]["points"]] == [net["peer_team"].id]
    assert view["funnel"]["not_plotted"] == [{"team_id": world.team.id, "name": "Clinic Team"}]
    assert view["funnel"]["centre"] == pytest.approx(45 / 110)
    numbers = json.dumps(clinic)
    for leaked in ("0.428", "0.4285714", "42.9", ": 3,", ": 7,", ": 3}", ": 7}"):
        assert leaked not in numbers, leaked
    assert "0.428" not in json.dumps(view)
    page = peer.get(f"/cohorts/{world.cohort.id}/measures/{item['id']}").get_data(as_text=True)
    assert "42.9%" not in page and "0.428" not in page and "3 of 7" not in page
    assert "Not plotted, to protect privacy:" in page and "hidden to protect privacy" in page
    # The team itself sees its own numbers.
    own = _view(signed_in(app, world.participant), world.cohort.id, item["id"])
    mine = next(t for t in own["teams"] if t["team"]["name"] == "Clinic Team")
    assert mine["latest"]["numerator"] == 3 and mine["latest"]["denominator"] == 7


def _binomial(p, n, z):
    half = z * math.sqrt(p * (1 - p) / n)
    return p - half, p + half


def test_funnel_limits_follow_the_published_formulas(app, world, net):
    item, _c, _p = _two_teams(app, world, net, clinic_cells=[(30, 100)], peer_cells=[(45, 150)])
    view = _view(signed_in(app, world.facilitator), world.cohort.id, item["id"])
    funnel = view["funnel"]
    p_bar = 75 / 250
    assert funnel["kind"] == "binomial" and funnel["centre"] == pytest.approx(p_bar)
    by_team = {p["team_id"]: p for p in funnel["points"]}
    for team_id, n, rate in ((world.team.id, 100, 0.30), (net["peer_team"].id, 150, 0.30)):
        point = by_team[team_id]
        assert point["denominator"] == n and point["rate"] == pytest.approx(rate)
        assert point["limits95"] == pytest.approx(list(_binomial(p_bar, n, 1.96)))
        assert point["limits998"] == pytest.approx(list(_binomial(p_bar, n, 3.09)))
        assert point["outside998"] is False
    page = signed_in(app, world.facilitator).get(f"/cohorts/{world.cohort.id}/measures/{item['id']}")
    text = page.get_data(as_text=True)
    assert text.count("<figure") == 3 and 'data-role="limit998"' in text  # two teams and the funnel


def test_poisson_funnel_limits_for_a_rate(app, world, net):
    item, _c, _p = _two_teams(app, world, net, clinic_cells=[(12, 4000)], peer_cells=[(30, 6000)], type="rate",
                              per=1000, name="Falls per 1,000 patient days", direction="down")
    funnel = _view(signed_in(app, world.facilitator), world.cohort.id, item["id"])["funnel"]
    lam = 42 / 10000
    assert funnel["kind"] == "poisson" and funnel["centre"] == pytest.approx(lam * 1000)
    for point in funnel["points"]:
        n = point["denominator"]
        for key, z in (("limits95", 1.96), ("limits998", 3.09)):
            expected = [(lam - z * math.sqrt(lam / n)) * 1000, (lam + z * math.sqrt(lam / n)) * 1000]
            assert point[key] == pytest.approx(expected)


def test_who_has_not_sent_data_and_a_reminder_that_reaches_only_that_team(app, world, net, ctx):
    item, clinic_m, peer_m = _two_teams(app, world, net, clinic_cells=[(50, 100)] * 3, peer_cells=[(40, 100)] * 2)
    staff = signed_in(app, world.facilitator)
    view = _view(staff, world.cohort.id, item["id"])
    assert view["period"] == "2025-03"
    assert view["not_submitted"] == [{"team_id": net["peer_team"].id, "name": "Peer Team", "measure_id": peer_m}]
    assert _view(staff, world.cohort.id, item["id"], period="2025-02")["not_submitted"] == []
    page = staff.get(f"/cohorts/{world.cohort.id}/measures/{item['id']}").get_data(as_text=True)
    assert "Send a reminder to Peer Team" in page and "Send a reminder to Clinic Team" not in page

    peer = signed_in(app, net["peer"])
    assert "Send a reminder" not in peer.get(f"/cohorts/{world.cohort.id}/measures/{item['id']}").get_data(
        as_text=True)
    url = f"/api/v1/cohorts/{world.cohort.id}/measures/{item['id']}/reminders"
    assert api_write(peer, "POST", url, {}).status_code == 403
    wrong = api_write(staff, "POST", url, {"team_ids": [world.team.id]})
    assert wrong.status_code == 422 and "team_ids" in wrong.get_json()["error"]["fields"]
    sent = api_write(staff, "POST", url, {})
    assert sent.status_code == 200 and sent.get_json() == {"reminded_team_ids": [net["peer_team"].id]}
    notes = db.session.query(Notification).filter_by(kind="measure_reminder").all()
    assert {n.user_id for n in notes} == {net["peer"].id, net["peer_mate"].id}
    assert all("BP under control" in n.text and "2025-03" in n.text for n in notes)

    cora = signed_in(app, net["cora"])  # the cohort space's facilitator, from the page
    from tests.helpers import post_form
    answer = post_form(cora, f"/cohorts/{world.cohort.id}/measures/{item['id']}/reminders",
                       {"team_id": str(net["peer_team"].id), "period": "2025-03"},
                       token_from=f"/cohorts/{world.cohort.id}/measures/{item['id']}")
    assert answer.status_code == 302
    assert db.session.query(Notification).filter_by(kind="measure_reminder").count() == 4


def test_an_outsider_gets_404_everywhere(app, world, net):
    item, clinic_m, _p = _two_teams(app, world, net, clinic_cells=[(50, 100)])
    outsider = signed_in(app, world.outsider)
    c, i = world.cohort.id, item["id"]
    for url in (f"/cohorts/{c}/measure-set", f"/cohorts/{c}/measure-set/items/{i}", f"/cohorts/{c}/measures/{i}",
                f"/api/v1/cohorts/{c}/measure-set/items", f"/api/v1/measure-set-items/{i}",
                f"/api/v1/cohorts/{c}/measures/{i}", f"/measures/{clinic_m}"):
        assert outsider.get(url).status_code == 404, url
    for method, url, body in (("PATCH", f"/api/v1/measure-set-items/{i}", {"name": "x"}),
                              ("POST", f"/api/v1/cohorts/{c}/measure-set/items", BP),
                              ("POST", f"/api/v1/cohorts/{c}/measures/{i}/reminders", {}),
                              ("POST", f"/api/v1/measures/{clinic_m}/version", {"version": 1})):
        assert api_write(outsider, method, url, body).status_code == 404, url
    # The right item under another cohort's address is missing too.
    other = f.cohort("Other Cohort")
    assert signed_in(app, world.facilitator).get(f"/api/v1/cohorts/{other.id}/measures/{i}").status_code == 404


def test_the_measure_set_pages_publish_and_revise(app, world, net):
    from tests.helpers import post_form
    cora = signed_in(app, net["cora"])
    url = f"/cohorts/{world.cohort.id}/measure-set"
    assert "Publish a network measure" in cora.get(url).get_data(as_text=True)
    blank = post_form(cora, url, {"name": " "}, token_from=url)
    assert blank.status_code == 422 and "Name is required." in blank.get_data(as_text=True)
    made = post_form(cora, url, {"name": "Flu shots", "type": "proportion", "stratifiers": ["race"]}, token_from=url)
    assert made.status_code == 302
    pat = signed_in(app, world.participant)
    _project(world.participant, world.team)
    listing = pat.get(url).get_data(as_text=True)
    assert "Flu shots" in listing and "Adopt into Clinic Team" in listing and "Publish a network measure" not in listing
    item_id = int(made.headers["Location"].rsplit("item-", 1)[1])
    item_url = f"/cohorts/{world.cohort.id}/measure-set/items/{item_id}"
    revised = post_form(cora, item_url, {"name": "Flu shots", "type": "proportion", "numerator": "Vaccinated",
                                         "change_note": "Counted"}, token_from=item_url)
    assert revised.status_code == 302
    assert "Publish version 3" in cora.get(item_url).get_data(as_text=True)
    project = db.session.scalar(db.select(Project).where(Project.team_id == world.team.id))
    assert f"/cohorts/{world.cohort.id}/measure-set" in pat.get(f"/projects/{project.id}").get_data(as_text=True)
    adopted = post_form(pat, f"/projects/{project.id}/measures/adopt", {"item_id": str(item_id)}, token_from=url)
    assert adopted.status_code == 302 and "/measures/" in adopted.headers["Location"]
    measure_page = adopted.headers["Location"]
    assert "Network measure: Flu shots, version 2" in pat.get(measure_page).get_data(as_text=True)
    post_form(cora, item_url, {"name": "Flu shots", "type": "proportion", "numerator": "Vaccinated this season"},
              token_from=item_url)
    assert "Move to version 3" in pat.get(measure_page).get_data(as_text=True)
    moved = post_form(pat, measure_page.split("?")[0] + "/version", {"version": "3"}, token_from=measure_page)
    assert moved.status_code == 302
    page = pat.get(measure_page).get_data(as_text=True)
    assert "Network measure: Flu shots, version 3" in page and "Move to version" not in page
    assert "adopted at version 2" in page and "moved from version 2 to version 3" in page
