"""The library front door: its blueprint and the loaders its view modules share (load, then
ask the policy: a hidden resource or collection answers as missing)."""
from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from hub import policy
from hub.extensions import db
from hub.library.models import Collection, Resource

bp = Blueprint("library", __name__)


def get_resource(resource_id: int, action: str = "resource.view") -> Resource:
    resource = db.session.get(Resource, resource_id)
    policy.require(current_user, action, resource)
    return resource


def get_collection(collection_id: int, action: str = "collection.view") -> Collection:
    found = db.session.get(Collection, collection_id)
    policy.require(current_user, action, found)
    return found
