"""Forum tools in the API: moderation, flags, the log, categories, watching, reading state,
drafts, preview and mention autocomplete (twins of the facilitator pages and the composer)."""
from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from hub import content, policy
from hub.api.blueprint import bp
from hub.api.common import api_login_required, iso, json_body
from hub.api.forum_views import _get, thread_json
from hub.extensions import db
from hub.forums import categories as category_service
from hub.forums import drafts, mentions, moderation, queries, reading
from hub.forums.models import Category, Flag, Post, Thread
from hub.spaces.models import Space
from hub.validation import ValidationError, normalise_text


def category_json(category: Category, viewer) -> dict:
    return {"id": category.id, "space_id": category.space_id, "name": category.name, "slug": category.slug,
            "description": category.description, "position": category.position,
            "who_may_start": category.who_may_start, "who_may_reply": category.who_may_reply,
            "can_start_threads": policy.can(viewer, "category.start_thread", category),
            "watch_level": reading.category_level(viewer, category)}


@bp.get("/spaces/<int:space_id>/categories")
@api_login_required
def categories(space_id: int):
    space = _get(Space, space_id, "space.view")
    return jsonify({"items": [category_json(c, current_user) for c in category_service.categories_of(space)],
                    "next": None})


@bp.post("/spaces/<int:space_id>/categories")
@api_login_required
def create_category(space_id: int):
    created = category_service.create_category(current_user, db.session.get(Space, space_id), json_body())
    return jsonify(category_json(created, current_user)), 201


@bp.patch("/categories/<int:category_id>")
@api_login_required
def update_category(category_id: int):
    category = _get(Category, category_id, "category.view")
    return jsonify(category_json(category_service.update_category(current_user, category, json_body()), current_user))


@bp.delete("/categories/<int:category_id>")
@api_login_required
def delete_category(category_id: int):
    category_service.delete_category(current_user, _get(Category, category_id, "category.view"))
    return "", 204


@bp.put("/categories/<int:category_id>/watch")
@api_login_required
def watch_category(category_id: int):
    category = _get(Category, category_id, "category.view")
    return jsonify({"level": reading.set_level(current_user, str(json_body().get("level", "")), category=category)})


@bp.put("/threads/<int:thread_id>/watch")
@api_login_required
def watch_thread(thread_id: int):
    thread = _get(Thread, thread_id, "thread.view")
    return jsonify({"level": reading.set_level(current_user, str(json_body().get("level", "")), thread=thread)})


@bp.post("/threads/<int:thread_id>/read")
@api_login_required
def mark_thread_read(thread_id: int):
    """Mark read up to a post number (default: the end)."""
    thread = _get(Thread, thread_id, "thread.view")
    number = json_body().get("number", thread.last_post_number) if _has_body() else thread.last_post_number
    if not isinstance(number, int) or number < 0:
        raise ValidationError({"number": "Give the number of the last post read."})
    reading.mark_read_to(current_user, thread, min(number, thread.last_post_number))
    return jsonify({"last_read": reading.last_read(current_user, thread)})


def _has_body() -> bool:
    from flask import request
    return bool(request.get_data())


@bp.get("/me/reading")
@api_login_required
def reading_counts():
    return jsonify(reading.counts(current_user))


MODERATION = {
    "pinned": lambda t, v: moderation.set_pinned(current_user, t, bool(v)),
    "pinned_globally": lambda t, v: moderation.set_pinned(current_user, t, bool(v), globally=bool(v)),
    "locked": lambda t, v: moderation.set_locked(current_user, t, bool(v)),
    "hidden": lambda t, v: moderation.set_thread_hidden(current_user, t, bool(v)),
    "slow_mode_seconds": lambda t, v: moderation.set_slow_mode(current_user, t, v),
    "category_id": lambda t, v: moderation.move_thread(current_user, t, _category_for_move(v)),
}


def _category_for_move(value):
    if not isinstance(value, int):
        raise ValidationError({"category_id": "Give the id of the category to move the thread into."})
    return db.session.get(Category, value)


@bp.patch("/threads/<int:thread_id>")
@api_login_required
def moderate_thread(thread_id: int):
    """Moderation: pinned, pinned_globally, locked, hidden, slow_mode_seconds, category_id (move; a
    one-way move, into an affinity space, also needs "confirm_one_way": true, as the form asks)."""
    thread = _get(Thread, thread_id, "thread.view")
    data = json_body()
    confirmed = data.pop("confirm_one_way", False) is True
    unknown = set(data) - set(MODERATION)
    if unknown or not data:
        raise ValidationError({"body": "Send one or more of: " + ", ".join(sorted(MODERATION))})
    if "category_id" in data and not confirmed and moderation.needs_confirmation(
            current_user, thread, _category_for_move(data["category_id"])):
        raise ValidationError({"confirm_one_way": _("A thread moved into an affinity space can never be moved out "
                                                    "again: send confirm_one_way: true to move it.")})
    for key, value in data.items():
        MODERATION[key](thread, value)
    return jsonify(thread_json(thread))


