"""Small-cell suppression for one measure's stratified counts in one period.

A count from 1 to threshold − 1 is never published; zero may be. Primary suppression
hides the small counts (numerators, denominators, and for proportions the complement
den − num, which a reader can derive); complementary suppression then hides enough
other counts that no hidden one can be recovered by subtraction from a published total,
margin or numerator/denominator pair. A reliability flag for rates from few events is
kept apart: it is about precision, not privacy."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

DEFAULT_THRESHOLD = 11
UNSTABLE_EVENTS = 20  # rates from fewer events are flagged unstable

Loc = tuple[str, ...]  # ("total",), ("stratum", stratifier, stratum), ("cell", row, col)
Key = tuple[str, Loc]  # (kind, loc); kind is "num", "den" or "comp"


class Suppressed:
    """The marker published in place of a hidden value."""
    _instance: Suppressed | None = None

    def __new__(cls) -> Suppressed:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "SUPPRESSED"


SUPPRESSED = Suppressed()


@dataclass(frozen=True)
class Intersection:
    """A two-way table whose cells sum to both one-way margins, e.g. race × language."""
    rows: str  # the stratifier whose strata are the rows
    cols: str
    cells: Mapping[tuple[str, str], tuple[int, int]]  # (row, col) -> (num, den)


@dataclass(frozen=True)
class PublishedCell:
    numerator: int | Suppressed
    denominator: int | Suppressed
    rate: float | Suppressed  # num / den; suppressed with either, or when den is 0
    unstable: bool | None  # fewer than UNSTABLE_EVENTS events; None when the rate is hidden


@dataclass(frozen=True)
class SuppressedTable:
    total: PublishedCell
    strata: dict[str, dict[str, PublishedCell]]
    intersection: dict[tuple[str, str], PublishedCell] | None
    hidden: frozenset[Key]  # every hidden quantity, complements included (for audits)


def _check(total: tuple[int, int], stratifiers: Mapping[str, Mapping[str, tuple[int, int]]],
           intersection: Intersection | None, proportion: bool) -> None:
    pairs = [total, *(p for strata in stratifiers.values() for p in strata.values())]
    if intersection:
        pairs += list(intersection.cells.values())
    for num, den in pairs:
        if num < 0 or den < 0 or int(num) != num or int(den) != den or (proportion and num > den):
            raise ValueError("counts must be non-negative integers, numerators no larger than denominators")
    for name, strata in stratifiers.items():
        if tuple(map(sum, zip(*strata.values()))) != tuple(total):
            raise ValueError(f"the strata of {name!r} do not sum to the total")
    if intersection:
        for axis, name in ((0, intersection.rows), (1, intersection.cols)):
            for stratum, margin in stratifiers[name].items():
                inside = [p for rc, p in intersection.cells.items() if rc[axis] == stratum]
                if tuple(map(sum, zip(*inside))) != tuple(margin):
                    raise ValueError(f"the intersection does not sum to {name!r} = {stratum!r}")


def _values(total: tuple[int, int], stratifiers: Mapping[str, Mapping[str, tuple[int, int]]],
            intersection: Intersection | None, proportion: bool) -> dict[Key, int]:
    locs: dict[Loc, tuple[int, int]] = {("total",): total}
    for name, strata in stratifiers.items():
        for stratum, pair in strata.items():
            locs[("stratum", name, stratum)] = pair
    if intersection:
        for (r, c), pair in intersection.cells.items():
            locs[("cell", r, c)] = pair
    values: dict[Key, int] = {}
    for loc, (num, den) in locs.items():
        values[("num", loc)], values[("den", loc)] = num, den
        if proportion:
            values[("comp", loc)] = den - num
    return values


def additive_groups(stratifiers: Mapping[str, Mapping[str, object]], intersection: Intersection | None,
                    proportion: bool) -> list[tuple[Key, tuple[Key, ...]]]:
    """Every published equation total = Σ parts a reader can subtract with."""
    kinds = ("num", "den", "comp") if proportion else ("num", "den")
    groups: list[tuple[Key, tuple[Key, ...]]] = []
    locs: list[Loc] = [("total",)]
    for kind in kinds:
        for name, strata in stratifiers.items():
            groups.append(((kind, ("total",)), tuple((kind, ("stratum", name, s)) for s in strata)))
        if intersection:
            for axis, name in ((0, intersection.rows), (1, intersection.cols)):
                for stratum in stratifiers[name]:
                    parts = tuple((kind, ("cell", r, c)) for (r, c) in intersection.cells if (r, c)[axis] == stratum)
                    groups.append(((kind, ("stratum", name, stratum)), parts))
    for name, strata in stratifiers.items():
        locs += [("stratum", name, s) for s in strata]
    if intersection:
        locs += [("cell", r, c) for (r, c) in intersection.cells]
    if proportion:
        groups += [(("den", loc), (("num", loc), ("comp", loc))) for loc in locs]
    return groups


def _rref(rows: list[list[Fraction]], width: int) -> tuple[list[list[Fraction]], list[int]]:
    rows = [r[:] for r in rows]
    pivots: list[int] = []
    r = 0
    for j in range(width):
        pivot = next((i for i in range(r, len(rows)) if rows[i][j]), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        rows[r] = [x / rows[r][j] for x in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][j]:
                factor = rows[i][j]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r])]
        pivots.append(j)
        r += 1
    return rows[:r], pivots


def _feasible(rows: list[list[Fraction]], rhs: list[Fraction]) -> bool:
    """Whether A x = b has a solution with x >= 0: phase one of the simplex method,
    exact in fractions, Bland's rule so it cannot cycle."""
    m, n = len(rows), len(rows[0]) if rows else 0
    table = []
    for i, (row, b) in enumerate(zip(rows, rhs)):
        sign = -1 if b < 0 else 1
        table.append([sign * x for x in row] + [Fraction(int(k == i)) for k in range(m)] + [sign * b])
    basis = [n + i for i in range(m)]
    cost = [-sum(t[j] for t in table) if j < n else Fraction(0) for j in range(n + m)] + [-sum(t[-1] for t in table)]
    while True:
        enter = next((j for j in range(n + m) if cost[j] < 0), None)
        if enter is None:
            return cost[-1] == 0
        candidates = [(t[-1] / t[enter], basis[i], i) for i, t in enumerate(table) if t[enter] > 0]
        if not candidates:
            return cost[-1] == 0
        leave = min(candidates)[2]
        pivot = table[leave][enter]
        table[leave] = [x / pivot for x in table[leave]]
        for i, t in enumerate(table):
            if i != leave and t[enter]:
                factor = t[enter]
                table[i] = [a - factor * b for a, b in zip(t, table[leave])]
        factor = cost[enter]
        cost = [a - factor * b for a, b in zip(cost, table[leave])]
        basis[leave] = enter


