"""A statement built once, compiled once per dialect, and run on the driver's own cursor.

For the one statement the most visited page runs on every request. SQLAlchemy compiles it, so the
SQL sent is the SQL Core would send, and the columns' own types convert what comes back. What is
skipped is Core's set-up of every execution (the statement's cache key, an execution context,
the result's metadata), which for a statement this wide costs twice what the database takes to
answer it. The engine's cursor events still fire with the real connection, so whatever watches the
statements sent (the tests that count them, logging) sees this one too.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Connection


class _Compiled(NamedTuple):
    sql: str
    order: tuple[str, ...] | None  # bind names in order, for a positional paramstyle (SQLite's "?")
    fixed: dict[str, Any]  # binds with a value of their own (literals such as the staff roles)
    bind_processors: dict[str, Any]
    result_processors: tuple


class PlainStatement:
    def __init__(self, statement):
        self.statement = statement
        self.row_type = namedtuple("PlainRow", [column.key for column in statement.selected_columns], rename=True)
        # By the engine's own dialect object: what SQL it compiles to can depend on its settings and
        # on the server's version, and an engine disposed of takes its entry with it.
        self._compiled: WeakKeyDictionary = WeakKeyDictionary()

    def _for(self, dialect) -> _Compiled:
        compiled = self._compiled.get(dialect)
        if compiled is None:
            compiled = self._compiled[dialect] = self._compile(dialect)
        return compiled

    def _compile(self, dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect)
        binds = compiled.binds
        if any(bind.expanding for bind in binds.values()):
            raise ValueError("a plain statement cannot expand IN lists per execution")
        bind_processors = {name: processor for name, bind in binds.items()
                           if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect))}
        return _Compiled(
            compiled.string, tuple(compiled.positiontup) if compiled.positional else None,
            {name: bind.value for name, bind in binds.items() if not bind.required},
            bind_processors,
            tuple(column.type.dialect_impl(dialect).result_processor(dialect, None)
                  for column in self.statement.selected_columns))

    def one_or_none(self, connection: Connection, params: dict[str, Any]) -> tuple | None:
        """The statement's one row (converted as Core would convert it), or None. The row is a
        named tuple: its values are read by their columns' names (labels), as a Core row's are."""
        compiled = self._for(connection.dialect)
        values = compiled.fixed | params
        for name, processor in compiled.bind_processors.items():
            values[name] = processor(values[name])
        parameters = values if compiled.order is None else [values[name] for name in compiled.order]
        dispatch = connection.dispatch
        cursor = connection.connection.cursor()
        try:
            if dispatch.before_cursor_execute:
                dispatch.before_cursor_execute(connection, cursor, compiled.sql, parameters, None, False)
            cursor.execute(compiled.sql, parameters)
            if dispatch.after_cursor_execute:
                dispatch.after_cursor_execute(connection, cursor, compiled.sql, parameters, None, False)
            rows = cursor.fetchmany(2)
        finally:
            cursor.close()
        if not rows:
            return None
        if len(rows) > 1:
            raise ValueError("a plain statement's one row came with another")
        return self.row_type._make(value if processor is None else processor(value)
                                   for processor, value in zip(compiled.result_processors, rows[0]))
