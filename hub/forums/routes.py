"""Importing this registers every forums route on the blueprint (create_app imports it)."""
from hub.forums import moderation_views, post_views, views  # noqa: F401
