"""Forum pages: Latest, a space's forum and categories, threads, and writing in them."""
from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from hub import policy
from hub.auth import sessions
from hub.extensions import db
from hub.forums import categories as category_service
from hub.forums import attachments, drafts, queries, reading, services, thread_pages
from hub.forums.blueprint import bp, get_post, get_thread
from hub.forums.post_ui import post_values
from hub.forums.models import THREAD_KINDS, Category, Post, PostAttachment, Thread
from hub.spaces.models import Space
from hub.spaces.queries import space_by_slug
from hub.validation import ValidationError, local_path

def _filters() -> dict:
    return {"tag": request.args.get("tag", "").strip().lower()[:40], "status": request.args.get("status", ""),
            "page": request.args.get("page", 1, type=int)}


@bp.get("/latest")
@login_required
def latest():
    space = category = None
    if request.args.get("space"):
        space = space_by_slug(request.args["space"])
        policy.require(current_user, "space.view", space)
    if space is not None and request.args.get("category", "").isdigit():
        category = db.session.get(Category, int(request.args["category"]))
        if category is None or category.space_id != space.id:
            abort(404)
    space_ids = [space.id] if space else None
    listing = queries.threads(current_user, space_ids, category=category, **_filters())
    spaces = db.session.scalars(policy.scope(select(Space), current_user).order_by(Space.name)).all()
    return render_template("forums/latest.html", listing=listing, spaces=spaces, space=space, category=category,
                           categories=category_service.categories_of(space) if space else [], filters=_filters(),
                           counts=reading.counts(current_user), tags=queries.tags_in(current_user, space_ids))


@bp.post("/latest/read")
@login_required
def mark_read():
    ids = [int(v) for v in request.form.getlist("thread_ids") if v.isdigit()]
    reading.mark_space_read(current_user, ids)
    return redirect(request.form.get("next") if local_path(request.form.get("next")) else url_for("forums.latest"))


@bp.get("/spaces/<slug>/forum")
@login_required
def space_forum(slug: str):
    space = space_by_slug(slug)
    policy.require(current_user, "space.view", space)
    return _forum(space, None)


@bp.get("/spaces/<slug>/c/<category_slug>")
@login_required
def category(slug: str, category_slug: str):
    space = space_by_slug(slug)
    policy.require(current_user, "space.view", space)
    found = db.session.scalar(select(Category).where(Category.space_id == space.id, Category.slug == category_slug))
    if found is None:
        abort(404)
    return _forum(space, found)


def _forum(space, current_category):
    listing = queries.threads(current_user, [space.id], category=current_category, include_muted=True, **_filters())
    return render_template("forums/space.html", space=space, listing=listing, category=current_category,
                           categories=category_service.categories_of(space), filters=_filters(),
                           tags=queries.tags_in(current_user, [space.id]),
                           category_level=reading.category_level(current_user, current_category)
                           if current_category else None)


@bp.route("/spaces/<slug>/threads/new", methods=["GET", "POST"])
@login_required
def new_thread(slug: str):
    space = space_by_slug(slug)
    policy.require(current_user, "space.post", space)
    draft = drafts.get(current_user, f"thread:{space.id}")
    form = {"title": draft.title, "body": draft.body} if draft else {}
    form.setdefault("category_id", request.args.get("category_id", ""))
    errors = {}
    if request.method == "POST":
        form = request.form.to_dict()
        form["tags"] = request.form.get("tags", "")
        try:
            thread = services.create_thread(current_user, space, form, request.files.getlist("files"))
        except ValidationError as err:
            errors = err.fields
        else:
            return redirect(url_for("forums.thread", thread_id=thread.id))
    kinds = [k for k in THREAD_KINDS if k != "announcement" or policy.can(current_user, "space.announce", space)]
    offered, form["category_id"] = category_service.form_choice(current_user, space, form.get("category_id"))
    return render_template("forums/new_thread.html", space=space, form=form, errors=errors, kinds=kinds,
                           category_options=[(c.id, c.name) for c in offered]), (422 if errors else 200)


