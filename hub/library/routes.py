"""Importing this registers every library route on the blueprint (create_app imports it)."""
from hub.library import curation_views, views  # noqa: F401
