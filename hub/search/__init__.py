"""Search: the engine (engine.py) over a Whoosh index (index.py), fed through an outbox
(queue.py) with the documents the domains register (documents.py), parsed queries (query.py),
full rebuilds (rebuild.py) and the pages (views.py). Every hit is filtered by the policy's
search scope inside the engine and checked again.

`from hub import search` then `search.search(...)`, `search.get_index()` and the rest of the
engine's names work as before: they are looked up in engine.py when first asked for, so
importing a submodule (models import the queue's table) does not load the engine."""
from __future__ import annotations

import importlib


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    engine = importlib.import_module("hub.search.engine")  # (a `from` import here would ask this hook again)
    try:
        return getattr(engine, name)
    except AttributeError:
        raise AttributeError(f"module 'hub.search' has no attribute {name!r}") from None
