"""Issue 25, items 1 and 2 (part): every JSON body is checked against the schema the OpenAPI
document declares for its operation, before a view or a service sees it; a wrong type, a null
where a value belongs, a list for one value, a number too large or an unknown choice answers 422
naming the field, and nothing is written."""
from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from hub.api import spec as openapi
from hub.auth.tokens import create_token
from hub.extensions import db
from hub.people.models import Team


def _token(app, person) -> dict:
    with app.test_request_context():
        return {"Authorization": f"Bearer {create_token(person, 'contract')[1]}"}


def _json_bodies():
    for method, path, _summary, body, _response, _status in openapi.ROUTES:
        schema = openapi.request_body(method, path)
        if schema is not None and not schema.get("x-multipart"):
            yield method, path, schema


def _properties(schema: dict) -> dict:
    if "$ref" in schema:
        schema = openapi.SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    return schema.get("properties", {})


WRONG = {"string": 12345, "integer": "twelve", "boolean": "yes", "array": 7, "object": "text"}


def test_every_declared_body_is_a_valid_schema():
    bodies = list(_json_bodies())
    assert len(bodies) > 40, "the document declares the bodies the API takes"
    for method, path, schema in bodies:
        Draft202012Validator.check_schema({**schema, "components": {"schemas": openapi.SCHEMAS}})


def test_a_wrong_type_for_any_declared_field_of_any_operation_is_refused_by_name(app, world):
    headers = _token(app, world.admin)
    client = app.test_client()
    checked = 0
    for method, path, schema in _json_bodies():
        url = "/api/v1" + path.replace("{key}", "reply:1")
        url = __import__("re").sub(r"\{[^}]+\}", "1", url)
        for name, declared in _properties(schema).items():
            kind = declared.get("type")
            kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
            if kind not in WRONG:
                continue
            answer = client.open(url, method=method.upper(), json={name: WRONG[kind]}, headers=headers)
            assert answer.status_code == 422, (method, path, name, answer.status_code, answer.get_data(as_text=True)[:200])
            assert name in answer.get_json()["error"]["fields"], (method, path, name)
            checked += 1
    assert checked > 100


def test_the_cases_fuzzing_found_answer_422_not_500(app, world):
    headers = _token(app, world.admin)
    client = app.test_client()
    title = client.patch("/api/v1/me", json={"title": [None, None]}, headers=headers)
    assert title.status_code == 422 and title.get_json()["error"]["fields"] == {"title": "title must be text."}
    teams_before = db.session.query(Team).count()
    cohorts = client.post("/api/v1/teams", json={"name": "New team", "organization_id": 1, "cohort_ids": None},
                          headers=headers)
    assert cohorts.status_code == 422 and "cohort_ids" in cohorts.get_json()["error"]["fields"]
    assert db.session.query(Team).count() == teams_before, "nothing was written"
    each = client.post("/api/v1/teams", json={"name": "T", "organization_id": 1, "cohort_ids": [1, "two"]},
                       headers=headers)
    assert each.get_json()["error"]["fields"]["cohort_ids"] == "Each item of cohort_ids must be a whole number."


@pytest.mark.parametrize("value", [2**40, -2**40])
def test_a_number_beyond_the_databases_integers_is_out_of_range(app, world, value):
    answer = app.test_client().post("/api/v1/invitations", json={"email": "a@example.org", "team_id": value},
                                    headers=_token(app, world.admin))
    assert answer.status_code == 422 and answer.get_json()["error"]["fields"] == {"team_id": "team_id is out of range."}


def test_an_unknown_choice_names_the_choices(app, world):
    answer = app.test_client().put("/api/v1/threads/1/watch", json={"level": "loudly"},
                                   headers=_token(app, world.participant))
    assert answer.status_code == 422
    assert answer.get_json()["error"]["fields"]["level"] == "level must be one of: watching, tracking, normal, muted."


def test_no_credentials_still_answer_401_before_the_body_is_read(app):
    answer = app.test_client().patch("/api/v1/me", json={"title": [None]})
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_id_past_the_databases_integers_is_missing_not_a_crash(app, world):
    headers = _token(app, world.admin)
    client = app.test_client()
    for url in ("/api/v1/channels/34421963202640962918547456/presence", "/api/v1/resources/9223372036854775808/versions",
                "/api/v1/message-attachments/108658375701914344156260290527232"):
        assert client.get(url, headers=headers).status_code == 404, url
    assert client.delete("/api/v1/teams/9223372036854775808/members/1", headers=headers).status_code == 404


@pytest.mark.parametrize("body", ['"U"', "[null, null]", "7"])
def test_a_json_body_that_is_not_an_object_is_refused_where_one_is_declared(app, world, body):
    answer = app.test_client().post(f"/api/v1/spaces/{world.affinity.id}/join-requests", data=body,
                                    content_type="application/json", headers=_token(app, world.outsider))
    assert answer.status_code == 422 and answer.get_json()["error"]["fields"] == {
        "body": "Send a JSON object in the request body."}
