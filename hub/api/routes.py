"""Importing this registers every /api/v1 route on the blueprint (create_app imports it)."""
from hub.api import (account_views, chat_views, forum_tools_views, forum_views, library_views,  # noqa: F401
                     membership_views, notify_views, openapi, people_views, program_views, search_views, space_views)
