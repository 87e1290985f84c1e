"""Profiles, the directory, and the program's structure through the pages people use."""
from __future__ import annotations

from sqlalchemy import select

from hub.extensions import db
from hub.people.models import Cohort, Organization, Team
from tests.helpers import factories
from tests.helpers import login, post_form


def test_profile_edit_saves_markdown_bio_safely(client):
    person = factories.user("Bea Bio")
    org = factories.organization("Harbor Clinic")
    login(client, person)
    response = post_form(client, "/settings/profile", {
        "name": "Bea Bio", "pronouns": "she/her", "title": "Nurse", "organization_id": str(org.id),
        "bio": "I lead **equity** work. <script>alert(1)</script> [x](javascript:alert(1))",
        "preferred_language": "es", "time_zone": "America/Chicago"}, token_from="/")
    assert response.status_code == 302
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "<strong>equity</strong>" in page and "<script>alert" not in page and "javascript:" not in page
    assert "Harbor Clinic" in page and "she/her" in page and "America/Chicago" in page


def test_refused_profile_keeps_everything_typed_and_names_each_field(client):
    person = factories.user()
    login(client, person)
    response = post_form(client, "/settings/profile", {
        "name": "", "title": "Kept title", "bio": "A bio I spent time on", "preferred_language": "fr",
        "time_zone": "Nowhere/Land"}, token_from="/")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Name is required" in page and "Choose a language" in page and "Choose a time zone" in page
    assert 'value="Kept title"' in page and "A bio I spent time on" in page
    assert page.count('aria-invalid="true"') == 3


def _listed(client, url) -> str:
    page = client.get(url).get_data(as_text=True)
    return page[page.index('<ul class="people-list">'):]


def test_directory_filters_by_text_organization_and_team(client):
    org = factories.organization("Mesa Valley")
    team = factories.team("Data Team", org=org)
    viewer = factories.user("Vic Viewer")
    nurse = factories.user("Nora Nurse", organization=org)
    factories.join_team(nurse, team)
    factories.user("Zed Elsewhere")
    login(client, viewer)
    by_org = _listed(client, f"/people?organization={org.id}")
    assert "Nora Nurse" in by_org and "Zed Elsewhere" not in by_org
    by_team = _listed(client, f"/people?team={team.id}")
    assert "Nora Nurse" in by_team and "Vic Viewer" not in by_team
    by_text = _listed(client, "/people?q=mesa")
    assert "Nora Nurse" in by_text and "Zed Elsewhere" not in by_text


def test_facilitator_builds_the_program_and_team_size_warns(client):
    facilitator = factories.user(role="facilitator")
    login(client, facilitator)
    org_response = post_form(client, "/program/organizations", {"name": "Lakeshore"}, token_from="/program")
    assert org_response.status_code == 302
    bad = post_form(client, "/program/cohorts", {"name": "", "program": "learning_network", "starts_on": "soon"},
                    token_from="/program")
    assert bad.status_code == 422 and "Enter a date like" in bad.get_data(as_text=True)
    post_form(client, "/program/cohorts", {"name": "AC 2027", "program": "action_community"}, token_from="/program")
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == "AC 2027"))
    assert cohort.space.kind == "cohort"
    org_id = db.session.scalar(select(Organization.id).where(Organization.name == "Lakeshore"))
    made = post_form(client, "/program/teams", {"name": "Lakeshore FUH", "organization_id": str(org_id),
                                                "cohort_ids": str(cohort.id)}, token_from="/program")
    team = db.session.scalar(select(Team).where(Team.name == "Lakeshore FUH"))
    assert made.status_code == 302 and team.space.kind == "team" and [c.id for c in team.cohorts] == [cohort.id]
    newcomer = factories.user("Nu Member")
    added = post_form(client, f"/teams/{team.id}/members", {"user_id": str(newcomer.id), "role": "lead"},
                      token_from=f"/teams/{team.id}", follow_redirects=True)
    assert "teams usually have 3 to 7" in added.get_data(as_text=True)
    db.session.expire_all()
    assert [m.user_id for m in team.memberships] == [newcomer.id]


def test_participants_cannot_manage_the_program(client):
    login(client, factories.user())
    assert client.get("/program").status_code == 403
    team = factories.team()
    response = post_form(client, f"/teams/{team.id}/members", {"user_id": "1", "role": "member"}, token_from="/")
    assert response.status_code == 403
