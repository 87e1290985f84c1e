"""Space pages: the list a person may discover and each space's about page."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from hub import policy
from hub.spaces import queries
from hub.spaces.blueprint import bp
from hub.spaces.queries import space_by_slug
from hub.spaces.models import Space


@bp.get("/spaces")
@login_required
def index():
    return render_template("spaces/index.html", spaces=queries.discoverable_spaces(current_user),
                           mine=policy.member_space_ids(current_user), readable=policy.visible_space_ids(current_user))


@bp.get("/spaces/<slug>")
@login_required
def show(slug: str):
    space = space_by_slug(slug)
    policy.require(current_user, "space.discover", space)
    if policy.can(current_user, "space.accept_agreement", space):
        return redirect(url_for("spaces.agreement", slug=space.slug))
    can_view = policy.can(current_user, "space.view", space)
    members = queries.member_list(space) if can_view else []
    return render_template("spaces/show.html", space=space, can_view=can_view, members=members,
                           owner=queries.owner_of(space) if can_view else None, errors={}, form={},
                           pending=policy.pending_join(current_user, space))

