"""Read side of the forums. Every listing starts from a policy scope."""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from markupsafe import Markup

from hub import content, policy
from hub.extensions import db
from hub.forums import reactions, reading
from hub.forums.mentions import render_as_written
from hub.forums.models import Category, Post, PostRevision, Thread, ThreadTag
from hub.people.models import Team, TeamMembership, User
from hub.spaces.models import Space

POSTS_PER_PAGE = 50
THREADS_PER_PAGE = 30


@dataclass
class Listing:
    threads: list[Thread]
    state: dict[int, dict]
    page: int
    has_more: bool


def threads(user, space_ids=None, category: Category | None = None, tag: str = "", status: str = "",
            page: int = 1, include_muted: bool = False) -> Listing:
    """Newest activity first, pinned on top: global pins on Latest, space pins in a space."""
    stmt = policy.scope(select(Thread), user).options(
        selectinload(Thread.space), selectinload(Thread.category), selectinload(Thread.author),
        selectinload(Thread.tags))
    if space_ids is not None:
        stmt = stmt.where(Thread.space_id.in_(list(space_ids)))
    if category is not None:
        stmt = stmt.where(Thread.category_id == category.id)
    if tag:
        stmt = stmt.where(Thread.id.in_(select(ThreadTag.thread_id).where(ThreadTag.tag == tag)))
    if status == "unanswered":
        stmt = stmt.where(Thread.kind == "question", Thread.accepted_post_id.is_(None))
    elif status == "solved":
        stmt = stmt.where(Thread.kind == "question", Thread.accepted_post_id.is_not(None))
    if not include_muted and policy.signed_in(user):
        stmt = stmt.where(~reading.muted_thread_clause(user))
    pinned_first = Thread.pinned_globally.desc() if space_ids is None else Thread.pinned_at.is_(None)
    stmt = stmt.order_by(pinned_first, Thread.last_posted_at.desc(), Thread.id.desc())
    page = max(1, page)
    rows = list(db.session.scalars(stmt.offset((page - 1) * THREADS_PER_PAGE).limit(THREADS_PER_PAGE + 1)))
    more = len(rows) > THREADS_PER_PAGE
    rows = rows[:THREADS_PER_PAGE]
    return Listing(rows, reading.unread_and_new(user, rows), page, more)


@dataclass
class ThreadPage:
    thread: Thread
    posts: list[Post]
    page: int
    pages: int
    reactions: dict
    last_read: int
    first_unread: int | None


