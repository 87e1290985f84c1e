"""Issue 17, item 8: program administration in the UI, each with its API twin: edit, rename and
archive cohorts, organizations and teams; archive a space; appoint or replace an affinity space's
facilitators (an admin may do it without reading the space); create an affinity space from a link."""
from __future__ import annotations

from hub import policy
from hub.extensions import db
from hub.people.models import Cohort, Organization, Team
from hub.spaces.models import Space
from tests.helpers import factories as f
from tests.helpers import api_write, post_form, without_request_tokens
from tests.helpers import signed_in


def test_a_facilitator_renames_a_cohort_and_its_space_follows(app, world):
    fay = signed_in(app, world.facilitator)
    url = f"/program/cohorts/{world.cohort.id}/edit"
    assert "Edit Learning Network" in fay.get("/program").get_data(as_text=True)
    saved = post_form(fay, url, {"name": "Learning Network 2027", "program": "learning_network",
                                 "team_ids": str(world.team.id)}, token_from=url)
    assert saved.status_code == 302
    db.session.expire_all()
    cohort = db.session.get(Cohort, world.cohort.id)
    assert cohort.name == cohort.space.name == "Learning Network 2027"
    assert [t.id for t in cohort.teams] == [world.team.id]


def test_a_refused_edit_keeps_what_was_typed_and_says_what_to_fix(app, world):
    fay = signed_in(app, world.facilitator)
    url = f"/program/cohorts/{world.cohort.id}/edit"
    refused = post_form(fay, url, {"name": "Typed name", "program": "learning_network", "starts_on": "2027-05-01",
                                   "ends_on": "2027-01-01"}, token_from=url)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "The end date must be after the start date." in page and 'value="Typed name"' in page
    db.session.expire_all()
    assert db.session.get(Cohort, world.cohort.id).name == "Learning Network"


def test_archiving_a_team_needs_confirming_and_makes_its_space_read_only(app, world):
    fay = signed_in(app, world.facilitator)
    url = f"/program/teams/{world.team.id}/edit"
    unconfirmed = post_form(fay, url, {"archived": "1"}, token_from=url)
    assert unconfirmed.status_code == 422 and "Tick the box" in unconfirmed.get_data(as_text=True)
    assert post_form(fay, url, {"archived": "1", "confirm": "1"}, token_from=url).status_code == 302
    db.session.expire_all()
    team = db.session.get(Team, world.team.id)
    assert team.archived_at is not None and team.space.is_archived
    assert policy.can(world.participant, "space.view", team.space), "the record stays readable"
    assert not policy.can(world.participant, "space.post", team.space)
    assert post_form(fay, url, {"archived": "0"}, token_from=url).status_code == 302
    db.session.expire_all()
    assert db.session.get(Team, world.team.id).space.archived_at is None


def test_the_api_edits_only_what_it_names_and_a_team_leaving_a_cohort_loses_its_space(app, world):
    fay = signed_in(app, world.facilitator)
    cohort_space = world.cohort.space
    assert policy.can(world.participant, "space.view", cohort_space)
    left = api_write(fay, "PATCH", f"/api/v1/teams/{world.team.id}", {"cohort_ids": []})
    assert left.status_code == 200 and left.get_json()["cohort_ids"] == []
    assert left.get_json()["name"] == "Clinic Team"
    db.session.expire_all()
    assert not policy.can(world.participant, "space.view", db.session.get(Space, cohort_space.id))
    org = api_write(fay, "PATCH", f"/api/v1/organizations/{world.team.organization_id}", {"city": "Fresno"})
    assert org.status_code == 200 and org.get_json()["city"] == "Fresno"
    assert org.get_json()["name"] == db.session.get(Organization, world.team.organization_id).name
    other = f.organization("Taken Name")
    clash = api_write(fay, "PATCH", f"/api/v1/organizations/{world.team.organization_id}", {"name": other.name})
    assert clash.status_code == 422 and "name" in clash.get_json()["error"]["fields"]
    wrong = api_write(fay, "PATCH", f"/api/v1/cohorts/{world.cohort.id}", {"team_ids": "all"})
    assert wrong.status_code == 422 and "team_ids" in wrong.get_json()["error"]["fields"]
    archived = api_write(fay, "PATCH", f"/api/v1/cohorts/{world.cohort.id}", {"archived": True})
    assert archived.get_json()["archived"] is True


