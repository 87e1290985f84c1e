"""The small vocabulary every part of the API document is written in. Ids and counts fit the
database's 32-bit integers: a larger number is refused by name (422) instead of failing deep in a
query. Text a service requires is declared non-blank, and every choice is an enum, so the
document says what the services will refuse and the contract check (hub.api.contract) refuses
it first."""
from __future__ import annotations

from hub.validation import DATABASE_INT_MAX


def obj(*required: str, **props) -> dict:
    """An object with these properties; the names given positionally must be sent."""
    schema = {"type": "object", "properties": props}
    if required:
        schema["required"] = list(required)
    return schema


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def one_of(*choices, nullable: bool = False) -> dict:
    return {"type": ["string", "null"] if nullable else "string",
            "enum": [*choices, *([None] if nullable else [])]}


def ints(minimum: int, maximum: int) -> dict:
    return {"type": "integer", "minimum": minimum, "maximum": maximum}


def list_of(item: dict, max_items: int | None = None) -> dict:
    schema = {"type": "array", "items": item}
    if max_items is not None:
        schema["maxItems"] = max_items
    return schema


STR, BOOL = {"type": "string"}, {"type": "boolean"}
TEXT = {"type": "string", "minLength": 1, "pattern": r"\S", "description": "Not blank"}
INT = ints(-DATABASE_INT_MAX - 1, DATABASE_INT_MAX)
ID = ints(1, DATABASE_INT_MAX)
NULL_STR = {"type": ["string", "null"]}
NULL_INT = {**INT, "type": ["integer", "null"]}
NULL_ID = {**ID, "type": ["integer", "null"]}
IDS = list_of(ID)
STRS = list_of(STR)
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "YYYY-MM-DD"}
NULL_DATE = {**DATE, "type": ["string", "null"]}
ERROR = ref("Error")
# A refusal of what was sent names at least one field, so an integration can say what to fix.
FIELD_ERROR = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["code", "message", "fields"],
    "properties": {"code": STR, "message": STR,
                   "fields": {"type": "object", "minProperties": 1, "additionalProperties": STR}}}}}


def query(*names_and_types) -> list[dict]:
    return [{"name": n, "in": "query", "schema": t} for n, t in names_and_types]


def page_of(name: str) -> dict:
    return obj(items=list_of(ref(name)), next=NULL_STR)


ANY_PAGE = obj(items={"type": "array"}, next=NULL_STR)