def thread_page(user, thread: Thread, page: int = 1) -> ThreadPage:
    """One page of the posts the user may see, in a number of queries that does not grow with it."""
    visible = policy.posts_of_thread_clause(user, thread)
    total = db.session.scalar(select(func.count(Post.id)).where(visible))
    pages = max(1, -(-total // POSTS_PER_PAGE))
    page = min(max(1, page), pages)
    posts = list(db.session.scalars(select(Post).where(visible).options(selectinload(Post.author),
                                                                        selectinload(Post.attachments))
                                    .order_by(Post.number).offset((page - 1) * POSTS_PER_PAGE).limit(POSTS_PER_PAGE)))
    last = reading.last_read(user, thread)
    unread_here = [p.id for p in posts if p.number > last]
    if unread_here and (page == 1 or posts[0].number <= last):
        first_unread = unread_here[0]  # nothing unread can sit on an earlier page
    elif unread_here or page < pages:
        first_unread = db.session.scalar(select(Post.id).where(visible, Post.number > last)
                                         .order_by(Post.number).limit(1))
    else:
        first_unread = None
    return ThreadPage(thread, posts, page, pages, reactions.summary(user, thread, posts), last, first_unread)


def page_of(user, post: Post) -> int:
    """Which page shows a post, counting only posts this user sees (permalinks stay stable)."""
    before = db.session.scalar(select(func.count()).select_from(
        policy.scope(select(Post), user).where(Post.thread_id == post.thread_id, Post.number < post.number)
        .subquery()))
    return before // POSTS_PER_PAGE + 1


def revisions(user, post: Post) -> list[dict]:
    """Every version of a post this person may see, oldest first, each rendered ("html", as it read
    then) and with two diffs against the one before it that they see: of its source, line by line
    ("diff"), and as it reads, block by block ("rendered_diff"). Revisions left in a space the thread
    moved from, which they do not read, are neither shown nor compared with."""
    policy.require(user, "post.view", post)
    rows = list(db.session.scalars(select(PostRevision).options(selectinload(PostRevision.editor))
                                   .where(PostRevision.post_id == post.id).order_by(PostRevision.number)))
    seen = set(db.session.scalars(policy.scope(select(PostRevision.id), user).where(PostRevision.post_id == post.id)))
    bodies = [(r.title, r.body) for r in rows] + [(post.thread.title if post.number == 1 else "", post.body)]
    # Revision k holds the text that edit k replaced; so version k+1 was made by that edit's editor.
    editors = [post.author] + [r.editor for r in rows]
    times = [post.created_at] + [r.created_at for r in rows]
    shown = [r.id in seen for r in rows] + [True]  # the post's text now is shown to all its readers
    versions = [{"number": i + 1, "title": title, "body": body, "editor": editors[i], "at": times[i]}
                for i, (title, body) in enumerate(bodies) if shown[i]]
    for version in versions:
        # The text now is the post's own; an earlier one is rendered again as it was written.
        version["html"] = Markup(post.body_html) if version["number"] == len(bodies) else \
            render_as_written(version["body"])
    for before, after in zip([None] + versions, versions):
        after["against"] = before["number"] if before else None  # the version its diff compares with
        after["diff"] = _diff(before, after) if before else []
        after["rendered_diff"] = _rendered_diff(before, after) if before else []
    return versions


def _rendered_diff(before: dict, after: dict) -> list[tuple[str, Markup]]:
    """[(kind, block)] with kind in "same", "added", "removed": the versions' rendered blocks
    (content.blocks), the title first when it changes."""
    old, new = content.blocks(before["html"]), content.blocks(after["html"])
    if before["title"] != after["title"]:
        old = [Markup('<p class="diff-title">%s</p>') % before["title"]] + old
        new = [Markup('<p class="diff-title">%s</p>') % after["title"]] + new
    out: list[tuple[str, Markup]] = []
    matcher = difflib.SequenceMatcher(a=[str(b) for b in old], b=[str(b) for b in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(("same", block) for block in new[j1:j2])
        else:
            out.extend([("removed", block) for block in old[i1:i2]] + [("added", block) for block in new[j1:j2]])
    return out


def _diff(before: dict, after: dict) -> list[tuple[str, str]]:
    """[(kind, line)] with kind in "same", "added", "removed" (titles included when they change)."""
    old, new = before["body"].splitlines(), after["body"].splitlines()
    if before["title"] != after["title"]:
        old, new = [before["title"], ""] + old, [after["title"], ""] + new
    out = []
    for line in difflib.ndiff(old, new):
        tag, text = line[:2], line[2:]
        if tag == "  ":
            out.append(("same", text))
        elif tag == "- ":
            out.append(("removed", text))
        elif tag == "+ ":
            out.append(("added", text))
    return out


def people_who_can_see(user, space: Space, prefix: str, limit: int = 8) -> list[User]:
    """Mention autocomplete: only people the policy says can read the space (and the asker may see)."""
    policy.require(user, "space.view", space)
    prefix = prefix.strip().lower().lstrip("@")
    readers = policy.audience(space)
    stmt = policy.scope(select(User), user).where(User.id.in_(readers), User.id != user.id)
    if prefix:
        like = prefix.replace("\\", "").replace("%", "").replace("_", "\\_") + "%"
        stmt = stmt.where((func.lower(User.username).like(like, escape="\\")) |
                          (func.lower(User.name).like(like, escape="\\")))
    return list(db.session.scalars(stmt.order_by(User.name).limit(limit)))


def teams_who_can_see(user, space: Space, prefix: str, limit: int = 4) -> list[tuple[Team, str]]:
    """Team handles for autocomplete: teams with at least one person who can read the space."""
    policy.require(user, "space.view", space)
    prefix = prefix.strip().lower().lstrip("@")
    readers = policy.audience(space)
    stmt = (select(Team, Space.slug).join(Space, Space.id == Team.space_id)
            .where(Team.id.in_(select(TeamMembership.team_id).where(TeamMembership.user_id.in_(readers)))))
    if prefix:
        like = prefix.replace("\\", "").replace("%", "").replace("_", "\\_") + "%"
        stmt = stmt.where(Space.slug.like(like, escape="\\") | func.lower(Team.name).like(like, escape="\\"))
    return [(team, slug) for team, slug in db.session.execute(stmt.order_by(Team.name).limit(limit))]


def tags_in(user, space_ids=None, limit: int = 30) -> list[tuple[str, int]]:
    """Tag counts over the threads the user may read (in the given spaces), from the scope."""
    threads = policy.scope(select(Thread.id), user)
    if space_ids is not None:
        threads = threads.where(Thread.space_id.in_(list(space_ids)))
    stmt = (select(ThreadTag.tag, func.count()).where(ThreadTag.thread_id.in_(threads))
            .group_by(ThreadTag.tag).order_by(func.count().desc(), ThreadTag.tag).limit(limit))
    return [(tag, n) for tag, n in db.session.execute(stmt)]


text_diff = _diff  # the library's version history shows its diffs the same way
