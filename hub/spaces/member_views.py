"""Pages for joining and running an affinity space: requests, invitations, agreement, members,
settings, audit log. Registered on the spaces blueprint."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from hub import policy
from hub.extensions import db
from hub.people.models import User
from hub.spaces import membership, queries
from hub.spaces.models import JoinRequest
from hub.spaces.blueprint import bp
from hub.spaces.queries import space_by_slug
from hub.validation import ValidationError


def _person(field: str = "user_id") -> User | None:
    value = request.form.get(field, "")
    return db.session.get(User, int(value)) if value.isdigit() else None


@bp.route("/spaces/new", methods=["GET", "POST"])
@login_required
def create():
    policy.require(current_user, "space.create")
    form, errors = {}, {}
    if request.method == "POST":
        form = request.form.to_dict()
        ids = [int(v) for v in request.form.getlist("facilitator_ids") if v.isdigit()]
        try:
            space = membership.create_affinity_space(current_user, form, ids)
        except ValidationError as err:
            errors = err.fields
        else:
            flash(_("%(name)s is created.", name=space.name), "success")
            return redirect(url_for("spaces.show", slug=space.slug))
    people = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)).all()
    return render_template("spaces/settings.html", space=None, form=form, errors=errors, people=people), \
        (422 if errors else 200)


@bp.route("/spaces/<slug>/settings", methods=["GET", "POST"])
@login_required
def settings(slug: str):
    space = space_by_slug(slug)
    policy.require(current_user, "space.manage", space)
    form, errors = {}, {}
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            membership.update_settings(current_user, space, form)
        except ValidationError as err:
            errors = err.fields
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for("spaces.show", slug=space.slug))
    return render_template("spaces/settings.html", space=space, form=form, errors=errors, people=[]), \
        (422 if errors else 200)


@bp.post("/spaces/<slug>/join-requests")
@login_required
def request_join(slug: str):
    space = space_by_slug(slug)
    try:
        membership.request_to_join(current_user, space, request.form.get("message", ""))
    except ValidationError as err:
        return render_template("spaces/show.html", space=space, can_view=False, members=[], owner=None,
                               errors=err.fields, form=request.form), 422
    flash(_("Your request is sent. The space's facilitators will answer it."), "success")
    return redirect(url_for("spaces.show", slug=space.slug))


@bp.route("/spaces/<slug>/agreement", methods=["GET", "POST"])
@login_required
def agreement(slug: str):
    space = space_by_slug(slug)
    policy.require(current_user, "space.discover", space)
    if request.method == "POST":
        if request.form.get("accept") != "1":
            return render_template("spaces/agreement.html", space=space, next=_same_site(request.form.get("next")),
                                   errors={"accept": _("Tick the box to accept the agreement.")}), 422
        membership.accept_agreement(current_user, space)
        flash(_("Welcome to %(space)s.", space=space.name), "success")
        return redirect(_same_site(request.form.get("next")) or url_for("spaces.show", slug=space.slug))
    policy.require(current_user, "space.accept_agreement", space)
    return render_template("spaces/agreement.html", space=space, errors={}, next=_same_site(request.args.get("next")))


def _same_site(target: str | None) -> str | None:
    """Where a deep link was going before the agreement: a path on this site, never elsewhere."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None


@bp.post("/spaces/<slug>/leave")
@login_required
def leave(slug: str):
    space = space_by_slug(slug)
    membership.leave(current_user, space)
    flash(_("You left %(space)s.", space=space.name), "success")
    return redirect(url_for("spaces.index"))


@bp.get("/spaces/<slug>/members")
@login_required
def members(slug: str):
    space = space_by_slug(slug)
    policy.require(current_user, "space.list_members", space)
    manage = policy.can(current_user, "space.manage", space)
    candidates = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)).all() if manage else []
    return render_template("spaces/members.html", space=space, members=queries.member_list(space), manage=manage,
                           requests=membership.pending_requests(space) if manage else [], candidates=candidates)


