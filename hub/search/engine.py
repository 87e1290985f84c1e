"""The one search index: Whoosh on disk, filtered by the access policy inside the query.

Every document stores `kind`, `id` and `space` (its audience key: "s<space id>", "people", or
whatever later domains add). A search is filtered inside Whoosh by the keys the policy says the
person may read (with newcomer-history cut-offs and hidden-content exemptions), and every hit is
re-checked with the policy's SQL scope before it is shown. Counts and facets come from the
filtered search only, so nothing says how many hidden documents matched.

Writes never happen here directly: changes are queued in the database in the same transaction
as the content (hub.search.queue) and applied after commit, so the index converges even when a
write fails or another process holds the index lock.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup, escape
from whoosh import highlight, query as wq, sorting

from hub import policy
from hub.search import queue as search_queue
from hub.search.index import (ANALYZER, PLAIN, TITLE_BOOST, WORDS, get_index,  # noqa: F401
                              make_schema, open_searcher, permission_filter, pool, filter_cache)

KINDS = ("thread", "post", "resource", "message", "person")


# ---------------------------------------------------------------- searching

@dataclass
class Hit:
    kind: str
    id: int
    space_id: int | None
    title: Markup
    snippet: Markup
    context: str
    created: datetime | None
    author_id: int | None
    obj: object = None


@dataclass
class Results:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    did_you_mean: str | None = None
    notices: list[str] = field(default_factory=list)
    sort: str = "relevance"


PAGE_SIZE = 20
MAX_PAGE = 50


def search(user, text: str, page: int = 1, sort: str = "relevance", per_page: int = PAGE_SIZE,
           facets: bool = True, prefix_last: bool = False) -> Results:
    """What `user` may see that matches `text` (the search syntax of hub.search.query)."""
    from hub.search import query as search_query

    results = Results(query=text, sort=sort if sort in ("relevance", "newest") else "relevance")
    if not policy.signed_in(user):
        return results
    scope = policy.search_scope(user)
    parsed = search_query.parse(user, text, prefix_last=prefix_last, scope=scope)
    results.notices = parsed.notices
    if parsed.empty or parsed.impossible:
        return results
    page = min(max(1, page), MAX_PAGE)
    # A change committed a moment ago is searchable now (typeahead waits less for a busy index).
    search_queue.drain_quietly(timeout=0.1 if prefix_last else 0.5)
    with pool.searcher(get_index()) as searcher:
        allowed = _allowed(searcher, scope)
        kwargs = {"filter": allowed, "limit": page * per_page}
        if results.sort == "newest" or parsed.match_all:
            kwargs.update(sortedby="created", reverse=True)
        if facets:
            kwargs["groupedby"] = {"kind": sorting.FieldFacet("kind", maptype=sorting.Count),
                                   "space": sorting.FieldFacet("space", maptype=sorting.Count)}
        found = searcher.search(parsed.query, **kwargs)
        if facets:
            results.facets = {"kind": dict(found.groups("kind")),
                              "space": {k: v for k, v in found.groups("space").items() if k}}
            results.total = sum(results.facets["kind"].values())  # every match was counted already
        else:
            results.total = found.scored_length()  # typeahead: the top hits, not an exact count
        results.page, results.pages = page, max(1, min(MAX_PAGE, -(-results.total // per_page)))
        found.fragmenter = highlight.ContextFragmenter(maxchars=240, surround=60)
        found.formatter = EscapingFormatter()
        page_hits = found[(page - 1) * per_page: page * per_page]
        results.hits = _recheck(user, [_hit(h) for h in page_hits])
        if results.total == 0 and parsed.words:
            results.did_you_mean = _did_you_mean(searcher, parsed, allowed)
    return results


def _allowed(searcher, scope):
    """The documents this scope may see, less any whose change is still queued: while the index
    lags (busy, failing, rebuilding) a queued document is left out for everyone rather than
    counted, faceted or suggested from what it used to say."""
    allowed = filter_cache.docs(searcher, scope)
    stale = search_queue.queued_docnums(searcher)
    if not stale:
        return allowed
    fresh = allowed.copy()
    for docnum in stale:
        fresh.discard(docnum)
    return fresh


def _hit(found_hit) -> Hit:
    stored = found_hit.fields()
    title_text, body_text = stored.get("title") or "", stored.get("body") or ""
    # A title is marked whole: a fragmenter's window would cut it short (a trailing "?" or ")").
    title = TITLE_HIGHLIGHTER.highlight_hit(found_hit, "title", text=title_text, top=1) or escape(title_text)
    snippet = found_hit.highlights("body", text=body_text, top=2) or escape(_clip(body_text, 240))
    return Hit(kind=stored["kind"], id=stored["id"], space_id=stored.get("space_id") or None,
               title=Markup(title), snippet=Markup(snippet), context=stored.get("context") or "",
               created=stored.get("created"), author_id=_user_id(stored.get("author")))


def _user_id(key: str | None) -> int | None:
    return int(key[1:]) if key and key.startswith("u") and key[1:].isdigit() else None


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[:length].rsplit(" ", 1)[0] + "…"


def _recheck(user, hits: list[Hit]) -> list[Hit]:
    """Ask the policy about every hit before it is shown; a document the index still holds but
    the person may no longer see is dropped here and queued for a refresh."""
    from hub.search import documents as search_documents

    by_kind: dict[str, list[int]] = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, []).append(hit.id)
    visible = {kind: search_documents.visible_objects(user, kind, ids) for kind, ids in by_kind.items()}
    shown = []
    for hit in hits:
        hit.obj = visible.get(hit.kind, {}).get(hit.id)
        if hit.obj is None:
            search_queue.enqueue_keys([f"{hit.kind}:{hit.id}"])
        else:
            shown.append(hit)
    return shown


MAX_SUGGESTION_CANDIDATES, MAX_SUGGESTED_WORDS = 15, 3


def _did_you_mean(searcher, parsed, allowed) -> str | None:
    """A close word for each word with no hits, offered only if the person would find exactly
    that word: candidates are taken nearest first (one edit, then two) and each is checked,
    unstemmed, against the documents they may see, so neither a word said only in a closed
    space nor how often it is said there changes the answer."""
    from hub.search import query as search_query

    changed, words = False, []
    reader = searcher.reader()
    for n, word in enumerate(parsed.words):
        plain = search_query.plain_words(word)
        if n >= MAX_SUGGESTED_WORDS or not plain or _visible(searcher, search_query.word_query(word), allowed):
            words.append(word)
            continue
        replacement, checked = None, 0
        for distance in (1, 2) if len(plain[0]) >= 5 else (1,):
            for candidate in sorted(reader.terms_within("words", plain[0], distance)):
                candidate = candidate.decode() if isinstance(candidate, bytes) else candidate
                if candidate == plain[0]:
                    continue
                checked += 1
                if checked > MAX_SUGGESTION_CANDIDATES:
                    break
                if _visible(searcher, wq.Term("words", candidate), allowed):
                    replacement = candidate
                    break
            if replacement or checked > MAX_SUGGESTION_CANDIDATES:
                break
        changed = changed or replacement is not None
        words.append(replacement or word)
    return " ".join(words) if changed else None


def _visible(searcher, query, allowed) -> bool:
    """Whether any document the person may see matches: the postings walked, nothing scored."""
    return any(docnum in allowed for docnum in searcher.docs_for_query(query))


def key_terms(text: str, count: int = 12) -> list[str]:
    """The words that say what a text is about, from the text alone (no index statistics, which
    would carry other spaces' word counts): the most repeated, longer words first."""
    seen: dict[str, int] = {}
    for token in ANALYZER(text):
        seen[token.text] = seen.get(token.text, 0) + 1
    return sorted(seen, key=lambda t: (-seen[t] * (1 + len(t) / 8), t))[:count]


def similar_threads(user, title: str, body: str, space=None, limit: int = 5) -> list[Hit]:
    """Threads like the one being written (its key terms), among those the person may read."""
    if not policy.signed_in(user) or not (title.strip() or body.strip()):
        return []
    terms = key_terms(f"{title} {title} {body}")
    if not terms:
        return []
    search_queue.drain_quietly(timeout=0.1)
    with pool.searcher(get_index()) as searcher:
        parts = [wq.Term("title", t, boost=TITLE_BOOST) for t in terms] + [wq.Term("body", t) for t in terms]
        query = wq.And([wq.Or(parts), wq.Term("kind", "thread")])
        found = searcher.search(query, filter=_allowed(searcher, policy.search_scope(user)), limit=limit * 2)
        found.formatter = EscapingFormatter()
        hits = _recheck(user, [_hit(h) for h in found])
    preferred = [h for h in hits if space is not None and h.space_id == space.id]
    return (preferred + [h for h in hits if h not in preferred])[:limit]


class EscapingFormatter(highlight.Formatter):
    """Highlights that are escaped first and marked second: stored text never becomes markup."""

    between = " … "

    def _text(self, text):
        return str(escape(text))

    def format_token(self, text, token, replace=False):
        return "<mark>" + str(escape(highlight.get_text(text, token, replace))) + "</mark>"


TITLE_HIGHLIGHTER = highlight.Highlighter(fragmenter=highlight.WholeFragmenter(), formatter=EscapingFormatter())

