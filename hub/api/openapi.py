"""/api/v1/openapi.json (OpenAPI 3.1). A test fails when a registered API route is missing here."""
from __future__ import annotations

from flask import jsonify

from hub.api import bp

ERROR = {"$ref": "#/components/schemas/Error"}


def _obj(**props) -> dict:
    return {"type": "object", "properties": props}


STR, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
NULL_STR = {"type": ["string", "null"]}
SCHEMAS = {
    "Error": _obj(error=_obj(code=STR, message=STR, fields={"type": "object", "additionalProperties": STR})),
    "Person": _obj(id=INT, name=STR, pronouns=STR, title=STR, organization={"type": ["object", "null"]},
                   teams={"type": "array"}, bio_html=STR, preferred_language=STR, time_zone=STR,
                   site_role=STR, active=BOOL, email={"type": "string", "description": "Only for yourself and staff"}),
    "ProfileUpdate": _obj(name=STR, pronouns=STR, title=STR, organization_id={"type": ["integer", "null"]},
                          bio=STR, preferred_language=STR, time_zone=STR),
    "PersonUpdate": _obj(active=BOOL, site_role=STR, name=STR, pronouns=STR, title=STR, bio=STR),
    "Space": _obj(id=INT, kind=STR, name=STR, slug=STR, purpose=STR, visibility=STR, join_policy=STR,
                  history_policy=STR, archived=BOOL, can_view=BOOL, is_member=BOOL),
    "Token": _obj(id=INT, label=STR, prefix=STR, created_at=STR, last_used_at=NULL_STR,
                  token={"type": "string", "description": "Only in the response that creates it"}),
    "Invitation": _obj(id=INT, email=STR, site_role=STR, team_id={"type": ["integer", "null"]}, team_role=STR,
                       status=STR, created_at=STR, expires_at=STR),
    "Organization": _obj(id=INT, name=STR, kind=STR, city=STR),
    "Cohort": _obj(id=INT, name=STR, program=STR, space_id=INT, starts_on=NULL_STR, ends_on=NULL_STR,
                   team_ids={"type": "array", "items": INT}),
    "Team": _obj(id=INT, name=STR, organization_id=INT, space_id=INT, cohort_ids={"type": "array", "items": INT},
                 members={"type": "array"}, warnings={"type": "array", "items": STR}),
    "Ok": _obj(ok=BOOL),
    "JoinRequest": _obj(id=INT, space_id=INT, user_id=INT, kind=STR, message=STR, status=STR, decision_note=STR,
                        created_at=STR, decided_at=NULL_STR),
}


