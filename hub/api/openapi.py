"""/api/v1/openapi.json (OpenAPI 3.1), generated from the declaration in hub.api.spec."""
from __future__ import annotations

from flask import jsonify

from hub.api.blueprint import bp
from hub.api.spec import build_spec


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(build_spec())
