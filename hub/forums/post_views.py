"""Pages and actions on one post: edit, history, delete, reactions, flags, accepted answers."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hub import policy
from hub.forums import moderation, queries, reactions, reading, services
from hub.forums.models import FLAG_REASONS, REACTIONS
from hub.forums.blueprint import bp, get_post, get_thread
from hub.forums.post_ui import post_values
from hub.validation import ValidationError


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    post = get_post(post_id)
    policy.require(current_user, "post.edit", post)
    thread = post.thread
    form = {"body": post.body, "title": thread.title, "tags": ", ".join(thread.tag_names)}
    errors = {}
    if request.method == "POST":
        form = request.form.to_dict()
        data = {"body": form.get("body", "")}
        if post.number == 1:
            data.update(title=form.get("title", ""), tags=form.get("tags", ""))
        try:
            services.edit_post(current_user, post, data, request.files.getlist("files"),
                               request.form.getlist("remove_attachment_ids"))
        except ValidationError as err:
            errors = err.fields
        else:
            return redirect(url_for("forums.permalink", post_id=post.id))
    return render_template("forums/edit_post.html", post=post, thread=thread, space=thread.space, form=form,
                           errors=errors), (422 if errors else 200)


@bp.get("/posts/<int:post_id>/history")
@login_required
def history(post_id: int):
    post = get_post(post_id)
    return render_template("forums/history.html", post=post, thread=post.thread, space=post.thread.space,
                           versions=queries.revisions(current_user, post), source=request.args.get("view") == "source")


@bp.post("/posts/<int:post_id>/delete")
@login_required
def delete_post(post_id: int):
    post = get_post(post_id)
    services.delete_post(current_user, post)
    flash(_("The post is deleted."), "success")
    if post.number == 1 and not policy.can(current_user, "thread.view", post.thread):
        return redirect(url_for("forums.space_forum", slug=post.thread.space.slug))
    return redirect(url_for("forums.thread", thread_id=post.thread_id))


@bp.post("/posts/<int:post_id>/restore")
@login_required
def restore_post(post_id: int):
    post = get_post(post_id)
    services.restore_post(current_user, post)
    return redirect(url_for("forums.permalink", post_id=post.id))


@bp.post("/posts/<int:post_id>/react")
@login_required
def react(post_id: int):
    post = get_post(post_id)
    reactions.toggle(current_user, post, request.form.get("kind", ""))
    return redirect(url_for("forums.permalink", post_id=post.id))


@bp.get("/posts/<int:post_id>/item")
@login_required
def post_item(post_id: int):
    """One post as its thread page shows it to this reader: a reply arriving live (forums.js)."""
    post = get_post(post_id)
    thread = post.thread
    perms = policy.permissions(current_user, thread, [post])
    return render_template("forums/post_item.html", post=post, can_=perms[post.id],
                           rx=reactions.summary(current_user, thread, [post]).get(post.id, {}),
                           T=post_values(thread, perms, reading.last_read(current_user, thread)))


@bp.get("/posts/<int:post_id>/reactions")
@login_required
def who_reacted(post_id: int):
    post = get_post(post_id)
    return render_template("forums/reactions.html", post=post, thread=post.thread, space=post.thread.space,
                           found=reactions.who_reacted(current_user, post), offered=REACTIONS)


@bp.route("/posts/<int:post_id>/flag", methods=["GET", "POST"])
@login_required
def flag(post_id: int):
    post = get_post(post_id)
    policy.require(current_user, "post.flag", post)
    form, errors = {}, {}
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            moderation.flag_post(current_user, post, form.get("reason", ""), form.get("message", ""))
        except ValidationError as err:
            errors = err.fields
        else:
            flash(_("Thank you. A facilitator of this space will review the post."), "success")
            return redirect(url_for("forums.permalink", post_id=post.id))
    return render_template("forums/flag.html", post=post, thread=post.thread, space=post.thread.space, form=form,
                           errors=errors, reasons=FLAG_REASONS), (422 if errors else 200)


@bp.post("/threads/<int:thread_id>/accept")
@login_required
def accept(thread_id: int):
    thread = get_thread(thread_id)
    value = request.form.get("post_id", "")
    post = get_post(int(value)) if value.isdigit() else None
    services.accept_answer(current_user, thread, post)
    return redirect(url_for("forums.thread", thread_id=thread.id))