@bp.post("/posts/<int:post_id>/hide")
@api_login_required
def hide_post(post_id: int):
    moderation.set_post_hidden(current_user, _get(Post, post_id, "post.view"), True, str(json_body().get("reason", "")))
    return jsonify({"ok": True})


@bp.post("/posts/<int:post_id>/unhide")
@api_login_required
def unhide_post(post_id: int):
    moderation.set_post_hidden(current_user, _get(Post, post_id, "post.view"), False)
    return jsonify({"ok": True})


@bp.post("/posts/<int:post_id>/flags")
@api_login_required
def flag_post(post_id: int):
    data = json_body()
    flag = moderation.flag_post(current_user, _get(Post, post_id, "post.view"), str(data.get("reason", "")),
                                str(data.get("message", "")))
    return jsonify({"id": flag.id, "status": flag.status}), 201


def flag_json(flag: Flag) -> dict:
    thread = flag.post.thread
    return {"id": flag.id, "post_id": flag.post_id, "reporter_id": flag.reporter_id,
            "reporter": {"id": flag.reporter.id, "name": flag.reporter.name}, "reason": flag.reason,
            "reason_label": str(moderation.REASON_WORDS[flag.reason]), "message": flag.message,
            "space": {"id": thread.space.id, "name": thread.space.name},
            "thread": {"id": thread.id, "title": thread.title}, "created_at": iso(flag.created_at)}


@bp.get("/spaces/<int:space_id>/flags")
@api_login_required
def open_flags(space_id: int):
    found = moderation.open_flags(current_user, db.session.get(Space, space_id))
    return jsonify({"items": [flag_json(f) for f in found], "next": None})


@bp.get("/flags")
@api_login_required
def flag_queue():
    return jsonify({"items": [flag_json(f) for f in moderation.review_queue(current_user)], "next": None})


@bp.post("/flags/<int:flag_id>/resolve")
@api_login_required
def resolve_flag(flag_id: int):
    flag = _get(Flag, flag_id, "flag.review")
    moderation.resolve_flag(current_user, flag, str(json_body().get("action", "")))
    return jsonify({"id": flag.id, "status": flag.status})


@bp.get("/spaces/<int:space_id>/moderation-log")
@api_login_required
def moderation_log(space_id: int):
    entries = moderation.log_of(current_user, db.session.get(Space, space_id))
    return jsonify({"items": [{"id": e.id, "action": e.action, "action_label": str(moderation.ACTION_WORDS.get(
                                   e.action, e.action)), "actor_id": e.actor_id, "thread_id": e.thread_id,
                               "post_id": e.post_id, "detail": e.detail, "created_at": iso(e.created_at)}
                              for e in entries], "next": None})


@bp.get("/spaces/<int:space_id>/mentionable")
@api_login_required
def mentionable(space_id: int):
    from flask import request
    space = db.session.get(Space, space_id)
    prefix = request.args.get("q", "")
    people = queries.people_who_can_see(current_user, space, prefix)
    teams = queries.teams_who_can_see(current_user, space, prefix)
    return jsonify({"items": [{"id": p.id, "name": p.name, "handle": p.username, "kind": "person"} for p in people]
                    + [{"id": t.id, "name": t.name, "handle": slug, "kind": "team"} for t, slug in teams],
                    "next": None})


@bp.post("/preview")
@api_login_required
def preview():
    """The composer's live preview: the same pipeline as posting, mentions checked the same way."""
    data = json_body()
    body = normalise_text(data.get("body", ""))[:content.MAX_SOURCE_CHARS]
    if data.get("space_id") is None:
        return jsonify({"body_html": str(content.render(body))})
    space_id = data["space_id"]
    space = db.session.get(Space, space_id) if isinstance(space_id, int) else None
    policy.require(current_user, "space.view", space)  # missing and hidden answer alike
    prepared = mentions.prepare(current_user, space, body, lambda p: policy.can(p, "space.view", space))
    return jsonify({"body_html": str(prepared.html)})


def draft_json(draft) -> dict:
    return {"key": draft.key, "title": draft.title, "body": draft.body, "updated_at": iso(draft.updated_at)}


@bp.get("/drafts/<key>")
@api_login_required
def get_draft(key: str):
    draft = drafts.get_for_writing(current_user, key)
    return jsonify(draft_json(draft) if draft else {"key": key, "title": "", "body": "", "updated_at": None})


@bp.put("/drafts/<key>")
@api_login_required
def save_draft(key: str):
    data = json_body()
    return jsonify(draft_json(drafts.save(current_user, key, str(data.get("title", "")), str(data.get("body", "")))))


@bp.delete("/drafts/<key>")
@api_login_required
def discard_draft(key: str):
    drafts.discard(current_user, key)
    return "", 204
