"""Importing this registers every project page on the blueprint (create_app imports it)."""
from hub.projects import network_views, views  # noqa: F401
