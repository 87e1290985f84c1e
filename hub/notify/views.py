"""The notification centre, the bell's unread count, and email preferences."""
from __future__ import annotations

from flask import Blueprint, abort, g, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hub import policy
from hub.notify import services
from hub.notify.models import EMAIL_FREQUENCIES, OPTIONAL_KINDS
from hub.validation import ValidationError

bp = Blueprint("notify", __name__)


@bp.app_context_processor
def unread_badge():
    def unread() -> int:
        if not policy.signed_in(current_user):
            return 0
        if "unread_notifications" in g:  # already counted for this response (a kept thread page's stamp)
            return g.unread_notifications
        return services.unread_count(current_user)
    return {"unread_notifications": unread}


@bp.get("/notifications")
@login_required
def index():
    notes = services.visible(current_user)
    return render_template("notify/index.html", notifications=notes, space_kinds=services.space_kinds(notes))


@bp.get("/notifications/<int:note_id>")
@login_required
def open_one(note_id: int):
    note = services.open_notification(current_user, note_id)
    if note is None:
        abort(404)
    return redirect(note.link or url_for("notify.index"))


@bp.post("/notifications/read")
@login_required
def mark_read():
    services.mark_all_read(current_user)
    return redirect(url_for("notify.index"))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    errors = {}
    if request.method == "POST":
        try:
            services.update_email_settings(current_user, {"frequency": request.form.get("frequency", ""),
                                                          "when_away": request.form.get("when_away") == "1"})
            # A checkbox left unticked is not sent: every optional kind is on the form.
            services.set_optional_kinds(current_user, {k: request.form.get(k) == "on" for k in OPTIONAL_KINDS})
        except ValidationError as err:
            errors = err.fields
        else:
            flash(_("Notification preferences saved."), "success")
            return redirect(url_for("notify.settings"))
    return render_template("notify/settings.html", current=services.email_settings(current_user).frequency,
                           when_away=services.email_settings(current_user).when_away,
                           frequencies=EMAIL_FREQUENCIES, optional=services.optional_kinds(current_user),
                           errors=errors), (422 if errors else 200)
