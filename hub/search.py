"""The one search index: Whoosh on disk, filtered by the access policy inside the query.

Every document stores `kind`, `id` and `space` (its audience key: "s<space id>", "people", or
whatever later domains add). A search is filtered inside Whoosh by the keys the policy says the
person may read (with newcomer-history cut-offs and hidden-content exemptions), and every hit is
re-checked with the policy's SQL scope before it is shown. Counts and facets come from the
filtered search only, so nothing says how many hidden documents matched.

Writes never happen here directly: changes are queued in the database in the same transaction
as the content (hub.search_queue) and applied after commit, so the index converges even when a
write fails or another process holds the index lock.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from markupsafe import Markup, escape
from whoosh import highlight, index, query as wq, sorting
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.idsets import BitSet
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.support.charset import accent_map

from hub import policy

# Words split at anything that is not a letter or digit (so "health-equity", "#equity" and
# "equity_team" all contain "equity"), lower-cased, accents folded ("Médico" = "medico"),
# English stop words dropped, then stemmed ("stratifying" = "stratify").
TOKENIZER = RegexTokenizer(r"[^\W_]+")
ANALYZER = TOKENIZER | LowercaseFilter() | CharsetFilter(accent_map) | StopFilter() | StemFilter()
# The same without stemming: prefix searches and spelling suggestions see whole words.
PLAIN = TOKENIZER | LowercaseFilter() | CharsetFilter(accent_map)
WORDS = PLAIN | StopFilter()

KINDS = ("thread", "post", "resource", "message", "person")
TITLE_BOOST = 3.0


def _remember_missing_columns() -> None:
    """Whoosh 2.7 asks the disk whether a length column exists on every posting of an unscored
    field (ID, KEYWORD): hundreds of thousands of stat() calls per reindex. A written segment's
    files never change, so a column found missing stays missing."""
    if getattr(W3PerDocReader, "_hub_patched", False):
        return
    original = W3PerDocReader._cached_reader

    def cached_reader(self, fieldname, column):
        missing = self.__dict__.setdefault("_hub_missing_columns", set())
        if fieldname in missing:
            return None
        reader = original(self, fieldname, column)
        if reader is None:
            missing.add(fieldname)
        return reader

    W3PerDocReader._cached_reader = cached_reader
    W3PerDocReader._hub_patched = True


_remember_missing_columns()


class CoarseDate(DATETIME):
    """A date indexed as four terms rather than eight: date ranges here are coarse (days), and
    every term is a posting written per document."""

    def __init__(self, stored=False, sortable=False):
        NUMERIC.__init__(self, int, 64, stored=stored, shift_step=16, sortable=sortable)


def make_schema() -> Schema:
    return Schema(
        key=ID(stored=True, unique=True),          # "post:12": one document per object
        kind=ID(stored=True, sortable=True),       # sortable: facets read a column, not postings
        id=STORED(),
        space=ID(stored=True, sortable=True),      # audience key the policy hands out
        space_id=STORED(),
        hidden=ID(),                               # "1": only exempt people and moderators
        exempt=KEYWORD(),                          # "u<id>" who still see a hidden document
        origin=CoarseDate(),                       # for newcomer cut-offs (thread's creation for posts)
        created=CoarseDate(stored=True, sortable=True),
        author=ID(stored=True),                    # "u<id>", for by:
        tags=KEYWORD(stored=True, lowercase=True, commas=True, scorable=True),
        status=ID(),                               # "solved" | "unanswered" | ""
        title=TEXT(analyzer=ANALYZER, stored=True, field_boost=TITLE_BOOST),
        body=TEXT(analyzer=ANALYZER, stored=True),
        words=TEXT(analyzer=WORDS, phrase=False),  # title and body unstemmed: prefixes, "did you mean"
        context=STORED(),                          # what a hit shows around itself (a thread title)
        digest=STORED(),                           # what the index last saw, for `reindex --check`
    )


_indexes: dict[str, index.Index] = {}
_open_lock = threading.Lock()


def index_dir() -> str:
    return current_app.config["SEARCH_INDEX_DIR"]


SCHEMA_VERSION = "3"  # bump when make_schema() changes: older indexes are rebuilt by themselves


def get_index(path: str | None = None) -> index.Index:
    """The index at `path` (the app's by default), created on first use. Shared by a process.
    An index written with another schema is replaced by an empty one and every document is
    queued, so it refills through the ordinary drains."""
    path = path or index_dir()
    with _open_lock:
        if path not in _indexes:
            os.makedirs(path, exist_ok=True)
            stamp = os.path.join(path, "hub_schema_version")
            current = open(stamp).read().strip() if os.path.exists(stamp) else None
            if index.exists_in(path) and current == SCHEMA_VERSION:
                _indexes[path] = index.open_dir(path)
            else:
                refill = index.exists_in(path)
                _indexes[path] = index.create_in(path, make_schema())
                with open(stamp + ".tmp", "w") as out:
                    out.write(SCHEMA_VERSION)
                os.replace(stamp + ".tmp", stamp)
                if refill:
                    from hub import search_queue
                    search_queue.queue_everything()
        return _indexes[path]


def open_searcher(ix: index.Index):
    """A searcher over the newest generation. Another process may be merging segments away
    while this one opens them; asking again finds the generation that replaced them."""
    for attempt in range(5):
        try:
            return ix.searcher()
        except (OSError, index.EmptyIndexError):
            if attempt == 4:
                raise
    raise RuntimeError("unreachable")


class _Pool:
    """Idle searchers kept for reuse (opening one reads every segment's metadata); each is
    refreshed to the newest generation when taken, and used by one caller at a time."""

    def __init__(self):
        self._idle: dict[str, list] = {}
        self._lock = threading.Lock()

    @contextmanager
    def searcher(self, ix: index.Index):
        path = ix.storage.folder
        with self._lock:
            idle = self._idle.setdefault(path, [])
            searcher = idle.pop() if idle else None
        try:
            searcher = searcher.refresh() if searcher is not None else open_searcher(ix)
        except OSError:
            searcher = open_searcher(ix)
        try:
            yield searcher
        finally:
            with self._lock:
                if len(self._idle[path]) < 4:
                    self._idle[path].append(searcher)
                    searcher = None
            if searcher is not None:
                searcher.close()


_pool = _Pool()


# ---------------------------------------------------------------- permission filter

def permission_filter(scope: policy.SearchScope) -> wq.Query:
    """Whoosh's twin of the policy: readable audience keys (cut where newcomers see history only
    from joining), and hidden documents only for their exempt people or the space's moderators."""
    readable = []
    full = sorted(k for k in scope.readable if k not in scope.cutoffs)
    if full:
        readable.append(wq.Or([wq.Term("space", k) for k in full]))
    for key, cut in sorted(scope.cutoffs.items()):
        readable.append(wq.And([wq.Term("space", key), wq.DateRange("origin", cut, None)]))
    if not readable:
        return wq.NullQuery
    shown = [wq.Term("hidden", "0")] + [wq.Term("space", k) for k in sorted(scope.managed)]
    if scope.user_key:
        shown.append(wq.Term("exempt", scope.user_key))
    # (A nested AndNot would read fewer postings, but Whoosh 2.7 mis-skips one inside another;
    # the result is cached per index generation anyway.)
    return wq.And([wq.Or(readable), wq.Or(shown)])


class _FilterCache:
    """The documents a scope may see, per index generation: computed once, then every query of
    anyone with the same scope intersects with a ready set instead of walking posting lists."""

    def __init__(self, size: int = 256):
        self._sets: OrderedDict = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def docs(self, searcher, scope: policy.SearchScope, extra: list):
        key = (searcher._ix.storage.folder, searcher.ixreader.generation(), scope.readable, tuple(sorted(
            scope.cutoffs.items())), scope.managed, scope.user_key, tuple(repr(q) for q in extra))
        with self._lock:
            if key in self._sets:
                self._sets.move_to_end(key)
                return self._sets[key]
        query = wq.And([permission_filter(scope)] + extra) if extra else permission_filter(scope)
        docs = BitSet(searcher.docs_for_query(query), size=searcher.doc_count_all())
        with self._lock:
            self._sets[key] = docs
            while len(self._sets) > self._size:
                self._sets.popitem(last=False)
        return docs


_filters = _FilterCache()


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
    """What `user` may see that matches `text` (the search syntax of hub.search_query)."""
    from hub import search_query, search_queue

    results = Results(query=text, sort=sort if sort in ("relevance", "newest") else "relevance")
    if not policy.signed_in(user):
        return results
    search_queue.drain_quietly()  # a change committed a moment ago is searchable now
    parsed = search_query.parse(user, text, prefix_last=prefix_last)
    results.notices = parsed.notices
    if parsed.empty or parsed.impossible:
        return results
    scope = policy.search_scope(user)
    page = min(max(1, page), MAX_PAGE)
    with _pool.searcher(get_index()) as searcher:
        allowed = _filters.docs(searcher, scope, parsed.filters)
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
        results.total = len(found)
        results.page, results.pages = page, max(1, min(MAX_PAGE, -(-results.total // per_page)))
        found.fragmenter = highlight.ContextFragmenter(maxchars=240, surround=60)
        found.formatter = EscapingFormatter()
        page_hits = found[(page - 1) * per_page: page * per_page]
        results.hits = _recheck(user, [_hit(h) for h in page_hits])
        if results.total == 0 and parsed.words:
            results.did_you_mean = _did_you_mean(searcher, parsed, allowed)
    return results


def _hit(found_hit) -> Hit:
    stored = found_hit.fields()
    title_text, body_text = stored.get("title") or "", stored.get("body") or ""
    title = found_hit.highlights("title", text=title_text, top=1) or escape(title_text)
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
    from hub import search_documents, search_queue

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


def _did_you_mean(searcher, parsed, allowed) -> str | None:
    """A close index word for each word with no hits, offered only if the person would find it:
    a word that exists only in spaces they cannot read is never suggested."""
    from hub import search_query

    changed, words = False, []
    for word in parsed.words:
        if searcher.search(search_query.word_query(word), filter=allowed, limit=1).scored_length():
            words.append(word)
            continue
        replacement = None
        candidates = searcher.corrector("words").suggest(word.lower(), limit=5, maxdist=2)
        for candidate in candidates:
            if searcher.search(search_query.word_query(candidate), filter=allowed, limit=1).scored_length():
                replacement = candidate
                break
        changed = changed or replacement is not None
        words.append(replacement or word)
    return " ".join(words) if changed else None


def similar_threads(user, title: str, body: str, space=None, limit: int = 5) -> list[Hit]:
    """Threads like the one being written (its key terms), among those the person may read."""
    from hub import search_queue

    if not policy.signed_in(user) or not (title.strip() or body.strip()):
        return []
    search_queue.drain_quietly()
    with _pool.searcher(get_index()) as searcher:
        terms = [t for t, _w in searcher.key_terms_from_text("body", f"{title} {title} {body}", numterms=12)]
        if not terms:
            return []
        parts = [wq.Term("title", t, boost=TITLE_BOOST) for t in terms] + [wq.Term("body", t) for t in terms]
        allowed = _filters.docs(searcher, policy.search_scope(user), [wq.Term("kind", "thread")])
        found = searcher.search(wq.Or(parts), filter=allowed, limit=limit * 2)
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
