"""@mentions and quotes: found in a post's Markdown, resolved through the policy, rendered as links.

A mention of someone who cannot see where the post lives is refused, naming them, and nothing is
sent. `@team-handle` reaches that team's people who can see it. A quote may only come from a post
in the same space that its writer can see, so a quote never carries words across spaces.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from blinker import signal
from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import func, or_, select

from hub import content, policy
from hub.extensions import db
from hub.forums.models import Post
from hub.people.models import Team, User
from hub.spaces.models import Space
from hub.validation import ValidationError

# "@" not preceded by a word character, "@", "/", "." or "[" (e-mail addresses and links stay text).
MENTION = re.compile(r"(?<![\w@/.\[])@([a-z0-9](?:[a-z0-9._-]{0,38}[a-z0-9])?)", re.I)
QUOTE = re.compile(r"^\[quote=(\d+)\]\n?(.*?)\n?^\[/quote\][ \t]*$", re.M | re.S)
MAX_MENTIONS = 30

# Sent (sender: the thread, post_ids: its posts) when a thread has moved to another space, before
# the move is committed, for other domains that quote forum posts (chat) to withdraw their quotes
# that now cross spaces; the forums cannot import them (domains never import sideways). Each
# receiver returns what to call after the commit (its emits), or None.
thread_moving = signal("hub.forums.thread-moving")


@dataclass
class Prepared:
    html: Markup
    people: list[User] = field(default_factory=list)  # mentioned directly
    team_people: list[User] = field(default_factory=list)  # reached through a team handle
    quoted: list[Post] = field(default_factory=list)


def _outside_code(text: str, transform: Callable[[str], str]) -> str:
    pieces = content._CODE.split(text)
    for i in range(0, len(pieces), 2):
        pieces[i] = transform(pieces[i])
    return "".join(pieces)


def handles_in(text: str) -> list[str]:
    found: list[str] = []
    _outside_code(text, lambda piece: found.extend(m.group(1).lower() for m in MENTION.finditer(piece)) or piece)
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Wording:
    """What a refusal says, in the words of the place the post is written in (translated when said)."""
    cannot_see: Callable[[str], str]  # (the refused people's names)
    reaches_nobody: Callable[[str, str], str]  # (the team's name, its handle)
    quote_refused: Callable[[], str]


IN_A_SPACE = Wording(
    cannot_see=lambda names: _("These people can't see this space, so they can't be mentioned here: "
                               "%(names)s. Remove the mention or share another way.", names=names),
    reaches_nobody=lambda team, handle: _("Nobody in %(team)s can see this space, so @%(handle)s reaches no one.",
                                          team=team, handle=handle),
    quote_refused=lambda: _("You can quote only posts from this space that you can see."),
)


def prepare(actor: User, space, source: str, can_see: Callable[[User], bool],
            wording: Wording = IN_A_SPACE) -> Prepared:
    """Validate mentions and quotes in `source` for a post in `space`, and render it.
    `can_see(person)` says whether a person could read the post once written; `space` may be
    one with no id (nothing can be quoted there), and `wording` says refusals in its words."""
    quoted, source = _expand_quotes(actor, space, source, wording)
    people, teams = _mentioned(source)
    refused = sorted(p.name for p in people.values() if p.id != actor.id and not can_see(p))
    if refused:
        raise ValidationError({"body": wording.cannot_see(", ".join(refused))})
    team_people: list[User] = []
    for handle, team in teams.items():
        reached = [m for m in team.members if m.active and m.id != actor.id and can_see(m)]
        if not reached:
            raise ValidationError({"body": wording.reaches_nobody(team.name, handle)})
        team_people.extend(reached)
    direct = [p for p in people.values() if p.id != actor.id]
    return Prepared(html=_rendered(source, people, teams), people=direct,
                    team_people=[p for p in team_people if p not in direct], quoted=quoted)


def _mentioned(source: str) -> tuple[dict[str, User], dict[str, Team]]:
    """The active people and the teams that `source`'s @handles name, by handle."""
    handles = handles_in(source)[:MAX_MENTIONS]
    people = {u.username.lower(): u for u in db.session.scalars(select(User).where(
        func.lower(User.username).in_(handles), User.active.is_(True)))} if handles else {}
    return people, _teams_by_handle([h for h in handles if h not in people])


def _rendered(source: str, people: dict[str, User], teams: dict[str, Team]) -> Markup:
    links = {h: (url_for("people.profile", person_id=p.id), p.name) for h, p in people.items()}
    links.update({h: (url_for("program.team", team_id=t.id), t.name) for h, t in teams.items()})
    return content.render(_link_mentions(source, links))


