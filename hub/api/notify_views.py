"""Notifications and email preferences in the API (twins of the notification centre)."""
from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from hub.api.blueprint import bp
from hub.api.common import api_login_required, iso, json_body
from hub.notify import services as notify


def notification_json(note) -> dict:
    return {"id": note.id, "kind": note.kind, "text": note.text, "link": note.link, "read": note.read_at is not None,
            "created_at": iso(note.created_at)}


@bp.get("/notifications")
@api_login_required
def notifications_list():
    before = request.args.get("cursor", "")
    notes = notify.visible(current_user, limit=50, before_id=int(before) if before.isdigit() else None)
    return jsonify({"items": [notification_json(n) for n in notes], "unread": notify.unread_count(current_user),
                    "next": str(notes[-1].id) if len(notes) == 50 else None})


@bp.post("/notifications/read")
@api_login_required
def notifications_read():
    data = request.get_json(silent=True) or {}
    ids = data.get("ids") if isinstance(data, dict) else None
    unread = notify.mark_read(current_user, ids if isinstance(ids, list) else None)
    return jsonify({"ok": True, "unread": unread})


@bp.get("/me/email-settings")
@api_login_required
def email_settings():
    settings = notify.email_settings(current_user)
    return jsonify({"frequency": settings.frequency, "when_away": settings.when_away})


@bp.put("/me/email-settings")
@api_login_required
def set_email_settings():
    settings = notify.update_email_settings(current_user, json_body())
    return jsonify({"frequency": settings.frequency, "when_away": settings.when_away})


@bp.get("/me/notification-settings")
@api_login_required
def notification_settings():
    """Kinds of notification you may turn off, and whether each is on."""
    return jsonify(notify.optional_kinds(current_user))


@bp.put("/me/notification-settings")
@api_login_required
def set_notification_settings():
    return jsonify(notify.set_optional_kinds(current_user, json_body()))
