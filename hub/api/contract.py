"""Every JSON body is checked against the schema the OpenAPI document declares for its
operation (hub.api.openapi.ROUTES) before any view or service sees it: one declaration serves
both, so the document and the check cannot drift. A wrong type, a null, a list where one value
belongs, a number out of range or an unknown choice answers 422 naming the field, in the usual
error shape. Services still check what types cannot say (lengths in words, who may do what).
Multipart bodies (files) are forms: their fields are text, read by the views."""
from __future__ import annotations

import re
from functools import lru_cache

from flask import request
from flask_babel import gettext as _
from jsonschema import Draft202012Validator

from hub.api import openapi
from hub.validation import ValidationError

_PREFIX = "/api/v1"
_TYPE_WORDS = {"string": lambda: _("text"), "integer": lambda: _("a whole number"), "number": lambda: _("a number"),
               "boolean": lambda: _("true or false"), "array": lambda: _("a list"), "object": lambda: _("an object"),
               "null": lambda: _("null")}


def _document_path(rule: str) -> str:
    """A Flask rule as the document names its path: /api/v1/spaces/<int:space_id> -> /spaces/{space_id}."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule[len(_PREFIX):] if rule.startswith(_PREFIX) else rule)


@lru_cache(maxsize=None)
def _validator(method: str, path: str) -> Draft202012Validator | None:
    body = openapi.request_body(method, path)
    if body is None or body.get("x-multipart"):
        return None
    # The document's own components beside it, so its "#/components/schemas/..." references resolve.
    return Draft202012Validator({**body, "components": {"schemas": openapi.SCHEMAS}})


def check_json_body() -> None:
    """Before every API write (the blueprint's before_request): its JSON body, by its schema."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE") or request.url_rule is None or not request.is_json:
        return
    validator = _validator(request.method.lower(), _document_path(request.url_rule.rule))
    data = request.get_json(silent=True)
    if validator is None or data is None:
        return  # (json_body() answers a body that is not JSON)
    if not isinstance(data, dict):
        raise ValidationError({"body": _("Send a JSON object in the request body.")})
    fields: dict[str, str] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        name = str(error.path[0]) if error.path else "body"
        fields.setdefault(name, _described(name, error))
    if fields:
        raise ValidationError(fields)


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
        return _("Send %(field)s.", field=error.message.split("'")[1] if "'" in error.message else name)
    return _("%(field)s is not valid here.", field=name)
