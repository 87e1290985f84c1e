"""After a forum write is committed: who hears about it. Notifications go only to people the
policy lets see the post now (checked again in hub.notify at every later use), never to those
who muted the thread, and never twice for one post."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from hub import policy, realtime
from hub.forums import reading
from hub.forums.models import Flag, Post, Thread
from hub.content import excerpt
from hub.notify import services as notify
from hub.notify import subjects


# What forum notes are about, and which are addressed to the person (for "email me while away").
subjects.register(subjects.Subject("thread", Thread, space_of=lambda t: t.space,
                                   load_options=lambda: [selectinload(Thread.space)]))
subjects.register(subjects.Subject(
    "post", Post, space_of=lambda p: p.thread.space,
    load_options=lambda: [selectinload(Post.thread).selectinload(Thread.space)],
    excerpt=lambda p: None if (p.hidden_at or p.deleted_at) else excerpt(p.body_html, 280)))
subjects.register(subjects.Subject("flag", Flag, space_of=lambda f: f.post.thread.space))  # for its reviewers
for _kind in ("mention", "team_mention", "quote", "answer_accepted"):
    subjects.register_direct(_kind)
subjects.register_direct("reply", lambda person, post: post.thread.author_id == person.id)  # on their own thread


def _text(message: str, **values):
    """Worded per recipient, in their language (notify calls this inside their locale)."""
    return lambda: _(message, **values)


def after_post(actor, thread: Thread, post: Post, prepared, new_thread: bool) -> None:
    space, link = thread.space, url_for("forums.permalink", post_id=post.id)
    readers = policy.audience(post)
    levels = reading.levels_for(readers, thread)
    muted = {u for u, level in levels.items() if level == "muted"}
    done = {actor.id} | muted

    def send(ids, kind, text):
        targets = (set(ids) & readers) - done
        done.update(notify.notify(targets, kind, text, link, space, requires="post.view", subject=post))

    send({p.id for p in prepared.people}, "mention",
         _text("%(name)s mentioned you in “%(title)s”", name=actor.name, title=thread.title))
    send({p.id for p in prepared.team_people}, "team_mention",
         _text("%(name)s mentioned your team in “%(title)s”", name=actor.name, title=thread.title))
    send({q.author_id for q in prepared.quoted}, "quote",
         _text("%(name)s quoted you in “%(title)s”", name=actor.name, title=thread.title))
    if new_thread and thread.kind == "announcement":
        send(readers, "announcement", _text("Announcement: “%(title)s”", title=thread.title))
    elif new_thread:
        send({u for u, level in levels.items() if level == "watching"}, "new_thread",
             _text("%(name)s started “%(title)s”", name=actor.name, title=thread.title))
    else:
        send({u for u, level in levels.items() if level == "watching"}, "reply",
             _text("%(name)s replied in “%(title)s”", name=actor.name, title=thread.title))
    # An open page of the thread inserts the post (forums.js asks for it as its reader sees it).
    realtime.emit_to_users(readers - {actor.id}, "forum_activity",
                           {"thread_id": thread.id, "space_id": space.id, "number": post.number, "post_id": post.id})


def after_edit(actor, thread: Thread, post: Post, prepared, handles_before: set[str]) -> None:
    """Only people newly mentioned by an edit hear about it."""
    fresh = [p for p in prepared.people if p.username.lower() not in handles_before]
    readers = policy.audience(post)
    muted = {u for u, level in reading.levels_for(readers, thread).items() if level == "muted"}
    targets = ({p.id for p in fresh} & readers) - muted - {actor.id}
    notify.notify(targets, "mention", _text("%(name)s mentioned you in “%(title)s”", name=actor.name,
                                            title=thread.title),
                  url_for("forums.permalink", post_id=post.id), thread.space, requires="post.view", subject=post)


def answer_accepted(actor, thread: Thread, post: Post) -> None:
    notify.notify([post.author_id], "answer_accepted",
                  _text("Your reply was accepted as the answer to “%(title)s”", title=thread.title),
                  url_for("forums.permalink", post_id=post.id), thread.space, requires="post.view", subject=post)


def reacted(actor, post: Post, emoji: str) -> None:
    """A reaction added to someone's post tells its author (unless they turned reactions off, which
    hub.notify asks), once while a note about the post's reactions waits unread for them."""
    if post.author_id == actor.id or notify.has_unread(post.author_id, "reaction", post):
        return
    thread = post.thread
    notify.notify([post.author_id], "reaction",
                  _text("%(name)s reacted %(emoji)s to your post in “%(title)s”", name=actor.name, emoji=emoji,
                        title=thread.title),
                  url_for("forums.permalink", post_id=post.id), thread.space, requires="post.view", subject=post)


def after_withdraw(thread: Thread, lost: set[int]) -> None:
    """A thread (or a post in it) hidden, deleted or moved: the open pages of the people who
    can no longer read it (`lost`, worked out by the caller around the change) let go of it.
    Notifications need nothing here: they are re-checked against their subject at every use."""
    realtime.emit_to_users(lost, "forum_changed", {"thread_id": thread.id})


def flagged(actor, flag: Flag, reason) -> None:
    """Everyone who reviews the flag (policy.audience: the space's moderators who read the post) hears
    of it, with the reason in words. Email of a team or affinity space's note carries none of its
    words (hub.notify.email asks where the flag's post is)."""
    thread = flag.post.thread
    notify.notify(policy.audience(flag) - {actor.id}, "flag",
                  _text("%(name)s flagged a post in “%(title)s”: %(reason)s", name=actor.name, title=thread.title,
                        reason=reason),
                  url_for("forums.flags", slug=thread.space.slug) + f"#flag-{flag.id}", thread.space,
                  requires="flag.review", subject=flag)
