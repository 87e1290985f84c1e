"""Every request to the API is checked against what the document declares for its operation
(hub.api.spec) before any view or service sees it: one declaration serves both, so the document
and the check cannot drift. A wrong type, a null, a list where one value belongs, a number out of
range or an unknown choice answers 422 naming the field, in
the usual error shape; so does a query parameter that is repeated, not a number, or not one of
its choices. Services still check what a schema cannot say (lengths in words, whether a person
exists, who may do what). Multipart bodies (files) are forms: their fields are text, read by the
views."""
from __future__ import annotations

import re
from functools import lru_cache

from flask import abort, request
from flask_login import current_user
from flask_babel import gettext as _
from jsonschema import Draft202012Validator

from hub.api import spec
from hub.validation import ValidationError

_PREFIX = "/api/v1"
_TYPE_WORDS = {"string": lambda: _("text"), "integer": lambda: _("a whole number"), "number": lambda: _("a number"),
               "boolean": lambda: _("true or false"), "array": lambda: _("a list"), "object": lambda: _("an object"),
               "null": lambda: _("null")}
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,12}")
_DRAFT_KEY = re.compile(spec.forums.KEY_PARAMETER["pattern"].strip("^$"))
# Missing and blank text the services refuse themselves, in their own words and together with
# every other field that needs fixing; when the contract refuses a body for its shape, it names
# these too, so one answer lists everything to fix.
_LEFT_TO_SERVICES = {"required", "minLength", "pattern"}


def _document_path(rule: str) -> str:
    """A Flask rule as the document names its path: /api/v1/spaces/<int:space_id> -> /spaces/{space_id}."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule[len(_PREFIX):] if rule.startswith(_PREFIX) else rule)


def _checker(schema: dict) -> Draft202012Validator:
    # The document's own components beside it, so its "#/components/schemas/..." references resolve.
    return Draft202012Validator({**schema, "components": {"schemas": spec.SCHEMAS}})


@lru_cache(maxsize=None)
def _body_validator(method: str, path: str) -> Draft202012Validator | None:
    body = spec.request_body(method, path)
    if body is None or body.get("x-multipart"):
        return None
    return _checker(body)


@lru_cache(maxsize=None)
def _query_validators(method: str, path: str) -> dict[str, tuple[dict, Draft202012Validator]]:
    return {p["name"]: (p["schema"], _checker(p["schema"])) for p in spec.query_parameters(method, path)}


def check_request() -> None:
    """Before every API request (the blueprint's before_request): its query, then its JSON body."""
    if request.url_rule is None or not current_user.is_authenticated:
        return  # (a stranger hears 401 from the view first, whatever they sent)
    method, path = request.method.lower(), _document_path(request.url_rule.rule)
    _check_path()
    fields = _query_errors(method, path)
    if not fields:
        fields = _body_errors(method, path)
    if fields:
        raise ValidationError(fields)


def _check_path() -> None:
    """Ids start at 1 and a draft key names what it is for: any other value names nothing (404)."""
    for name, value in (request.view_args or {}).items():
        if isinstance(value, int) and value < 1:
            abort(404)
        if name == "key" and not _DRAFT_KEY.fullmatch(str(value)):
            abort(404)


def _query_errors(method: str, path: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, (schema, validator) in _query_validators(method, path).items():
        values = request.args.getlist(name)
        if not values:
            continue
        if len(values) > 1:
            fields[name] = _("Send %(field)s once.", field=name)
            continue
        value = values[0]
        if schema.get("type") == "integer":
            if not _WHOLE_NUMBER.fullmatch(value):
                fields[name] = _("%(field)s must be %(type)s.", field=name, type=_TYPE_WORDS["integer"]())
                continue
            value = int(value)
        error = next(iter(validator.iter_errors(value)), None)
        if error is not None:
            fields[name] = _described(name, error)
    return fields


def _body_errors(method: str, path: str) -> dict[str, str]:
    if method not in ("post", "put", "patch", "delete"):
        return {}
    if request.mimetype == "multipart/form-data":
        return _form_errors(method, path)
    if not request.is_json:
        return {}
    validator = _body_validator(method, path)
    if validator is None or not request.get_data(cache=True).strip():
        return {}  # (no body: the services say what must be sent)
    data = request.get_json(silent=True)
    if data is None or not isinstance(data, dict):
        return {"body": _("Send a JSON object in the request body.")}
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path)))
    if all(error.validator in _LEFT_TO_SERVICES for error in errors):
        return {}
    fields: dict[str, str] = {}
    for error in errors:
        if error.validator == "additionalProperties":
            for extra in sorted(set(data) - set(error.schema.get("properties", {}))):
                fields.setdefault(extra or "body", _("%(field)s is not a field here.", field=extra or '""'))
            continue
        name = str(error.path[0]) if error.path else "body"
        if error.validator == "required":
            name = error.message.split("'")[1] if "'" in error.message else name
        fields.setdefault(name, _described(name, error))
    return fields


def _form_errors(method: str, path: str) -> dict[str, str]:
    """A multipart form's text fields, read as the types the document gives them (files are
    checked by their content, in hub.uploads)."""
    body = spec.request_body(method, path) or {}
    declared = {**_properties(body), **(spec.FILES["properties"] if (method, path) in spec.ALSO_MULTIPART else {})}
    fields: dict[str, str] = {}
    for name, value in request.form.items():
        schema = declared.get(name)
        if schema is None or schema.get("format") == "binary":
            continue
        if "integer" in (schema.get("type") if isinstance(schema.get("type"), list) else [schema.get("type")]):
            if not _WHOLE_NUMBER.fullmatch(value):
                fields[name] = _("%(field)s must be %(type)s.", field=name, type=_TYPE_WORDS["integer"]())
                continue
            value = int(value)
        error = next(iter(_checker(schema).iter_errors(value)), None)
        if error is not None and error.validator not in _LEFT_TO_SERVICES | {"type"}:
            fields[name] = _described(name, error)
    return fields


def _properties(schema: dict) -> dict:
    if "$ref" in schema:
        schema = spec.SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    return schema.get("properties", {})


def _described(name: str, error) -> str:
    schema, kind = error.schema, error.validator
    if kind == "type":
        wanted = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        words = _(" or ").join(str(_TYPE_WORDS[t]()) for t in wanted if t in _TYPE_WORDS)
        if len(error.path) > 1:
            return _("Each item of %(field)s must be %(type)s.", field=name, type=words)
        return _("%(field)s must be %(type)s.", field=name, type=words)
    if kind == "enum":
        return _("%(field)s must be one of: %(choices)s.", field=name,
                 choices=", ".join(str(c) for c in schema["enum"] if c is not None))
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return _("%(field)s is out of range.", field=name)
    if kind in ("maxItems", "minItems"):
        return _("%(field)s has too many or too few items.", field=name)
    if kind == "required":
        return _("Send %(field)s.", field=name)
    if kind in ("minLength", "pattern") and schema.get("minLength"):
        return _("%(field)s can't be blank.", field=name)
    if kind == "pattern":
        return _("%(field)s is not in the expected form (%(form)s).", field=name,
                 form=schema.get("description") or schema["pattern"])
    return _("%(field)s is not valid here.", field=name)
