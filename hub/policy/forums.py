"""Forums: who may view, manage and start threads in a category; view, reply to, moderate, pin,
answer and move a thread (and where to); view, edit, delete, restore, react to and flag a post;
open a post's attachments; review a flag. Also `Asker`, which answers many questions for one
person with each space's facts looked up once.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import and_, false, or_, select
from werkzeug.exceptions import NotFound

from hub.extensions import db
from hub.forums.models import Category, Flag, Post, PostAttachment, PostRevision, Thread
from hub.policy.core import EXISTENCE_ACTION, KNOWN_CHECKS, NEEDS_OBJECT, RULES, can
from hub.policy.roles import is_staff, signed_in
from hub.policy.spaces import (ASK, AgreementPending, _can_manage_space, _can_view_space, _space_view_clause,
                               agreement_pending, explicit_membership, reads_where_left, require_known_in_spaces)
from hub.spaces.models import Space


# Forum rules are written over SpaceFacts: what the person may do in the space, asked once.
# A thread page asks about fifty posts with the facts of one space (see `permissions`).

@dataclass(frozen=True)
class SpaceFacts:
    user_id: int | None
    view: bool
    post: bool
    manage: bool
    staff: bool
    cutoff: Any  # joining time in a narrow-history affinity space, else None


def space_facts(user, space: Space, membership=ASK) -> SpaceFacts:
    """Everything the forum rules need of one person in one space. The membership is read once
    (or comes fetched with the caller's own statement: `membership_columns`)."""
    if membership is ASK:
        membership = explicit_membership(user, space)
    view = _can_view_space(user, space, membership)
    return SpaceFacts(user_id=user.id if signed_in(user) else None, view=view,
                      post=view and not space.is_archived, manage=_can_manage_space(user, space, membership),
                      staff=is_staff(user), cutoff=history_cutoff(user, space, membership) if view else None)


def history_cutoff(user, space: Space, membership=ASK):
    """In an affinity space whose newcomers see history "from joining", nothing posted before the
    person's (latest) joining is theirs to see, on any surface. None when there is no cut."""
    if space.kind != "affinity" or space.history_policy != "from_joining" or not signed_in(user):
        return None
    membership = explicit_membership(user, space, membership)
    return membership.joined_at if membership is not None else None


def _shown(facts: SpaceFacts, row, author_id: int) -> bool:
    """Deleted things stay visible to the space's moderators only; hidden ones also to their author."""
    if row.deleted_at is not None:
        return facts.manage
    if row.hidden_at is not None:
        return author_id == facts.user_id or facts.manage
    return True


def _thread_visible(facts: SpaceFacts, thread: Thread) -> bool:
    return (facts.view and (facts.cutoff is None or thread.created_at >= facts.cutoff)
            and _shown(facts, thread, thread.author_id))


def _post_visible(facts: SpaceFacts, post: Post) -> bool:
    return (_thread_visible(facts, post.thread) and (facts.cutoff is None or post.created_at >= facts.cutoff)
            and _shown(facts, post, post.author_id))


def _open_to(facts: SpaceFacts, who: str) -> bool:
    """A category's "who may" setting: everyone who may post in the space, or its facilitators
    (those who manage it). Any other value lets only the facilitators in."""
    return who == "everyone" or facts.manage


def _category_rules(facts: SpaceFacts, category: Category) -> dict[str, bool]:
    return {
        "category.view": facts.view,
        "category.manage": facts.manage,
        "category.start_thread": facts.post and _open_to(facts, category.who_may_start),
    }


def _thread_moderate(facts: SpaceFacts, thread: Thread) -> bool:
    return _thread_visible(facts, thread) and facts.manage


# One function per action, so that asking one (a notification asks "thread.view" of many threads)
# does not read what only another needs (the thread's category, for replies).
THREAD_RULES: dict[str, Callable[[SpaceFacts, Thread], bool]] = {
    "thread.view": _thread_visible,
    "thread.reply": lambda facts, thread: (
        _thread_visible(facts, thread) and facts.post and thread.deleted_at is None
        and (thread.locked_at is None or facts.manage) and _open_to(facts, thread.category.who_may_reply)),
    "thread.moderate": _thread_moderate,
    # A global pin puts a thread at the top of everyone's Latest: site staff only.
    "thread.pin_globally": lambda facts, thread: _thread_moderate(facts, thread) and facts.staff,
    "thread.accept_answer": lambda facts, thread: (
        _thread_visible(facts, thread) and thread.kind == "question"
        and (thread.author_id == facts.user_id or facts.manage)),
    # Into another space: an affinity group's thread stays in its space, as its resources do (its
    # authors, reactions and history would tell a wider audience who belongs to the group).
    "thread.move_out": lambda facts, thread: thread.space.kind != "affinity" and _thread_moderate(facts, thread),
}


def _thread_rules(facts: SpaceFacts, thread: Thread) -> dict[str, bool]:
    return {action: rule(facts, thread) for action, rule in THREAD_RULES.items()}


@dataclass(frozen=True)
class Destination:
    """Where a thread might be moved: the object of "thread.move_into"."""
    thread: Thread
    category: Category | None


def _move_into(thread_facts: SpaceFacts, target_facts: SpaceFacts, to: Destination) -> bool:
    """A moderator of the thread who manages the category's space may move it there, unless that
    space is archived, or the thread would leave an affinity space (thread.move_out)."""
    thread, category = to.thread, to.category
    if category is None or not (_thread_moderate(thread_facts, thread) and target_facts.manage):
        return False
    if category.space.is_archived:
        return False
    return category.space_id == thread.space_id or THREAD_RULES["thread.move_out"](thread_facts, thread)


def one_way(to: Destination) -> bool:
    """Whether the move could not be undone: into an affinity space from elsewhere (whatever enters
    one stays, by thread.move_out). The move form and the API ask for it to be confirmed."""
    return to.category is not None and to.category.space_id != to.thread.space_id and \
        to.category.space.kind == "affinity"


def _post_rules(facts: SpaceFacts, post: Post) -> dict[str, bool]:
    view = _post_visible(facts, post)
    live = view and post.deleted_at is None
    own = post.author_id == facts.user_id
    return {
        "post.view": view,
        "post.edit": live and facts.post and (facts.manage or (own and post.thread.locked_at is None)),
        "post.delete": live and (own or facts.manage),
        "post.restore": view and post.deleted_at is not None,
        "post.react": live and facts.post,
        "post.flag": live and not own,
    }


def permissions(user, thread: Thread, posts) -> dict:
    """Every forum answer a thread page needs, from one set of space facts:
    {"thread": {action: bool}, post_id: {action: bool}}."""
    facts = space_facts(user, thread.space)
    answers: dict = {"thread": _thread_rules(facts, thread)}
    for post in posts:
        answers[post.id] = _post_rules(facts, post)
    return answers


def require_thread(user, thread: Thread | None, membership=ASK, readable=ASK) -> SpaceFacts:
    """require(user, "thread.view", thread), returning the facts it was decided on, for a thread
    page that goes on to stamp itself with them (hub.forums.thread_pages) without asking again.
    `readable` is whether the person `reads_space` the thread's space, when the caller
    fetched that with its own statement; a thread in a space the person cannot read is then
    refused with no further question, as a missing one is."""
    if readable is ASK:
        _require_known_thread(user, thread)
    elif thread is None or not readable:
        if thread is not None and agreement_pending(user, thread.space, membership):  # (no query: the ties came)
            raise AgreementPending(thread.space.slug)
        raise NotFound()
    facts = space_facts(user, thread.space, membership)
    if not _thread_visible(facts, thread):
        raise NotFound()
    return facts


class Asker:
    """Answers many questions for one person at once (a badge count, a listing), looking each
    space's facts up once. It lives for one call, so nothing is remembered past the moment."""

    def __init__(self, user):
        self.user = user
        self._facts: dict[int, SpaceFacts] = {}
        self._answers: dict[tuple, bool] = {}

    def facts(self, space: Space) -> SpaceFacts:
        if space.id not in self._facts:
            self._facts[space.id] = space_facts(self.user, space)
        return self._facts[space.id]

    def can(self, action: str, obj: Any) -> bool:
        if isinstance(obj, Thread) and action in THREAD_RULES:
            return THREAD_RULES[action](self.facts(obj.space), obj)
        if isinstance(obj, Post) and action.startswith("post."):
            return _post_rules(self.facts(obj.thread.space), obj).get(action, False)
        if isinstance(obj, Category) and action.startswith("category."):
            return _category_rules(self.facts(obj.space), obj).get(action, False)
        if isinstance(obj, Destination) and action == "thread.move_into":
            return obj.category is not None and _move_into(self.facts(obj.thread.space),
                                                           self.facts(obj.category.space), obj)
        key = (action, type(obj).__name__, getattr(obj, "id", None))
        if key not in self._answers:
            self._answers[key] = can(self.user, action, obj)
        return self._answers[key]


def posts_of_thread_clause(user, thread: Thread):
    """SQL for the posts of one thread this user may see, for a caller that has already required
    "thread.view": the same rules as _post_clause, with the space's facts known in Python, so a
    thread page pays for one set of facts instead of the whole scope per query."""
    facts = space_facts(user, thread.space)
    if not _thread_visible(facts, thread):
        return false()
    clause = Post.thread_id == thread.id
    if facts.cutoff is not None:
        clause = and_(clause, Post.created_at >= facts.cutoff)
    if not facts.manage:
        clause = and_(clause, Post.deleted_at.is_(None), or_(Post.hidden_at.is_(None), Post.author_id == facts.user_id))
    return clause


def _thread_rule(action: str) -> Callable[[Any, Thread], bool]:
    return lambda user, thread: THREAD_RULES[action](space_facts(user, thread.space), thread)


def _category_rule(action: str) -> Callable[[Any, Category], bool]:
    return lambda user, category: _category_rules(space_facts(user, category.space), category)[action]


def _can_move_into(user, to: Destination) -> bool:
    if to.category is None:
        return False
    return _move_into(space_facts(user, to.thread.space), space_facts(user, to.category.space), to)


def _post_rule(action: str) -> Callable[[Any, Post], bool]:
    return lambda user, post: _post_rules(space_facts(user, post.thread.space), post)[action]


# Ids are a public sequence: a thread, post or category in a space the person cannot read must
# cost its NotFound what a missing id costs. One statement answers "is it in a space I read?"
# either way, before the space's membership questions that only an existing object would reach.
# (Inside a space the person reads, hidden threads and history cut-offs still cost their own
# questions: the person already knows the space.)

def _require_known(user, stmt, space_id) -> None:
    require_known_in_spaces(user, stmt, space_id)


def _id(obj) -> int:
    # 0 for a missing object: no row has it, and the statement is the same text as for a real id.
    return obj.id if obj is not None else 0


def _require_known_thread(user, thread: Thread | None) -> None:
    _require_known(user, select(Thread.id).where(Thread.id == _id(thread)), Thread.space_id)


def _require_known_post(user, post: Post | None) -> None:
    _require_known(user, select(Post.id).join(Thread, Thread.id == Post.thread_id).where(Post.id == _id(post)),
                   Thread.space_id)


def _require_known_post_attachment(user, attachment: PostAttachment | None) -> None:
    _require_known(user, select(PostAttachment.id).join(Post, Post.id == PostAttachment.post_id)
                   .join(Thread, Thread.id == Post.thread_id).where(PostAttachment.id == _id(attachment)),
                   Thread.space_id)


def _require_known_category(user, category: Category | None) -> None:
    _require_known(user, select(Category.id).where(Category.id == _id(category)), Category.space_id)


def _can_review_flag(user, flag: Flag) -> bool:
    facts = space_facts(user, flag.post.thread.space)
    return facts.manage and _post_visible(facts, flag.post)


RULES.update({
    **{action: _category_rule(action) for action in ("category.view", "category.manage", "category.start_thread")},
    **{action: _thread_rule(action) for action in THREAD_RULES},
    **{action: _post_rule(action) for action in ("post.view", "post.edit", "post.delete", "post.restore",
                                                 "post.react", "post.flag")},
    "flag.review": _can_review_flag,
    # One review queue across every space one moderates: site staff's (a space's own facilitators
    # review in its Flags tab).
    "flags.review_all": lambda user, _obj: is_staff(user),
    # An earlier text of a post: its post's readers', less those who do not read where it was left.
    "revision.view": lambda user, revision: reads_where_left(user, revision) and can(user, "post.view", revision.post),
    # A picture or file attached to a post: exactly its post's readers (moderators of a deleted one too).
    "post_attachment.view": lambda user, attachment: can(user, "post.view", attachment.post),
})
EXISTENCE_ACTION.update({
    Category: "category.view",
    Thread: "thread.view",
    Post: "post.view",
    PostRevision: "revision.view",
    PostAttachment: "post_attachment.view",
    Flag: "flag.review",
})
NEEDS_OBJECT.update(a for a in RULES if a.split(".")[0] in ("category", "thread", "post", "revision", "flag",
                                                             "post_attachment"))
# Asked of a Destination (a thread and a category), which is known when both are: no id of its own.
RULES["thread.move_into"] = _can_move_into
KNOWN_CHECKS.update({"thread": _require_known_thread, "post": _require_known_post,
                     "category": _require_known_category, "post_attachment": _require_known_post_attachment})