def _list_of(name: str) -> dict:
    return _obj(items={"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}}, next=NULL_STR)


# (method, path, summary, request body schema, response schema or list-of, success status)
ROUTES = [
    ("get", "/me", "The signed-in person", None, "Person", 200),
    ("patch", "/me", "Update your profile", "ProfileUpdate", "Person", 200),
    ("post", "/me/password", "Change your password (ends every other session)",
     _obj(current=STR, password=STR, confirm=STR), "Ok", 200),
    ("post", "/me/sessions/end-others", "Log out everywhere else", None, "Ok", 200),
    ("get", "/me/tokens", "Your personal access tokens", None, ["Token"], 200),
    ("post", "/me/tokens", "Create a token (its secret is shown once)", _obj(label=STR), "Token", 201),
    ("delete", "/me/tokens/{token_id}", "Revoke a token", None, None, 204),
    ("get", "/people", "The directory (filter with ?q=)", None, ["Person"], 200),
    ("get", "/people/{person_id}", "One person", None, "Person", 200),
    ("patch", "/people/{person_id}", "Admins: activate, deactivate, change site role", "PersonUpdate", "Person", 200),
    ("get", "/spaces", "Spaces you may discover", None, ["Space"], 200),
    ("get", "/spaces/{space_id}", "One space", None, "Space", 200),
    ("get", "/invitations", "Invitations you may manage", None, ["Invitation"], 200),
    ("post", "/invitations", "Invite an email address",
     _obj(email=STR, site_role=STR, team_id=INT, team_role=STR), "Invitation", 201),
    ("post", "/invitations/{invitation_id}/revoke", "Revoke a pending invitation", None, "Invitation", 200),
    ("get", "/organizations", "Organizations", None, ["Organization"], 200),
    ("post", "/organizations", "Add an organization", _obj(name=STR, kind=STR, city=STR), "Organization", 201),
    ("get", "/cohorts", "Cohorts", None, ["Cohort"], 200),
    ("post", "/cohorts", "Create a cohort and its space",
     _obj(name=STR, program=STR, starts_on=STR, ends_on=STR), "Cohort", 201),
    ("get", "/teams", "Teams", None, ["Team"], 200),
    ("post", "/teams", "Create a team and its space",
     _obj(name=STR, organization_id=INT, cohort_ids={"type": "array", "items": INT}), "Team", 201),
    ("get", "/teams/{team_id}", "One team", None, "Team", 200),
    ("post", "/teams/{team_id}/members", "Add a person to a team (or change their role)",
     _obj(user_id=INT, role=STR), "Team", 200),
    ("delete", "/teams/{team_id}/members/{user_id}", "Remove a person from a team", None, "Team", 200),
    ("post", "/spaces", "Create an affinity space (facilitators and admins)",
     _obj(name=STR, purpose=STR, agreement=STR, visibility=STR, history_policy=STR,
          facilitator_ids={"type": "array", "items": INT}), "Space", 201),
    ("patch", "/spaces/{space_id}", "Change a space's settings or agreement; admins archive with {\"archived\"}",
     _obj(name=STR, purpose=STR, agreement=STR, visibility=STR, history_policy=STR, archived=BOOL), "Space", 200),
    ("get", "/spaces/{space_id}/members", "Members (members and the space's facilitators only)", None,
     _obj(items={"type": "array"}, next=NULL_STR), 200),
    ("post", "/spaces/{space_id}/members", "Invite a person (space facilitators)", _obj(user_id=INT, message=STR),
     "JoinRequest", 201),
    ("delete", "/spaces/{space_id}/members/{user_id}", "Remove a member (reason required) or leave (yourself)",
     _obj(reason=STR), None, 204),
    ("post", "/spaces/{space_id}/join-requests", "Ask to join a listed space", _obj(message=STR), "JoinRequest", 201),
    ("post", "/join-requests/{request_id}/approve", "Approve a request, or accept your invitation", _obj(note=STR),
     "JoinRequest", 200),
    ("post", "/join-requests/{request_id}/decline", "Decline a request, or your invitation", _obj(note=STR),
     "JoinRequest", 200),
    ("post", "/spaces/{space_id}/agreement/accept", "Accept the current group agreement", None, "Ok", 200),
    ("get", "/spaces/{space_id}/audit", "The space's audit log (its facilitators)", None,
     _obj(items={"type": "array"}, next=NULL_STR), 200),
    ("get", "/notifications", "Your notifications (only what you may still see)", None,
     _obj(items={"type": "array"}, unread=INT, next=NULL_STR), 200),
    ("post", "/notifications/read", "Mark every notification read", None, "Ok", 200),
    ("get", "/openapi.json", "This document", None, None, 200),
]


def _ref(schema):
    if schema is None:
        return None
    if isinstance(schema, list):
        return _list_of(schema[0])
    if isinstance(schema, str):
        return {"$ref": f"#/components/schemas/{schema}"}
    return schema


def build_spec() -> dict:
    paths: dict[str, dict] = {}
    for method, path, summary, body, response, status in ROUTES:
        op: dict = {"summary": summary, "responses": {
            str(status): {"description": "Success"} | (
                {"content": {"application/json": {"schema": _ref(response)}}} if response else {}),
            "default": {"description": "Error", "content": {"application/json": {"schema": ERROR}}},
        }}
        params = [part[1:-1] for part in path.split("/") if part.startswith("{")]
        if params:
            op["parameters"] = [{"name": p, "in": "path", "required": True, "schema": INT} for p in params]
        if method == "get" and response and isinstance(response, list):
            op.setdefault("parameters", []).extend([
                {"name": "cursor", "in": "query", "schema": STR}, {"name": "limit", "in": "query", "schema": INT}])
        if body:
            op["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(body)}}}
        paths.setdefault(path, {})[method] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "Equity Learning Hub API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "A personal access token"},
                "session": {"type": "apiKey", "in": "cookie", "name": "hub_session",
                            "description": "The browser session; writes also need the X-CSRFToken header"},
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(build_spec())
