"""Forums in the API: threads, posts, reactions and reading state (twins of the forum pages)."""
from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from hub import policy
from hub.api.blueprint import bp
from hub.api.common import api_login_required, body_and_files, iso, json_body
from hub.extensions import db
from hub.forums import attachments, queries, reactions, reading, services
from hub.forums.models import Post, PostAttachment, Thread
from hub.spaces.models import Space


def _get(model, ident: int, action: str):
    found = db.session.get(model, ident)
    policy.require(current_user, action, found)
    return found


def thread_json(thread: Thread, state: dict | None = None) -> dict:
    data = {"id": thread.id, "space_id": thread.space_id, "category_id": thread.category_id, "kind": thread.kind,
            "title": thread.title, "author": {"id": thread.author.id, "name": thread.author.name},
            "tags": thread.tag_names, "created_at": iso(thread.created_at),
            "last_posted_at": iso(thread.last_posted_at), "reply_count": thread.reply_count,
            "pinned": thread.pinned_at is not None, "pinned_globally": thread.pinned_globally,
            "locked": thread.locked_at is not None, "hidden": thread.hidden_at is not None,
            "deleted": thread.deleted_at is not None, "slow_mode_seconds": thread.slow_mode_seconds,
            "accepted_post_id": thread.accepted_post_id}
    if state is not None:
        data.update(unread=state["unread"], new=state["new"], last_read=state["last_read"])
    return data


def post_json(post: Post, reaction_summary: dict | None = None) -> dict:
    return {"id": post.id, "thread_id": post.thread_id, "number": post.number,
            "author": {"id": post.author.id, "name": post.author.name}, "body": post.body,
            "body_html": post.body_html, "created_at": iso(post.created_at), "edited_at": iso(post.edited_at),
            "revision_count": post.revision_count, "hidden": post.hidden_at is not None,
            "deleted": post.deleted_at is not None,
            "attachments": [attachments.as_json(a) for a in post.attachments],
            "reactions": {k: {"count": v["count"], "mine": v["mine"]} for k, v in (reaction_summary or {}).items()}}


def _listing_json(listing) -> dict:
    return {"items": [thread_json(t, listing.state[t.id]) for t in listing.threads],
            "next": str(listing.page + 1) if listing.has_more else None}


def _listing_args() -> dict:
    cursor = request.args.get("cursor", "1")
    return {"tag": request.args.get("tag", "").lower(), "status": request.args.get("status", ""),
            "page": int(cursor) if cursor.isdigit() else 1}


@bp.get("/latest")
@api_login_required
def latest():
    return jsonify(_listing_json(queries.threads(current_user, None, **_listing_args())))


@bp.get("/spaces/<int:space_id>/threads")
@api_login_required
def space_threads(space_id: int):
    space = _get(Space, space_id, "space.view")
    category = None
    if request.args.get("category_id", "").isdigit():
        from hub.forums.models import Category
        category = _get(Category, int(request.args["category_id"]), "category.view")
    return jsonify(_listing_json(queries.threads(current_user, [space.id], category=category, include_muted=True,
                                                 **_listing_args())))


@bp.post("/spaces/<int:space_id>/threads")
@api_login_required
def create_thread(space_id: int):
    space = db.session.get(Space, space_id)
    policy.require(current_user, "space.post", space)  # before reading what was sent
    data, files = body_and_files()
    thread = services.create_thread(current_user, space, data, files)
    return jsonify(thread_json(thread)), 201


@bp.get("/threads/<int:thread_id>")
@api_login_required
def thread_detail(thread_id: int):
    thread = _get(Thread, thread_id, "thread.view")
    cursor = request.args.get("cursor", "1")
    view = queries.thread_page(current_user, thread, int(cursor) if cursor.isdigit() else 1)
    data = thread_json(thread, reading.unread_and_new(current_user, [thread])[thread.id])
    data["posts"] = {"items": [post_json(p, view.reactions.get(p.id)) for p in view.posts],
                     "next": str(view.page + 1) if view.page < view.pages else None}
    data["watch_level"] = reading.level_for(current_user, thread)
    return jsonify(data)


