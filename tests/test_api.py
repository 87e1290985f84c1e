"""The JSON API: tokens, session + CSRF, the error shape, pagination, and a complete OpenAPI."""
from __future__ import annotations

import re

from hub.auth.models import ApiToken
from hub.extensions import db
from tests.helpers import factories
from tests.helpers import api_write, login


def _token(client, person) -> str:
    login(client, person)
    response = api_write(client, "POST", "/api/v1/me/tokens", {"label": "script"})
    assert response.status_code == 201
    return response.get_json()["token"]


def test_token_is_shown_once_stored_hashed_and_revocable(app, make_client):
    person = factories.user("Tia Token")
    browser = make_client()
    plain = _token(browser, person)
    stored = db.session.scalar(db.select(ApiToken))
    assert plain not in (stored.token_hash, stored.prefix) and stored.prefix == plain[:12]
    listing = api_write(browser, "GET", "/api/v1/me/tokens").get_json()
    assert "token" not in listing["items"][0], "the secret is never listed again"

    script = make_client()
    me = script.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"})
    assert me.status_code == 200 and me.get_json()["name"] == "Tia Token"
    # A bearer write needs no CSRF token: browsers cannot attach it cross-site.
    patched = script.patch("/api/v1/me", json={"pronouns": "she/her"}, headers={"Authorization": f"Bearer {plain}"})
    assert patched.status_code == 200 and patched.get_json()["pronouns"] == "she/her"

    assert api_write(browser, "DELETE", f"/api/v1/me/tokens/{stored.id}").status_code == 204
    refused = script.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"})
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "invalid_token"


def test_tokens_of_deactivated_people_stop_working(app, make_client):
    person = factories.user()
    plain = _token(make_client(), person)
    person.active = False
    db.session.commit()
    assert make_client().get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_someone_elses_token_cannot_be_revoked(app, make_client):
    owner, other = factories.user(), factories.user()
    _token(make_client(), owner)
    token_id = db.session.scalar(db.select(ApiToken.id))
    client = make_client()
    login(client, other)
    assert api_write(client, "DELETE", f"/api/v1/me/tokens/{token_id}").status_code == 404


def test_bearer_tokens_are_refused_outside_the_api(app, make_client):
    plain = _token(make_client(), factories.user())
    assert make_client().get("/", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_session_api_writes_need_the_csrf_header(client):
    login(client, factories.user())
    response = client.patch("/api/v1/me", json={"title": "Nurse"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"
    assert api_write(client, "PATCH", "/api/v1/me", {"title": "Nurse"}).get_json()["title"] == "Nurse"


def test_errors_have_one_shape_with_fields(client):
    assert client.get("/api/v1/me").get_json() == {
        "error": {"code": "unauthorized", "message": "Please sign in.", "fields": {}}}
    login(client, factories.user())
    response = api_write(client, "PATCH", "/api/v1/me", {"name": "", "time_zone": "Mars/Olympus"})
    body = response.get_json()
    assert response.status_code == 422
    assert set(body["error"]["fields"]) == {"name", "time_zone"}
    missing = client.get("/api/v1/people/999999").get_json()
    assert missing["error"]["code"] == "not_found"


def test_people_pages_with_a_cursor(client):
    people = [factories.user(f"Person {i:02d}") for i in range(5)]
    login(client, people[0])
    first = client.get("/api/v1/people?limit=2").get_json()
    assert len(first["items"]) == 2 and first["next"]
    seen = [p["id"] for p in first["items"]]
    cursor = first["next"]
    while cursor:
        page = client.get(f"/api/v1/people?limit=2&cursor={cursor}").get_json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next"]
    assert seen == sorted(p.id for p in people)


def test_email_is_shown_only_to_self_and_staff(app, make_client):
    person, other, facilitator = factories.user(), factories.user(), factories.user(role="facilitator")
    for viewer, sees in ((person, True), (other, False), (facilitator, True)):
        client = make_client()
        login(client, viewer)
        assert ("email" in client.get(f"/api/v1/people/{person.id}").get_json()) is sees


def test_openapi_describes_every_registered_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    registered = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1"):])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            registered.add((path, method.lower()))
    assert registered - documented == set(), "API routes missing from openapi.json"
    assert documented - registered == set(), "openapi.json describes routes that do not exist"


def test_program_api_creates_cohorts_and_teams_with_spaces_and_size_warnings(app, client):
    facilitator, person = factories.user(role="facilitator"), factories.user()
    login(client, facilitator)
    org = api_write(client, "POST", "/api/v1/organizations", {"name": "Clinic"}).get_json()
    cohort = api_write(client, "POST", "/api/v1/cohorts", {"name": "LN", "program": "learning_network",
                                                           "starts_on": "2027-01-01", "ends_on": "2026-01-01"})
    assert cohort.status_code == 422 and "ends_on" in cohort.get_json()["error"]["fields"]
    cohort = api_write(client, "POST", "/api/v1/cohorts", {"name": "LN", "program": "learning_network"}).get_json()
    team = api_write(client, "POST", "/api/v1/teams", {"name": "T", "organization_id": org["id"],
                                                       "cohort_ids": [cohort["id"]]}).get_json()
    assert team["space_id"] and cohort["space_id"]
    added = api_write(client, "POST", f"/api/v1/teams/{team['id']}/members", {"user_id": person.id, "role": "lead"})
    body = added.get_json()
    assert body["members"] == [{"user_id": person.id, "name": person.name, "role": "lead"}]
    assert "teams usually have 3 to 7" in body["warnings"][0], "a small team warns but is not blocked"


def test_a_token_cannot_mint_more_tokens(app, make_client):
    plain = _token(make_client(), factories.user())
    response = make_client().post("/api/v1/me/tokens", json={"label": "spare"},
                                  headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "token_cannot_mint"


def test_admin_patch_is_all_or_nothing_and_needs_real_booleans(app, client):
    admin, person = factories.user(role="admin"), factories.user("Keep Active")
    login(client, admin)
    mixed = api_write(client, "PATCH", f"/api/v1/people/{person.id}", {"active": False, "name": "Renamed"})
    assert mixed.status_code == 403
    db.session.refresh(person)
    assert person.active and person.name == "Keep Active", "nothing was written"
    stringy = api_write(client, "PATCH", f"/api/v1/people/{person.id}", {"active": "false"})
    assert stringy.status_code == 422 and "active" in stringy.get_json()["error"]["fields"]
    done = api_write(client, "PATCH", f"/api/v1/people/{person.id}", {"active": False})
    assert done.status_code == 200 and done.get_json()["active"] is False
