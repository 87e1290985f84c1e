"""The people directory, profile pages, profile pictures and editing one's own profile."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from hub import policy
from hub.auth import services as accounts
from hub.extensions import db
from hub.people import avatars, queries, services
from hub.people.models import SITE_ROLES, Organization, Team, User
from hub.validation import ValidationError

bp = Blueprint("people", __name__)
bp.add_app_template_filter(avatars.initials, "initials")
bp.add_app_template_filter(avatars.colour, "avatar_colour")


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.get("/people")
@login_required
def directory():
    policy.require(current_user, "directory.view")
    filters = {"q": request.args.get("q", ""), "organization_id": _int_arg("organization"), "team_id": _int_arg("team")}
    page = _int_arg("page") or 1
    people, total = queries.directory_page(current_user, page=page, **filters)
    return render_template(
        "people/directory.html", people=people, total=total, page=page, page_size=queries.PAGE_SIZE,
        filters=filters, organizations=db.session.scalars(select(Organization).order_by(Organization.name)).all(),
        teams=db.session.scalars(select(Team).order_by(Team.name)).all())


@bp.get("/people/<int:person_id>")
@login_required
def profile(person_id: int):
    person = db.session.get(User, person_id)
    policy.require(current_user, "person.view", person)
    return render_template("people/profile.html", person=person, site_roles=SITE_ROLES)


@bp.route("/settings/profile", methods=["GET", "POST"])
@login_required
def edit_profile():
    errors, form = {}, {}
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            services.update_profile(current_user, current_user, form)
        except ValidationError as err:
            errors = err.fields
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("people.profile", person_id=current_user.id))
    return _edit_page(form, errors)


def _edit_page(form: dict, errors: dict):
    return render_template(
        "people/edit_profile.html", form=form, errors=errors, time_zones=services.time_zones(),
        organizations=db.session.scalars(select(Organization).order_by(Organization.name)).all(),
    ), (422 if errors else 200)


@bp.get("/people/<int:person_id>/avatar")
@login_required
def avatar(person_id: int):
    person = db.session.get(User, person_id)
    policy.require(current_user, "person.view", person)
    return avatars.response(person)


@bp.post("/settings/profile/picture")
@login_required
def upload_picture():
    try:
        avatars.set_picture(current_user, current_user, request.files.get("picture"))
    except ValidationError as err:
        return _edit_page({}, err.fields)
    flash(_("Your profile picture is saved."), "success")
    return redirect(url_for("people.edit_profile"))


@bp.post("/settings/profile/picture/remove")
@login_required
def remove_picture():
    avatars.remove_picture(current_user, current_user)
    flash(_("Your profile picture is removed: your initials show instead."), "success")
    return redirect(url_for("people.edit_profile"))


@bp.post("/people/<int:person_id>/active")
@login_required
def set_active(person_id: int):
    active = request.form.get("active") == "1"
    person = db.session.get(User, person_id)
    revoked = accounts.set_active(current_user, person, active)
    if active:
        flash(_("%(name)s is reactivated. They sign in again, and make new API tokens if they need them.",
                name=person.name), "success")
    else:
        flash(ngettext("%(name)s is deactivated and signed out everywhere, and their API token is revoked.",
                       "%(name)s is deactivated and signed out everywhere, and their %(num)d API tokens are revoked.",
                       revoked, name=person.name) if revoked
              else _("%(name)s is deactivated and signed out everywhere.", name=person.name), "success")
    return redirect(url_for("people.profile", person_id=person.id))


@bp.post("/people/<int:person_id>/role")
@login_required
def set_role(person_id: int):
    person = accounts.set_site_role(current_user, db.session.get(User, person_id), request.form.get("site_role", ""))
    flash(_("%(name)s's site role is saved.", name=person.name), "success")
    return redirect(url_for("people.profile", person_id=person.id))
