"""Importing this registers every /api/v1 route on the blueprint (create_app imports it), and the
check of every request against the document (hub.api.contract)."""
from hub.api import contract
from hub.api.blueprint import bp
from hub.api import (account_views, chat_views, forum_tools_views, forum_views, library_views,  # noqa: F401
                     membership_views, network_views, notify_views, openapi, people_views, program_views,
                     project_export_views,
                     project_views, search_views, space_views)

bp.before_request(contract.check_request)