def pinned_cells(hidden: set[Key], groups: list[tuple[Key, tuple[Key, ...]]], values: dict[Key, int]) -> list[Key]:
    """Hidden counts a reader could pin down from the published values and equations,
    knowing that counts are integers >= 0 and that zeros are published (so a hidden count
    is taken to be >= 1; hidden zeros, which this module avoids, >= 0).

    A hidden count is pinned when no change of the hidden counts keeps every equation and
    bound: when its unit vector lies in the equations' row space, or when every such change
    would push a count that sits at its lower bound below it (a small linear programme)."""
    columns = sorted(hidden)
    where = {k: j for j, k in enumerate(columns)}
    rows: list[list[Fraction]] = []
    for total, parts in groups:
        row = [Fraction(0)] * len(columns)
        for key, sign in ((total, 1), *((p, -1) for p in parts)):
            if key in where:
                row[where[key]] += sign
        if any(row):
            rows.append(row)
    reduced, pivots = _rref(rows, len(columns))
    free = [j for j in range(len(columns)) if j not in pivots]
    pinned = [columns[j] for i, j in enumerate(pivots) if not any(reduced[i][f] for f in free)]
    if pinned:
        return pinned
    tight = [j for j, k in enumerate(columns) if values[k] <= 1]  # at the lower bound a reader assumes
    if not tight:
        return []
    basis = []  # one null-space vector per free column
    for f in free:
        v = [Fraction(0)] * len(columns)
        v[f] = Fraction(1)
        for i, j in enumerate(pivots):
            v[j] = -reduced[i][f]
        basis.append(v)
    for j in range(len(columns)):
        if any(v[j] and (all(v[t] >= 0 for t in tight) or all(v[t] <= 0 for t in tight)) for v in basis):
            continue  # one basis direction moves it without breaking a bound
        # is there d with A d = 0, d_j = ±1 and d >= 0 on the tight counts? free signs split as p − q
        loose = [i for i in range(len(columns)) if i not in tight]
        lp_rows = [[r[i] for i in tight] + [r[i] for i in loose] + [-r[i] for i in loose] for r in reduced]
        unit = [Fraction(int(i == j)) for i in tight] + [Fraction(int(i == j)) for i in loose] + \
            [-Fraction(int(i == j)) for i in loose]
        if not any(_feasible(lp_rows + [unit], [Fraction(0)] * len(lp_rows) + [Fraction(s)]) for s in (1, -1)):
            pinned.append(columns[j])
    return pinned


