"""Every route the app registers is classified here, and each class is checked as a stranger.

A new route that is not listed fails this test: whoever adds it must decide who may reach it
(and extend the access matrix in tests/test_access_matrix.py for what it shows).
"""
from __future__ import annotations

import re

PUBLIC = {  # reachable without signing in, and showing nothing private
    "auth.login", "auth.logout", "auth.accept_invitation", "auth.forgot_password", "auth.reset_password",
    "home.healthz", "static", "api.openapi_json", "home.index", "home.help", "home.guidelines",
}
SIGNED_IN_HTML = {
    "auth.security", "auth.change_password", "auth.end_other_sessions", "auth.create_token", "auth.revoke_token",
    "auth.invitations", "auth.create_invitation", "auth.revoke_invitation",
    "people.directory", "people.profile", "people.edit_profile", "people.set_active", "people.set_role",
    # profile pictures: seen by whoever may see the person, changed only by the person (tests/test_avatars.py)
    "people.avatar", "people.upload_picture", "people.remove_picture",
    "program.index", "program.create_organization", "program.create_cohort", "program.create_team",
    "program.team", "program.add_member", "program.remove_member", "program.cohort",
    "spaces.index", "spaces.show", "spaces.create", "spaces.settings", "spaces.request_join", "spaces.agreement",
    "spaces.leave", "spaces.members", "spaces.invite", "spaces.remove", "spaces.decide", "spaces.invitations",
    "spaces.audit", "spaces.archive", "spaces.appoint", "spaces.staffing", "spaces.step_down", "program.edit",
    "home.dismiss_checklist",
    "notify.index", "notify.mark_read",
    "notify.open_one", "notify.settings",
    # forums: every page asks the policy about its space, thread or post (tests/test_forum_access.py)
    "forums.latest", "forums.mark_read", "forums.space_forum", "forums.category", "forums.new_thread",
    "forums.thread", "forums.first_unread", "forums.reply", "forums.permalink", "forums.edit_post",
    "forums.history", "forums.delete_post", "forums.restore_post", "forums.react", "forums.who_reacted",
    "forums.flag", "forums.accept", "forums.moderate_thread", "forums.move_thread", "forums.moderate_post",
    "forums.watch_thread", "forums.watch_category", "forums.flags", "forums.resolve_flag", "forums.moderation_log",
    "forums.categories", "forums.edit_category", "forums.flag_queue", "forums.post_item",
    # a post's attachments: exactly its readers (policy post_attachment.view; tests/test_attachments.py)
    "forums.attachment",
    # search: filtered inside the index by policy.search_scope, every hit re-checked (tests/test_search_access.py)
    "search.search",
    # library: every page asks the policy about its space, resource, file or collection (tests/test_library_access.py)
    "library.index", "library.space", "library.new", "library.resource", "library.edit", "library.submit",
    "library.review", "library.upload", "library.download", "library.history", "library.vote", "library.voters",
    "library.tried", "library.remove_adoption", "library.discuss", "library.curate", "library.move",
    "library.delete", "library.review_queue", "library.new_collection", "library.collection",
    "library.edit_collection", "library.collection_item", "library.pin_collection", "library.components",
    "library.remove_file", "library.review_edit",
    "projects.team_projects", "projects.project", "projects.space_projects", "projects.measure_marks",
    "projects.project_write", "projects.measure",
    # exports, imports and reports: loaded through the projects loaders, data through published (tests/test_project_exports.py)
    "projects.measure_csv", "projects.measure_import", "projects.measure_chart_png", "projects.project_report",
    "projects.project_report_pdf",
    # network measure sets: loaders ask the policy of the cohort's set or item (tests/test_network_measures.py)
    "projects.measure_set", "projects.measure_set_item", "projects.adopt_measure", "projects.move_measure_version",
    "projects.network_measure", "projects.send_reminders",
    # chat: every page asks the policy about its channel, message or space (tests/test_chat_matrix.py)
    "chat.index", "chat.channel", "chat.send", "chat.permalink", "chat.start_dm", "chat.space", "chat.create_channel",
    "chat.archive_channel", "chat.subscription",
    # a message's attachments: its readers while it stands (policy message_attachment.view; tests/test_attachments.py)
    "chat.attachment",
}


def _sample_url(rule) -> str:
    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) == "int" else "x", rule.rule)


def test_every_route_is_classified(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    api = {e for e in endpoints if e.startswith("api.")} - PUBLIC
    unclassified = endpoints - PUBLIC - SIGNED_IN_HTML - api
    assert unclassified == set(), f"classify these routes in {__file__}: {sorted(unclassified)}"


def test_strangers_get_nothing_from_signed_in_routes(app, client):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        url = _sample_url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            if rule.endpoint.startswith("api."):
                expected = (401,) if method == "GET" else (400, 401)  # writes fail CSRF first
                assert response.status_code in expected, (method, url, response.status_code)
            elif method == "GET":
                assert response.status_code == 302 and "/login" in response.headers["Location"], (method, url)
            else:
                assert response.status_code == 400, (method, url)  # no CSRF token, nothing happens


# Socket.IO handlers, per namespace: each must be classified like a route.
SOCKET_EVENTS = {"/": {"connect", "disconnect"},
                 # chat: each handler asks who the socket is now and requires the policy (tests/test_chat_*.py)
                 "/chat": {"connect", "disconnect", "join", "leave", "send", "edit", "delete", "react", "read",
                           "typing", "presence"}}


def test_every_socket_handler_is_classified(app):
    from hub.extensions import socketio
    registered = {ns: set(events) for ns, events in socketio.server.handlers.items()}
    assert registered == SOCKET_EVENTS, f"classify these socket handlers in {__file__}: {registered}"
