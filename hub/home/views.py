"""Home: where a signed-in person lands."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from hub import policy
from hub.extensions import db
from hub.forums import reading
from hub.home import checklist
from hub.people.models import Cohort
from hub.spaces import membership
from hub.spaces import queries as space_queries

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    if not policy.signed_in(current_user):
        return redirect(url_for("auth.login"))
    if request.args.get("landing"):  # just signed in: returning people land on what is new
        return redirect(url_for("forums.latest") if reading.has_history(current_user) else url_for("home.index"))
    teams = current_user.teams
    supports = policy.can(current_user, "program.manage")
    # Facilitators and admins support every cohort; participants see their teams' cohorts.
    cohorts = (db.session.scalars(select(Cohort).order_by(Cohort.name)).all() if supports
               else sorted({c for t in teams for c in t.cohorts}, key=lambda c: c.name))
    return render_template("home/index.html", teams=teams, cohorts=cohorts, supports=supports,
                           spaces=space_queries.my_spaces(current_user),
                           invitations=membership.my_invitations(current_user),
                           checklist=[] if checklist.dismissed(current_user) else checklist.steps(current_user))


@bp.get("/guidelines")
def guidelines():
    """The community guidelines (the commons' agreement); reading them ticks the checklist."""
    checklist.mark(current_user, "guidelines")
    return render_template("home/guidelines.html", space=checklist.guidelines_space())


@bp.post("/checklist/dismiss")
@login_required
def dismiss_checklist():
    checklist.mark(current_user, "dismissed")
    flash(_("The checklist is hidden. The help page is always in your account menu."), "success")
    return redirect(url_for("home.index"))


@bp.get("/help", endpoint="help")
def help_page():
    """Keyboard shortcuts, skip links and first steps; public, like any help page."""
    return render_template("home/help.html")


@bp.get("/healthz")
def healthz():
    return {"ok": True}
