"""The search syntax, turned into Whoosh queries.

    words           every word must appear (stemmed, accents folded)
    "exact phrase"  the words next to each other
    a OR b          either
    -word, -"a b"   leave out what contains it
    pre*            words that start with it (three letters or more)
    in:<space-slug> by:<username|me> tag:<tag> type:thread|post|resource|message|person|space|channel
    before:YYYY-MM-DD after:YYYY-MM-DD is:solved is:unanswered

Filters only ever narrow: the permission filter of hub.search is applied on top of them. A
filter naming a space or a person the searcher cannot see finds nothing and says so in the same
words as one naming nothing at all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from whoosh import query as wq

from hub import policy
from hub.extensions import db
from hub.search.index import ANALYZER, PLAIN, TITLE_BOOST

TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
TYPE_NAMES = {"thread": "thread", "threads": "thread", "topic": "thread", "post": "post", "posts": "post",
              "reply": "post", "replies": "post", "resource": "resource", "resources": "resource",
              "message": "message", "messages": "message", "chat": "message", "person": "person",
              "people": "person", "profile": "person", "space": "space", "spaces": "space", "channel": "channel",
              "channels": "channel"}
FILTER_KEYS = ("in", "by", "tag", "type", "before", "after", "is")
MIN_PREFIX = 3
MAX_CLAUSES, MAX_PREFIXES = 24, 4  # what one query may ask of the index (typeahead asks per keystroke)


@dataclass
class Parsed:
    query: wq.Query = wq.NullQuery
    filters: list = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    empty: bool = True
    match_all: bool = False
    impossible: bool = False  # a filter named a space or person the searcher cannot see
    scope: object = None


def _stems(text: str) -> list[str]:
    return [t.text for t in ANALYZER(text)]


def _plain(text: str) -> list[str]:
    return [t.text for t in PLAIN(text)]


plain_words = _plain


def _in_text_fields(make) -> wq.Query:
    return wq.Or([make("title", TITLE_BOOST), make("body", 1.0)])


def word_query(word: str) -> wq.Query | None:
    stems = _stems(word)
    if not stems:
        return None  # a stop word alone asks for nothing
    if len(stems) > 1:  # "health-equity": the parts side by side
        return _in_text_fields(lambda f, b: wq.Phrase(f, stems, boost=b))
    tag = wq.Term("tags", word.lower().strip("#"))
    return wq.Or([_in_text_fields(lambda f, b: wq.Term(f, stems[0], boost=b)), tag])


def phrase_query(text: str) -> wq.Query | None:
    stems = _stems(text)
    if len(stems) <= 1:
        return word_query(text) if stems else None
    return _in_text_fields(lambda f, b: wq.Phrase(f, stems, boost=b))


def prefix_query(text: str) -> wq.Query | None:
    plain = _plain(text)
    if not plain or len(plain[0]) < MIN_PREFIX:
        return word_query(text)
    # Whole words are kept unstemmed in their own field, so "equit*" finds "equity" and
    # "stratifying*" finds "stratifying" however the stemmer cut them.
    return wq.Prefix("words", plain[0])


def parse(user, text: str, prefix_last: bool = False, scope=None) -> Parsed:
    """`scope` (policy.search_scope) decides which spaces `in:` may name; computed if not given."""
    parsed = Parsed()
    parsed.scope = scope if scope is not None else policy.search_scope(user)
    clauses = prefixes = 0
    groups: list[list[wq.Query]] = []
    negatives: list[wq.Query] = []
    join_next = False
    tokens = list(TOKEN.finditer(text or ""))
    for n, match in enumerate(tokens):
        negative, phrase, word = match.group(1) == "-", match.group(2), match.group(3)
        if word == "OR":
            join_next = bool(groups)
            continue
        clause = None
        if phrase is not None:
            clause = phrase_query(phrase)
        else:
            if word.startswith("-") and len(word) > 1:
                negative, word = True, word[1:]
            key, sep, value = word.partition(":")
            if sep and key.lower() in FILTER_KEYS and value:
                _add_filter(user, parsed, key.lower(), value, negative)
                continue
            if word.endswith("*"):
                clause = prefix_query(word.rstrip("*"))
            elif prefix_last and n == len(tokens) - 1 and not negative:
                clause = prefix_query(word)  # typeahead: the word being typed is unfinished
            else:
                clause = word_query(word)
                if clause is not None and not negative:
                    parsed.words.append(word)
        if clause is None:
            join_next = False
            continue
        clauses += 1
        prefixes += isinstance(clause, wq.Prefix)
        if clauses > MAX_CLAUSES or prefixes > MAX_PREFIXES:
            parsed.notices.append(_("That search is long: only its first %(n)d parts were used.", n=clauses - 1))
            break
        if negative:
            negatives.append(clause)
        elif join_next and groups:
            groups[-1].append(clause)
        else:
            groups.append([clause])
        join_next = False
    positive = [g[0] if len(g) == 1 else wq.Or(g) for g in groups]
    if not positive and not parsed.filters and not negatives:
        return parsed
    parsed.empty = False
    parsed.match_all = not positive
    # Filters join the query itself (ID terms score alike for every hit, so ranking is unchanged);
    # Whoosh's filter= is kept for the permission set, which is cached per scope.
    query = wq.And(positive + parsed.filters) if positive or parsed.filters else wq.Every()
    parsed.query = wq.AndNot(query, wq.Or(negatives)) if negatives else query
    return parsed


def _add_filter(user, parsed: Parsed, key: str, value: str, negative: bool) -> None:
    made = {"in": _space_filter, "by": _author_filter, "tag": _tag_filter, "type": _type_filter,
            "before": _date_filter, "after": _date_filter, "is": _status_filter}[key](user, parsed, key, value)
    if made is None:
        return
    if made is wq.NullQuery:  # Whoosh drops a NullQuery from an And, so say "nothing" outright
        parsed.impossible = parsed.impossible or not negative
        return
    parsed.filters.append(wq.Not(made) if negative else made)


def _space_filter(_user, parsed: Parsed, _key, value):
    from hub.spaces.models import Space

    # One lookup either way, answered from the scope already computed: a secret space's slug
    # costs the same as a slug that names nothing.
    space_id = db.session.scalar(select(Space.id).where(Space.slug == value.lower()))
    key = f"s{space_id}"
    if space_id is None or key not in parsed.scope.readable:
        parsed.notices.append(_("No space you can read is called “%(name)s”.", name=value))
        return wq.NullQuery
    return wq.Term("space", key)


def _author_filter(user, parsed: Parsed, _key, value):
    from hub.people.models import User

    if value.lower() == "me":
        return wq.Term("author", f"u{user.id}")
    person = db.session.scalar(select(User).where(User.username == value.lstrip("@").lower()))
    if person is None or not policy.can(user, "person.view", person):
        parsed.notices.append(_("Nobody you can see has the username “%(name)s”.", name=value))
        return wq.NullQuery
    return wq.Term("author", f"u{person.id}")


def _tag_filter(_user, _parsed, _key, value):
    return wq.Term("tags", value.lower().strip("#"))


def _type_filter(_user, parsed: Parsed, _key, value):
    kind = TYPE_NAMES.get(value.lower())
    if kind is None:
        parsed.notices.append(_("“%(type)s” is not a type; try thread, post, resource, message, person, space or channel.",
                                type=value))
        return None
    return wq.Term("kind", kind)


def _date_filter(_user, parsed: Parsed, key: str, value: str):
    day = _read_date(value)
    if day is None:
        parsed.notices.append(_("“%(value)s” is not a date; write it as 2026-03-31.", value=value))
        return None
    start = datetime(day.year, day.month, day.day)
    if key == "before":
        return wq.DateRange("created", None, start - timedelta(microseconds=1)) if start > datetime.min \
            else wq.NullQuery  # nothing was written before the year 1
    return wq.DateRange("created", start, None)


def _read_date(value: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _status_filter(_user, parsed: Parsed, _key, value: str):
    if value.lower() in ("solved", "unanswered"):
        return wq.Term("status", value.lower())
    parsed.notices.append(_("“is:%(value)s” is not a filter; try is:solved or is:unanswered.", value=value))
    return None
