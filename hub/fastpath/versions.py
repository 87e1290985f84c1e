"""Version counters that move, in the same flush, whenever what a kept page shows changes.

A kept page (page_cache) is served again only while its stamp is unchanged, and a page's stamp
reads one counter (a thread's `version`) instead of every row it shows. This is the one
after-flush listener that moves such counters; a domain registers what moves its counter:
rows that name it directly (a post's thread_id), and rows that name it through another row (a
reaction's post, whose thread it is). Without it, kept pages would show stale content.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import event, update
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Counter:
    table: Any            # the counted rows' table (it has `id` and `version` columns)
    direct: dict[type, Callable[[Any], int | None]]  # a changed row -> the counted row's id
    # a changed row -> (an id of another row, a function of those ids giving the counted rows' ids as SQL)
    through: dict[type, tuple[Callable[[Any], int | None], Callable[[list[int]], Any]]] = field(default_factory=dict)


COUNTERS: list[Counter] = []


def register(counter: Counter) -> None:
    COUNTERS.append(counter)


def _bump(session: Session, _flush_context) -> None:
    changed = [obj for objects in (session.new, session.dirty, session.deleted) for obj in objects]
    for counter in COUNTERS:
        ids = {counter.direct[type(obj)](obj) for obj in changed if type(obj) in counter.direct} - {None}
        via: dict[type, set[int]] = {}
        for obj in changed:
            if type(obj) in counter.through:
                via.setdefault(type(obj), set()).add(counter.through[type(obj)][0](obj))
        if not ids and not any(v - {None} for v in via.values()):
            continue
        where = counter.table.c.id.in_(sorted(ids))
        for kind, other_ids in via.items():
            other_ids.discard(None)
            if other_ids:
                where = where | counter.table.c.id.in_(counter.through[kind][1](sorted(other_ids)))
        session.connection().execute(update(counter.table).where(where).values(version=counter.table.c.version + 1))


event.listen(Session, "after_flush", _bump)