def test_participants_may_not_edit_the_program(app, world):
    pat = signed_in(app, world.participant)
    assert api_write(pat, "PATCH", f"/api/v1/teams/{world.team.id}", {}).status_code == 403
    assert pat.get(f"/program/teams/{world.team.id}/edit").status_code == 403
    assert api_write(signed_in(app, world.facilitator), "PATCH", "/api/v1/teams/999999", {}).status_code == 404


def test_an_admin_staffs_a_secret_space_without_reading_it(app, world):
    ada = signed_in(app, world.admin)
    world.secret.name = "Secret Circle SECRET-WORDS"
    db.session.commit()
    url = f"/spaces/{world.secret.slug}/staffing"
    page = ada.get(url)
    assert page.status_code == 200
    assert "SECRET-WORDS" not in page.get_data(as_text=True), "the page names neither the space nor its content"
    appointed = post_form(ada, f"/spaces/{world.secret.slug}/facilitators", {"user_id": str(world.teammate.id)},
                          token_from=url)
    assert appointed.status_code == 302
    assert policy.is_space_facilitator(world.teammate, world.secret)
    # Replacing: the old facilitator steps down once the new one is there.
    down = post_form(ada, f"/spaces/{world.secret.slug}/facilitators/{world.facilitator.id}/step-down", {},
                     token_from=url)
    assert down.status_code == 302
    assert not policy.is_space_facilitator(world.facilitator, world.secret)
    last = api_write(ada, "DELETE", f"/api/v1/spaces/{world.secret.id}/facilitators/{world.teammate.id}")
    assert last.status_code == 422 and "appoint another" in last.text
    ada.get("/spaces")  # not listed for the admin, who cannot read it
    assert "SECRET-WORDS" not in ada.get("/spaces").get_data(as_text=True)


def test_strangers_to_a_secret_space_get_its_staffing_page_as_a_missing_one(app, world):
    pat = signed_in(app, world.participant)
    hidden, missing = pat.get(f"/spaces/{world.secret.slug}/staffing"), pat.get("/spaces/no-such-space/staffing")
    assert hidden.status_code == missing.status_code == 404
    assert without_request_tokens(hidden) == without_request_tokens(missing)
    member = signed_in(app, world.member)
    assert member.get(f"/spaces/{world.secret.slug}/staffing").status_code == 403


def test_the_space_list_marks_mine_and_offers_a_new_affinity_space_to_staff(app, world):
    member_page = signed_in(app, world.member).get("/spaces").get_data(as_text=True)
    assert "You are a member" in member_page and "New affinity space" not in member_page
    fay_page = signed_in(app, world.facilitator).get("/spaces").get_data(as_text=True)
    assert 'href="/spaces/new"' in fay_page


def test_archiving_a_space_from_its_staffing_page_needs_confirming(app, world):
    ada = signed_in(app, world.admin)
    url = f"/spaces/{world.secret.slug}/staffing"
    post_form(ada, f"/spaces/{world.secret.slug}/archive", {"archived": "1"}, token_from=url)
    db.session.expire_all()
    assert db.session.get(Space, world.secret.id).archived_at is None
    post_form(ada, f"/spaces/{world.secret.slug}/archive", {"archived": "1", "confirm": "1"}, token_from=url)
    db.session.expire_all()
    assert db.session.get(Space, world.secret.id).archived_at is not None


def test_a_space_opens_on_its_discussions_for_readers_and_on_about_for_others(app, world):
    """Issue 17: space pages opened on About instead of Discussions."""
    pat_page = signed_in(app, world.participant).get("/spaces").get_data(as_text=True)
    assert f'href="/spaces/{world.commons.slug}/forum"' in pat_page
    assert f'href="/spaces/{world.affinity.slug}"' in pat_page, "a listed caucus Pat may only ask to join"
    member_home = signed_in(app, world.member).get("/").get_data(as_text=True)
    assert f'href="/spaces/{world.secret.slug}/forum"' in member_home
