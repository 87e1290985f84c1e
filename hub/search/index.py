"""The Whoosh index itself: schema and analyzers, opening it (and refilling it after a schema
change), pooled searchers, and the permission filter as a cached set of documents.

hub.search.engine asks questions of it; hub.search.queue writes to it.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from contextlib import contextmanager

from flask import current_app
from whoosh import index, query as wq, scoring
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.idsets import BitSet
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


# Called when an existing index was made afresh for a new schema: the queue registers its
# "queue every document again" here (hub.search.queue.init_app), so neither imports the other.
AFTER_SCHEMA_CHANGE: list = []


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
                    for hook in AFTER_SCHEMA_CHANGE:
                        hook()
        return _indexes[path]


class LocalBM25(scoring.WeightingModel):
    """BM25's term-frequency saturation and length normalisation with nothing taken from other
    documents: no idf, and a fixed typical length instead of the index's average. Collection
    statistics would let the order of someone's results depend on how often a word appears in
    spaces they cannot read, which is enough to test whether a name is said there."""

    K1, B, TYPICAL_LENGTH = 1.2, 0.75, 40.0

    def supports_block_quality(self):
        return True

    def scorer(self, searcher, fieldname, text, qf=1):
        if not searcher.schema[fieldname].scorable:
            return scoring.WeightScorer.for_(searcher, fieldname, text)
        return _LocalScorer(searcher, fieldname, text, self.K1, self.B, self.TYPICAL_LENGTH, qf)


class _LocalScorer(scoring.WeightLengthScorer):
    def __init__(self, searcher, fieldname, text, k1, b, typical, qf=1):
        self.k1, self.b, self.typical, self.qf = k1, b, typical, qf
        self.setup(searcher, fieldname, text)

    def _score(self, weight, length):
        return self.qf * weight * (self.k1 + 1) / (weight + self.k1 * (1 - self.b + self.b * length / self.typical))


WEIGHTING = LocalBM25()


def open_searcher(ix: index.Index):
    """A searcher over the newest generation. Another process may be merging segments away
    while this one opens them; asking again finds the generation that replaced them."""
    for attempt in range(5):
        try:
            return ix.searcher(weighting=WEIGHTING)
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


pool = _Pool()


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
    # hidden "0": every reader; "1": the exempt and the space's moderators; "2": the exempt only.
    shown = [wq.Term("hidden", "0")]
    if scope.managed:
        shown.append(wq.And([wq.Term("hidden", "1"), wq.Or([wq.Term("space", k) for k in sorted(scope.managed)])]))
    if scope.user_key:
        shown.append(wq.Term("exempt", scope.user_key))
    # (A nested AndNot would read fewer postings, but Whoosh 2.7 mis-skips one inside another;
    # the result is cached per index generation anyway.)
    return wq.And([wq.Or(readable), wq.Or(shown)])


class _FilterCache:
    """The documents a scope may see, per index generation, as a compact bit set: computed once,
    then handed to every query of the same scope as Whoosh's `filter=`, instead of evaluating
    the permission query again. Only the permission is cached (a person's own filters go into
    their query), so entries are per scope and small (a bit per document)."""

    def __init__(self, size: int = 512):
        self._sets: OrderedDict = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def docs(self, searcher, scope: policy.SearchScope) -> BitSet:
        key = (searcher._ix.storage.folder, searcher.ixreader.generation(), scope.readable,
               tuple(sorted(scope.cutoffs.items())), scope.managed, scope.user_key)
        with self._lock:
            if key in self._sets:
                self._sets.move_to_end(key)
                return self._sets[key]
        docs = BitSet(searcher.docs_for_query(permission_filter(scope)), size=searcher.doc_count_all())
        with self._lock:
            self._sets[key] = docs
            while len(self._sets) > self._size:
                self._sets.popitem(last=False)
        return docs


filter_cache = _FilterCache()



