"""Home: where a signed-in person lands."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from hub import policy
from hub.extensions import db
from hub.forums import reading
from hub.people.models import Cohort
from hub.spaces import membership
from hub.spaces import queries as space_queries

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    if not policy.signed_in(current_user):
        return redirect(url_for("auth.login"))
    if reading.has_history(current_user) and not request.args.get("overview"):
        return redirect(url_for("forums.latest"))  # returning people land on what is new
    teams = current_user.teams
    supports = policy.can(current_user, "program.manage")
    # Facilitators and admins support every cohort; participants see their teams' cohorts.
    cohorts = (db.session.scalars(select(Cohort).order_by(Cohort.name)).all() if supports
               else sorted({c for t in teams for c in t.cohorts}, key=lambda c: c.name))
    return render_template("home/index.html", teams=teams, cohorts=cohorts, supports=supports,
                           spaces=space_queries.my_spaces(current_user),
                           invitations=membership.my_invitations(current_user))


@bp.get("/help", endpoint="help")
def help_page():
    """Keyboard shortcuts, skip links and first steps; public, like any help page."""
    return render_template("home/help.html")


@bp.get("/healthz")
def healthz():
    return {"ok": True}
