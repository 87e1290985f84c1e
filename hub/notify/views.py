"""The notification centre and the bell's unread count."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from hub import policy
from hub.notify import services

bp = Blueprint("notify", __name__)


@bp.app_context_processor
def unread_badge():
    return {"unread_notifications": lambda: services.unread_count(current_user) if policy.signed_in(current_user) else 0}


@bp.get("/notifications")
@login_required
def index():
    return render_template("notify/index.html", notifications=services.visible(current_user))


@bp.post("/notifications/read")
@login_required
def mark_read():
    services.mark_all_read(current_user)
    return redirect(url_for("notify.index"))