@bp.get("/threads/<int:thread_id>")
def thread(thread_id: int):
    # The most visited page: its first statement also fetches the person's row, so the sign-in
    # check (as @login_required makes it) finds them loaded. Then the policy, on the same rows.
    claimed, login_key = sessions.claimed_login()
    loaded = thread_pages.load(claimed, thread_id, login_key) if claimed is not None else None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    user = current_user._get_current_object()  # the person, not the proxy: read dozens of times
    if loaded is None or user.id != claimed:  # (signed in from a remember-me cookie, say)
        loaded = thread_pages.load(user.id, thread_id)
    found, rows, membership, readable, _person = loaded
    facts = policy.require_thread(user, found, membership, readable)
    page = request.args.get("page", 1, type=int)
    return thread_pages.serve(user, found, facts, rows, page,
                             lambda: _thread_html(thread_pages.as_model(user, found), page))


def _render_thread(found: Thread, page: int, form=None, errors=None):
    """The page again with a refused reply in its composer (never kept: it holds what was typed)."""
    html, read_to = _thread_html(found, page, form, errors)
    if read_to is not None:
        reading.mark_read_to(current_user, found, read_to)
    return html, (422 if errors else 200)


def _thread_html(found: Thread, page: int, form=None, errors=None) -> tuple[str, int | None]:
    """The rendered page, and how far it marks the thread read (done by the caller, after rendering:
    committing earlier would expire what the template shows)."""
    view = queries.thread_page(current_user, found, page)
    draft = drafts.get(current_user, f"reply:{found.id}") if form is None else None
    form = form if form is not None else ({"body": draft.body} if draft else {})
    perms = policy.permissions(current_user, found, view.posts)
    movable = _move_targets(found) if perms["thread"]["thread.moderate"] else []
    html = render_template("forums/thread.html", view=view, thread=found, space=found.space, form=form, perms=perms,
                           errors=errors or {}, level=reading.level_for(current_user, found), move_targets=movable,
                           T=post_values(found, perms, view.last_read), per_page=queries.POSTS_PER_PAGE)
    # On the last page everything this person may see is seen, withdrawn posts included.
    if not view.posts:
        return html, None
    return html, (found.last_post_number if view.page == view.pages else view.posts[-1].number)


def _move_targets(found: Thread) -> list[tuple]:
    """Where this moderator may move the thread (policy "thread.move_into"), as (space, its
    categories, whether going there is one-way): the thread's own space first, then by name."""
    asker = policy.Asker(current_user)
    rows = db.session.scalars(policy.scope(select(Category), current_user).options(joinedload(Category.space))
                              .order_by(Category.space_id, Category.position, Category.id))
    by_space: dict[int, list[Category]] = {}
    for category in rows:
        if category.id != found.category_id and asker.can("thread.move_into", policy.Destination(found, category)):
            by_space.setdefault(category.space_id, []).append(category)
    groups = [(cats[0].space, cats, policy.one_way(policy.Destination(found, cats[0]))) for cats in by_space.values()]
    return sorted(groups, key=lambda g: (g[0].id != found.space_id, g[2], g[0].name.lower()))


@bp.get("/threads/<int:thread_id>/unread")
@login_required
def first_unread(thread_id: int):
    found = get_thread(thread_id)
    view = queries.thread_page(current_user, found, 1)
    if view.first_unread is None:
        return redirect(url_for("forums.thread", thread_id=found.id, page=view.pages) + "#thread-end")
    return redirect(url_for("forums.permalink", post_id=view.first_unread))


@bp.post("/threads/<int:thread_id>/reply")
@login_required
def reply(thread_id: int):
    found = get_thread(thread_id)
    form = {"body": request.form.get("body", "")}
    try:
        post = services.reply(current_user, found, form, request.files.getlist("files"))
    except ValidationError as err:
        page = queries.thread_page(current_user, found, 10**6).page  # the last page, where the composer is
        return _render_thread(found, page, form, err.fields)
    return redirect(url_for("forums.permalink", post_id=post.id))


@bp.get("/posts/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id: int):
    found = db.session.get(PostAttachment, attachment_id)
    policy.require(current_user, "post_attachment.view", found)
    return attachments.response(found)


@bp.get("/posts/<int:post_id>")
@login_required
def permalink(post_id: int):
    post = get_post(post_id)
    page = queries.page_of(current_user, post)
    return redirect(url_for("forums.thread", thread_id=post.thread_id, page=page) + f"#post-{post.number}")

