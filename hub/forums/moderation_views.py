"""Facilitator pages: thread and post moderation, the flag queue, the log, categories, and
everyone's watching levels."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hub import policy
from hub.extensions import db
from hub.forums import categories as category_service
from hub.forums import moderation, reading
from hub.forums.models import Category, Flag
from hub.forums.blueprint import bp, get_post, get_thread
from hub.validation import local_path
from hub.spaces.queries import space_by_slug
from hub.validation import ValidationError

THREAD_ACTIONS = {
    "pin": lambda actor, t: moderation.set_pinned(actor, t, True),
    "pin_globally": lambda actor, t: moderation.set_pinned(actor, t, True, globally=True),
    "unpin": lambda actor, t: moderation.set_pinned(actor, t, False),
    "lock": lambda actor, t: moderation.set_locked(actor, t, True),
    "unlock": lambda actor, t: moderation.set_locked(actor, t, False),
    "hide": lambda actor, t: moderation.set_thread_hidden(actor, t, True, request.form.get("reason", "")),
    "unhide": lambda actor, t: moderation.set_thread_hidden(actor, t, False),
    "slow_mode": lambda actor, t: moderation.set_slow_mode(actor, t, request.form.get("seconds", "")),
}


@bp.post("/threads/<int:thread_id>/moderate")
@login_required
def moderate_thread(thread_id: int):
    thread = get_thread(thread_id)
    action = THREAD_ACTIONS.get(request.form.get("action", ""))
    if action is None:
        raise ValidationError({"action": _("Choose a moderation action.")})
    action(current_user, thread)
    flash(_("Done."), "success")
    return redirect(url_for("forums.thread", thread_id=thread.id))


@bp.post("/threads/<int:thread_id>/move")
@login_required
def move_thread(thread_id: int):
    thread = get_thread(thread_id)
    value = request.form.get("category_id", "")
    if not value.isdigit():
        raise ValidationError({"category_id": _("Choose where to move this thread.")})
    category = db.session.get(Category, int(value))
    if moderation.needs_confirmation(current_user, thread, category) and request.form.get("confirm") != "1":
        return render_template("forums/move_confirm.html", thread=thread, space=thread.space, category=category)
    moderation.move_thread(current_user, thread, category)
    flash(_("The thread is moved."), "success")
    return redirect(url_for("forums.thread", thread_id=thread.id))


@bp.post("/posts/<int:post_id>/moderate")
@login_required
def moderate_post(post_id: int):
    post = get_post(post_id)
    hidden = request.form.get("action") == "hide"
    moderation.set_post_hidden(current_user, post, hidden, request.form.get("reason", ""))
    return redirect(url_for("forums.permalink", post_id=post.id))


@bp.post("/threads/<int:thread_id>/watch")
@login_required
def watch_thread(thread_id: int):
    thread = get_thread(thread_id)
    reading.set_level(current_user, request.form.get("level", ""), thread=thread)
    flash(_("Notification level saved."), "success")
    return redirect(url_for("forums.thread", thread_id=thread.id))


@bp.post("/categories/<int:category_id>/watch")
@login_required
def watch_category(category_id: int):
    category = db.session.get(Category, category_id)
    policy.require(current_user, "category.view", category)
    reading.set_level(current_user, request.form.get("level", ""), category=category)
    flash(_("Notification level saved."), "success")
    return redirect(url_for("forums.category", slug=category.space.slug, category_slug=category.slug))


@bp.app_context_processor
def flag_counts():
    # The Flags tab's number (spaces/_tabs.html), asked only where the tab is shown.
    return {"open_flag_count": lambda space: moderation.open_flag_count(current_user, space)}


@bp.get("/spaces/<slug>/flags")
@login_required
def flags(slug: str):
    space = space_by_slug(slug)
    policy.require(current_user, "space.manage", space)
    return render_template("forums/flags.html", space=space, flags=moderation.open_flags(current_user, space),
                           reasons=moderation.REASON_WORDS)


@bp.get("/flags")
@login_required
def flag_queue():
    return render_template("forums/flag_queue.html", flags=moderation.review_queue(current_user),
                           reasons=moderation.REASON_WORDS)


@bp.post("/flags/<int:flag_id>/resolve")
@login_required
def resolve_flag(flag_id: int):
    flag = db.session.get(Flag, flag_id)
    policy.require(current_user, "flag.review", flag)
    moderation.resolve_flag(current_user, flag, request.form.get("action", ""))
    flash(_("The flag is resolved."), "success")
    back = request.form.get("next")
    return redirect(back if local_path(back) else url_for("forums.flags", slug=flag.post.thread.space.slug))


@bp.get("/spaces/<slug>/moderation")
@login_required
def moderation_log(slug: str):
    space = space_by_slug(slug)
    policy.require(current_user, "space.manage", space)
    return render_template("forums/moderation_log.html", space=space,
                           entries=moderation.log_of(current_user, space), reasons=moderation.REASON_WORDS,
                           actions=moderation.ACTION_WORDS)


@bp.route("/spaces/<slug>/categories", methods=["GET", "POST"])
@login_required
def categories(slug: str):
    space = space_by_slug(slug)
    policy.require(current_user, "space.manage", space)
    form, errors = {}, {}
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            category_service.create_category(current_user, space, form)
        except ValidationError as err:
            errors = err.fields
        else:
            flash(_("Category added."), "success")
            return redirect(url_for("forums.categories", slug=space.slug))
    return render_template("forums/categories.html", space=space, form=form, errors=errors,
                           categories=category_service.categories_of(space)), (422 if errors else 200)


@bp.post("/categories/<int:category_id>/edit")
@login_required
def edit_category(category_id: int):
    category = db.session.get(Category, category_id)
    policy.require(current_user, "category.manage", category)
    try:
        if request.form.get("delete"):
            category_service.delete_category(current_user, category)
        else:
            category_service.update_category(current_user, category, request.form.to_dict())
            flash(_("Category saved."), "success")
    except ValidationError as err:
        flash(err.message, "error")
    return redirect(url_for("forums.categories", slug=category.space.slug))