def _teams_by_handle(handles: list[str]) -> dict[str, Team]:
    if not handles:
        return {}
    rows = db.session.execute(select(Team, Space.slug).join(Space, Space.id == Team.space_id)
                              .where(Space.slug.in_(handles))).all()
    return {slug: team for team, slug in rows}


def _link_mentions(source: str, links: dict[str, tuple[str, str]]) -> str:
    def link(match: re.Match) -> str:
        handle = match.group(1).lower()
        if handle not in links:
            return match.group(0)
        url, title = links[handle]
        safe_title = title.replace('"', "'").replace("\\", "")
        return f'[@{match.group(1)}]({url} "{safe_title}")'
    return _outside_code(source, lambda piece: MENTION.sub(link, piece))


def _squeezed(text: str) -> str:
    return " ".join(text.split())


def _expand_quotes(actor: User, space, source: str, wording: Wording) -> tuple[list[Post], str]:
    """Turn [quote=ID]...[/quote] into a Markdown blockquote that names and links its source."""
    quoted: list[Post] = []

    def expand(match: re.Match) -> str:
        post = db.session.get(Post, int(match.group(1)))
        if post is None or post.thread.space_id != space.id or not policy.can(actor, "post.view", post):
            raise ValidationError({"body": wording.quote_refused()})
        if _squeezed(match.group(2)) not in _squeezed(post.body):
            raise ValidationError({"body": _("A quote must be words the quoted post really says.")})
        quoted.append(post)
        return _blockquote(post, match.group(2))

    return quoted, QUOTE.sub(expand, source)


def _blockquote(post: Post, text: str) -> str:
    lines = text.strip().splitlines() or [""]
    link = url_for("forums.permalink", post_id=post.id)
    header = _("%(name)s wrote:", name=post.author.name).replace("[", "(").replace("]", ")")
    return "\n".join([f"> [{header}]({link})", ">"] + [f"> {line}" for line in lines]) + "\n"


# ---------------------------------------------------------------- when a thread changes space

def withdraw_crossing_quotes(thread) -> list:
    """Call after `thread` has moved to another space, before committing. A quote is allowed only
    within one space; a move would make some cross (posts elsewhere quoting this thread, and this
    thread's posts quoting posts that stay behind). Each such quote, in the post and in its kept
    revisions, gives way to a short notice, so a move neither leaves words where their readers can
    no longer follow nor carries other threads' words along. The posts are rendered again as written.
    Returns what to call after the commit (thread_moving's receivers' emits)."""
    from hub.forums.models import PostRevision, Thread

    own = {p.id: p for p in db.session.scalars(select(Post).where(Post.thread_id == thread.id))}
    if not own:
        return []
    mentions_own = quotes_any(Post.body, own)
    revised_own = select(PostRevision.post_id).where(quotes_any(PostRevision.body, own))
    elsewhere = db.session.scalars(select(Post).join(Thread, Thread.id == Post.thread_id).where(
        Post.thread_id != thread.id, or_(mentions_own, Post.id.in_(revised_own))))
    def crossing(*readable_space_ids: int | None) -> Callable[[int], bool]:
        def crosses(quoted_id: int) -> bool:
            source = own.get(quoted_id) or db.session.get(Post, quoted_id)
            return source is None or source.thread.space_id not in readable_space_ids
        return crosses

    for post in list(own.values()) + list(elsewhere):
        space_id = post.thread.space_id
        body = without_quotes(post.body, crossing(space_id))
        if body != post.body:
            post.body, post.body_html = body, str(render_as_written(body))
        for revision in db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id)):
            # A revision left in a space the thread moved from is read only by those who read
            # there as well as where the post is now: a quote from either space stays.
            revision.body = without_quotes(revision.body, crossing(space_id, revision.left_in_space_id))
    answers = thread_moving.send(thread, post_ids=set(own))
    return [after for _receiver, after in answers if after is not None]


def quotes_any(body_column, post_ids):
    """SQL: true where the Markdown in `body_column` quotes one of the posts (a first sieve)."""
    return or_(*[body_column.contains(f"[quote={i}]") for i in post_ids])


def without_quotes(source: str, crosses: Callable[[int], bool]) -> str:
    """`source` with each quote of a post for which `crosses(post id)` holds given way to a notice."""
    notice = _("(A quoted post is not available here.)")
    return QUOTE.sub(lambda m: f"> {notice}\n" if crosses(int(m.group(1))) else m.group(0), source)


def render_as_written(source: str) -> Markup:
    """A stored post's HTML again, from its source: quotes and mentions as `prepare` renders them,
    without its refusals (those were answered when the post was written)."""
    def expand(match: re.Match) -> str:
        post = db.session.get(Post, int(match.group(1)))
        return _blockquote(post, match.group(2)) if post is not None else match.group(0)

    source = QUOTE.sub(expand, source)
    return _rendered(source, *_mentioned(source))