@bp.post("/spaces/<slug>/members")
@login_required
def invite(slug: str):
    space = space_by_slug(slug)
    try:
        membership.invite(current_user, space, _person(), request.form.get("message", ""))
    except ValidationError as err:
        flash(err.message, "warning")
    else:
        flash(_("Invitation sent."), "success")
    return redirect(url_for("spaces.members", slug=slug))


@bp.post("/spaces/<slug>/members/<int:user_id>/remove")
@login_required
def remove(slug: str, user_id: int):
    space = space_by_slug(slug)
    try:
        membership.remove(current_user, space, db.session.get(User, user_id), request.form.get("reason", ""))
    except ValidationError as err:
        flash(err.message, "warning")
    else:
        flash(_("Removed. They no longer see anything in this space."), "success")
    return redirect(url_for("spaces.members", slug=slug))


@bp.post("/join-requests/<int:request_id>/<any(approve, decline):decision>")
@login_required
def decide(request_id: int, decision: str):
    join = db.session.get(JoinRequest, request_id)
    join = membership.decide(current_user, join, decision == "approve", request.form.get("note", ""))
    if join.kind == "invite":
        if decision == "approve":
            return redirect(url_for("spaces.show", slug=join.space.slug))
        return redirect(url_for("spaces.invitations"))
    return redirect(url_for("spaces.members", slug=join.space.slug))


@bp.get("/invitations/spaces")
@login_required
def invitations():
    return render_template("spaces/invitations.html", invitations=membership.my_invitations(current_user))


@bp.get("/spaces/<slug>/audit")
@login_required
def audit(slug: str):
    space = space_by_slug(slug)
    return render_template("spaces/audit.html", space=space, events=membership.audit_log(current_user, space),
                           words=membership.AUDIT_WORDS)


@bp.get("/spaces/<slug>/staffing")
@login_required
def staffing(slug: str):
    """Who facilitates the space, and its archiving: for site admins (who may not read the space,
    so the page names no member and no content) and the space's facilitators."""
    space = space_by_slug(slug)
    policy.require(current_user, "space.staff", space)
    people = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)).all()
    facilitators = [p for p, role in queries.member_list(space) if role == "facilitator"]
    return render_template("spaces/staffing.html", space=space, facilitators=facilitators, people=people,
                           named=policy.can(current_user, "space.discover", space))


@bp.post("/spaces/<slug>/archive")
@login_required
def archive(slug: str):
    space = space_by_slug(slug)
    archived = request.form.get("archived") == "1"
    policy.require(current_user, "space.administer", space)
    if archived and request.form.get("confirm") != "1":
        flash(_("Tick the box to confirm the archiving."), "warning")
    else:
        membership.set_archived(current_user, space, archived)
        flash(_("The space is archived: it stays readable to its members, and nothing new can be added.")
              if archived else _("The space is active again."), "success")
    return redirect(url_for("spaces.staffing", slug=space.slug))


@bp.post("/spaces/<slug>/facilitators")
@login_required
def appoint(slug: str):
    space = space_by_slug(slug)
    try:
        membership.appoint_facilitator(current_user, space, _person())
    except ValidationError as err:
        flash(err.message, "warning")
    else:
        flash(_("Appointed. They now facilitate the space and show in its member list."), "success")
    return redirect(url_for("spaces.staffing", slug=space.slug))


@bp.post("/spaces/<slug>/facilitators/<int:user_id>/step-down")
@login_required
def step_down(slug: str, user_id: int):
    space = space_by_slug(slug)
    try:
        membership.step_down(current_user, space, db.session.get(User, user_id))
    except ValidationError as err:
        flash(err.message, "warning")
    else:
        flash(_("They are now a member of the space, no longer one of its facilitators."), "success")
    return redirect(url_for("spaces.staffing", slug=space.slug))
