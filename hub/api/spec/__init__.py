"""The API's one declaration: every operation's summary, body, query parameters, answers and
statuses. /api/v1/openapi.json is generated from it, and hub.api.contract checks every request
against it, so the document and the checks cannot drift. A test fails when a registered API
route is missing here."""
from __future__ import annotations

from hub.api.spec import chat, core, forums, library, network, project_exports, projects
from hub.api.spec.types import ERROR, FIELD_ERROR, ID, STR, ints, list_of, obj, query, ref

_PARTS = (core, forums, chat, library, projects, project_exports, network)
SCHEMAS = {name: schema for part in _PARTS for name, schema in part.SCHEMAS.items()}
ROUTES = [route for part in _PARTS for route in part.ROUTES]
QUERY_PARAMS = {key: params for part in _PARTS for key, params in part.QUERY.items()}

# Pictures and files, as multipart: each checked by its content (hub.uploads), pictures re-encoded.
FILES = {"type": "object", "x-multipart": True, "required": ["files"],
         "properties": {"files": list_of({"type": "string", "format": "binary"})}}
# Writes that take JSON, or the same fields as multipart with files in "files".
ALSO_MULTIPART = {("post", "/spaces/{space_id}/threads"), ("post", "/threads/{thread_id}/posts"),
                  ("post", "/channels/{channel_id}/messages")}
# A page of a list: the cursor the previous page gave, and how many (more are capped, not refused).
PAGING = query(("cursor", STR), ("limit", ints(1, 200)))

# Statuses beyond the common ones, by what an operation does.
_CONFLICTS = {("delete", "/categories/{category_id}")}
_ALSO = {("patch", "/resources/{resource_id}"): {"202": "Held for review: the resource is unchanged"},
         ("post", "/channels/{channel_id}/messages"): {"200": "A repeated client_id: the stored message"},
         ("post", "/dms"): {"200": "The conversation already existed"},
         ("post", "/resources/{resource_id}/discussion"): {"201": "The thread was opened now"}}
_JSON_ERROR = {"content": {"application/json": {"schema": ERROR}}}


def request_body(method: str, path: str) -> dict | None:
    """The body an operation declares, or None."""
    for m, p, _summary, body, _response, _status in ROUTES:
        if (m, p) == (method, path) and body is not None:
            return _ref(body)
    return None


def query_parameters(method: str, path: str) -> list[dict]:
    """The query parameters an operation declares (a list's cursor and limit included)."""
    for m, p, _summary, _body, response, _status in ROUTES:
        if (m, p) == (method, path):
            return [*(PAGING if m == "get" and isinstance(response, list) else []),
                    *QUERY_PARAMS.get((method, path), [])]
    return []


def _ref(schema):
    if schema is None:
        return None
    if isinstance(schema, list):
        return obj(items=list_of(ref(schema[0])), next={"type": ["string", "null"]})
    if schema == "FILES":
        return FILES
    if isinstance(schema, str):
        return ref(schema)
    return schema


def _responses(method: str, path: str, body, response, status: int, has_query: bool) -> dict:
    answers = {str(status): {"description": "Success"} | (
        {"content": {"application/json": {"schema": _ref(response)}}} if response else {})}
    for code, description in _ALSO.get((method, path), {}).items():
        answers.setdefault(code, {"description": description} | (
            {"content": {"application/json": {"schema": _ref(response)}}} if response else {}))
    answers["401"] = {"description": "Not signed in (WWW-Authenticate: Bearer)"} | _JSON_ERROR
    answers["403"] = {"description": "Seen, but not yours to do"} | _JSON_ERROR
    answers["404"] = {"description": "Missing, or not visible to you (the same answer)"} | _JSON_ERROR
    if method != "get":
        answers["400"] = {"description": "Not JSON, or a browser session's CSRF token missing"} | _JSON_ERROR
    if body is not None or has_query or "{" in path:
        answers["422"] = {"description": "What was sent, refused: error.fields says what to fix",
                          "content": {"application/json": {"schema": FIELD_ERROR}}}
    if (method, path) in _CONFLICTS:
        answers["409"] = {"description": "Not now: its state forbids it"} | _JSON_ERROR
    if isinstance(body, dict) and body.get("x-multipart") or (method, path) in ALSO_MULTIPART:
        answers["413"] = {"description": "Too large"} | _JSON_ERROR
        answers["507"] = {"description": "No room to store it now; nothing was kept"} | _JSON_ERROR
    answers["429"] = {"description": "Too many requests; wait and try again"} | _JSON_ERROR
    return answers


def build_spec() -> dict:
    paths: dict[str, dict] = {}
    for method, path, summary, body, response, status in ROUTES:
        parameters = [{"name": p, "in": "path", "required": True,
                       "schema": forums.KEY_PARAMETER if p == "key" else ID}
                      for p in (part[1:-1] for part in path.split("/") if part.startswith("{"))]
        parameters += query_parameters(method, path)
        op: dict = {"summary": summary,
                    "responses": _responses(method, path, body, response, status, len(parameters) > 0)}
        if parameters:
            op["parameters"] = parameters
        if body:
            schema = _ref(body)
            media = "multipart/form-data" if schema.get("x-multipart") else "application/json"
            op["requestBody"] = {"required": _demands_something(schema), "content": {media: {"schema": schema}}}
            if (method, path) in ALSO_MULTIPART:
                op["requestBody"]["content"]["multipart/form-data"] = {"schema": _as_form(schema)}
        paths.setdefault(path, {})[method] = op
    project_exports.amend(paths)
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


def _as_form(schema: dict) -> dict:
    """The same write as a multipart form: its fields are text (a number or a word sent there is
    read as text), and its files, if any, are in "files"."""
    if "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    text = {name: {"description": "Sent as text"} for name in schema.get("properties", {})}
    return {"type": "object", "properties": {**text, **FILES["properties"]}}


def _demands_something(schema: dict) -> bool:
    """A body is required when it names fields that must be sent (else an empty request is fine)."""
    if "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    return bool(schema.get("required"))
