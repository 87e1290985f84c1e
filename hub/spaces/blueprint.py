"""The spaces front door: the blueprint every spaces view module registers its routes on."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("spaces", __name__)
