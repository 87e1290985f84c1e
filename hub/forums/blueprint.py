"""The forums front door: its blueprint and the loaders its view modules share (load, then ask
the policy: a hidden thread or post answers as missing)."""
from __future__ import annotations

from flask import Blueprint
from flask_login import current_user
from sqlalchemy.orm import joinedload

from hub import policy
from hub.extensions import db
from hub.forums.models import Post, Thread

bp = Blueprint("forums", __name__)


def get_thread(thread_id: int) -> Thread:
    thread = db.session.get(Thread, thread_id, options=[joinedload(Thread.space)])  # the policy reads it
    policy.require(current_user, "thread.view", thread)
    return thread


def get_post(post_id: int, action: str = "post.view") -> Post:
    post = db.session.get(Post, post_id)
    policy.require(current_user, action, post)
    return post
