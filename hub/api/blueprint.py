"""The API front door: the /api/v1 blueprint every API view module registers its routes on."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
