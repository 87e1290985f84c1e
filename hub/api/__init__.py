"""/api/v1: JSON twins of every UI action, calling the same services."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from hub.api import (account_views, forum_tools_views, forum_views, membership_views, notify_views,  # noqa: E402,F401
                     openapi, people_views, program_views, search_views, space_views)
from hub.api import library_views  # noqa: E402,F401
from hub.api import chat_views  # noqa: E402,F401
