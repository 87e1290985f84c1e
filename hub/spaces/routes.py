"""Importing this registers every spaces route on the blueprint (create_app imports it)."""
from hub.spaces import member_views, views  # noqa: F401
