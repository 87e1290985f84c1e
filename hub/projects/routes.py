"""Importing this registers every project page on the blueprint (create_app imports it)."""
from hub.projects import export_views, network_views, report_views, views  # noqa: F401