def _hide_next(candidates: list[Key], values: dict[Key, int], hidden: set[Key]) -> Key | None:
    """The smallest shown non-zero candidate: hiding a zero adds nothing to a hidden sum."""
    shown = sorted((values[k], k) for k in candidates if k not in hidden and values[k] > 0)
    return shown[0][1] if shown else None


def hidden_cells(values: dict[Key, int], groups: list[tuple[Key, tuple[Key, ...]]], threshold: int) -> set[Key]:
    """Primary suppression, then complementary suppression to a fixed point."""
    hidden = {k for k, v in values.items() if 1 <= v < threshold}
    while True:
        changed = True
        while changed:
            changed = False
            for total, parts in groups:
                changed |= _cover(total, parts, values, hidden, threshold)
        # the group rule can still leave a cell pinned by several equations and bounds together
        pinned = pinned_cells(hidden, groups, values)
        if not pinned:
            return hidden
        # hide the smallest shown count next to a pinned one; failing that, any shown count
        near = [k for total, parts in groups if any(p in (total, *parts) for p in pinned) for k in (total, *parts)]
        nxt = _hide_next(near, values, hidden) or next((k for k in near if k not in hidden), None) \
            or _hide_next(list(values), values, hidden) or next((k for k in values if k not in hidden), None)
        if nxt is None:  # everything is hidden already
            return hidden
        hidden.add(nxt)


def _cover(total: Key, parts: tuple[Key, ...], values: dict[Key, int], hidden: set[Key], threshold: int) -> bool:
    """Hide more of one group until its hidden cells are safe: at least two, and, when the
    total is published (so their sum is known), summing to the threshold or more, so that
    two hidden cells summing to 2 cannot both be read as 1. Prefers the smallest part and
    hides the total itself only when no part is left. True if anything was hidden."""
    if not any(k in hidden for k in (total, *parts)):
        return False
    changed = False
    while True:
        if total in hidden:  # nothing fixes the hidden parts' sum: two hidden members will do
            ok = sum(k in hidden for k in (total, *parts)) >= 2
        else:
            hid = [k for k in parts if k in hidden]
            ok = len(hid) >= 2 and sum(values[k] for k in hid) >= threshold
        if ok:
            return changed
        nxt = _hide_next(list(parts), values, hidden) or (total if total not in hidden else None)
        if nxt is None:
            return changed
        hidden.add(nxt)
        changed = True


def _published(loc: Loc, values: dict[Key, int], hidden: set[Key], unstable_below: int) -> PublishedCell:
    num = SUPPRESSED if ("num", loc) in hidden else values[("num", loc)]
    den = SUPPRESSED if ("den", loc) in hidden else values[("den", loc)]
    if isinstance(num, Suppressed) or isinstance(den, Suppressed) or den == 0:
        return PublishedCell(num, den, SUPPRESSED, None)
    return PublishedCell(num, den, num / den, num < unstable_below)


def suppress(total: tuple[int, int], stratifiers: Mapping[str, Mapping[str, tuple[int, int]]],
             intersection: Intersection | None = None, threshold: int = DEFAULT_THRESHOLD,
             proportion: bool = True, unstable_below: int = UNSTABLE_EVENTS) -> SuppressedTable:
    """Publishable numerators, denominators and rates for the total, each stratum and each
    intersection cell. proportion=False for rates over exposure, where den − num means nothing."""
    if threshold < 2:
        raise ValueError("threshold must be at least 2")
    _check(total, stratifiers, intersection, proportion)
    values = _values(total, stratifiers, intersection, proportion)
    groups = additive_groups(stratifiers, intersection, proportion)
    hidden = hidden_cells(values, groups, threshold)
    strata = {name: {s: _published(("stratum", name, s), values, hidden, unstable_below) for s in ss}
              for name, ss in stratifiers.items()}
    cells = {rc: _published(("cell", *rc), values, hidden, unstable_below) for rc in intersection.cells} \
        if intersection else None
    return SuppressedTable(_published(("total",), values, hidden, unstable_below), strata, cells, frozenset(hidden))