@bp.post("/threads/<int:thread_id>/posts")
@api_login_required
def reply(thread_id: int):
    thread = _get(Thread, thread_id, "thread.view")
    data, files = body_and_files()
    return jsonify(post_json(services.reply(current_user, thread, data, files))), 201


@bp.get("/posts/<int:post_id>")
@api_login_required
def post_detail(post_id: int):
    post = _get(Post, post_id, "post.view")
    return jsonify(post_json(post, reactions.summary(current_user, post.thread, [post]).get(post.id)))


@bp.patch("/posts/<int:post_id>")
@api_login_required
def edit_post(post_id: int):
    post = _get(Post, post_id, "post.view")
    return jsonify(post_json(services.edit_post(current_user, post, json_body())))


@bp.delete("/posts/<int:post_id>")
@api_login_required
def delete_post(post_id: int):
    services.delete_post(current_user, _get(Post, post_id, "post.view"))
    return "", 204


@bp.post("/posts/<int:post_id>/restore")
@api_login_required
def restore_post(post_id: int):
    post = _get(Post, post_id, "post.view")
    services.restore_post(current_user, post)
    return jsonify(post_json(post))


@bp.post("/posts/<int:post_id>/attachments")
@api_login_required
def add_attachments(post_id: int):
    """Multipart: the files in "files"."""
    post = _get(Post, post_id, "post.view")
    rows = attachments.add(current_user, post, request.files.getlist("files"))
    return jsonify({"items": [attachments.as_json(a) for a in rows], "next": None}), 201


@bp.get("/post-attachments/<int:attachment_id>")
@api_login_required
def attachment_bytes(attachment_id: int):
    return attachments.response(_get(PostAttachment, attachment_id, "post_attachment.view"))


@bp.delete("/post-attachments/<int:attachment_id>")
@api_login_required
def remove_attachment(attachment_id: int):
    attachments.remove(current_user, db.session.get(PostAttachment, attachment_id))
    return "", 204


@bp.get("/posts/<int:post_id>/revisions")
@api_login_required
def post_revisions(post_id: int):
    post = _get(Post, post_id, "post.view")
    versions = queries.revisions(current_user, post)
    return jsonify({"items": [{"number": v["number"], "title": v["title"], "body": v["body"],
                               "editor": {"id": v["editor"].id, "name": v["editor"].name}, "created_at": iso(v["at"]),
                               "body_html": str(v["html"]),
                               "diff": [{"kind": k, "line": line} for k, line in v["diff"]],
                               "rendered_diff": [{"kind": k, "html": str(block)} for k, block in v["rendered_diff"]]}
                              for v in versions],
                    "next": None})


@bp.get("/posts/<int:post_id>/reactions")
@api_login_required
def post_reactions(post_id: int):
    found = reactions.who_reacted(current_user, _get(Post, post_id, "post.view"))
    return jsonify({"items": [{"kind": kind, "count": e["count"], "mine": e["mine"], "people": e["people"]}
                              for kind, e in found.items()], "next": None})


@bp.post("/posts/<int:post_id>/reactions")
@api_login_required
def toggle_reaction(post_id: int):
    """Toggle one reaction; the answer carries the post's reactions as they are now (the thread
    page updates its counts from it)."""
    post = _get(Post, post_id, "post.view")
    kind = str(json_body().get("kind", ""))
    on = reactions.toggle(current_user, post, kind)
    now = reactions.summary(current_user, post.thread, [post]).get(post.id, {})
    return jsonify({"kind": kind, "on": on, "reactions": {k: {"count": v["count"], "mine": v["mine"]}
                                                          for k, v in now.items()}})


@bp.post("/threads/<int:thread_id>/accept")
@api_login_required
def accept_answer(thread_id: int):
    thread = _get(Thread, thread_id, "thread.view")
    post_id = json_body().get("post_id")
    post = _get(Post, int(post_id), "post.view") if isinstance(post_id, int) else None
    return jsonify(thread_json(services.accept_answer(current_user, thread, post)))
