"""Small-cell suppression: unit cases, and an attacker who knows every published value and
every margin equation and still cannot pin down a hidden count."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.projects.suppression import SUPPRESSED, Intersection, Suppressed, suppress

T = 11


def hidden(value: object) -> bool:
    return isinstance(value, Suppressed)


# -- the obvious cases -------------------------------------------------------------------

def test_one_small_numerator_forces_a_second_numerator_to_hide():
    table = suppress((100, 400), {"race": {"A": (5, 100), "B": (40, 150), "C": (55, 150)}})
    race = table.strata["race"]
    assert race["A"].numerator is SUPPRESSED and race["A"].rate is SUPPRESSED
    # 100 − 40 − 55 would give A's 5 back, so the smallest other numerator hides too
    assert race["B"].numerator is SUPPRESSED
    assert race["C"].numerator == 55 and race["C"].rate == pytest.approx(55 / 150)
    assert table.total.numerator == 100 and table.total.denominator == 400
    assert race["A"].denominator == 100  # the denominators are all large and may stand


def test_two_hidden_cells_summing_below_the_threshold_are_not_enough():
    # 1 + 1: with zeros published, a reader would know both hidden cells are 1
    table = suppress((62, 210), {"g": {"A": (1, 50), "B": (1, 50), "C": (20, 50), "D": (40, 60)}})
    g = table.strata["g"]
    assert g["A"].numerator is SUPPRESSED and g["B"].numerator is SUPPRESSED
    assert g["C"].numerator is SUPPRESSED  # the smallest that lifts the hidden sum to 11 or more
    assert g["D"].numerator == 40


def test_zero_is_shown():
    table = suppress((30, 300), {"g": {"A": (0, 100), "B": (15, 100), "C": (15, 100)}})
    g = table.strata["g"]
    assert g["A"].numerator == 0 and g["A"].rate == 0 and g["A"].unstable is True
    assert not table.hidden


def test_the_complement_is_a_count_too():
    # 45 of 50: the 5 without the event are a small cell, so the numerator cannot stand
    table = suppress((145, 250), {"g": {"A": (45, 50), "B": (50, 100), "C": (50, 100)}})
    a = table.strata["g"]["A"]
    assert a.denominator == 50 and a.numerator is SUPPRESSED and a.rate is SUPPRESSED


def test_the_total_hides_when_nothing_else_can_cover():
    # two strata, one small: hiding the other still leaves total − den_B; the total must go
    table = suppress((3, 8), {"g": {"A": (3, 8), "B": (0, 0)}})
    assert table.strata["g"]["A"].denominator is SUPPRESSED
    assert table.total.denominator is SUPPRESSED and table.total.numerator is SUPPRESSED


def test_small_denominator_hides_its_rate_and_the_other_stratifier_covers():
    strat = {"race": {"A": (2, 6), "B": (30, 100), "C": (30, 100)},
             "lang": {"en": (40, 130), "es": (22, 76)}}
    table = suppress((62, 206), strat)
    assert table.strata["race"]["A"].denominator is SUPPRESSED
    assert table.strata["race"]["A"].rate is SUPPRESSED and table.strata["race"]["A"].unstable is None


def test_unstable_flag_is_about_events_not_privacy():
    table = suppress((150, 600), {"g": {"A": (19, 200), "B": (20, 200), "C": (111, 200)}})
    g = table.strata["g"]
    assert g["A"].unstable is True and g["B"].unstable is False and g["C"].unstable is False
    assert g["A"].numerator == 19


def test_threshold_is_configurable():
    strat = {"g": {"A": (6, 100), "B": (40, 100)}}
    assert suppress((46, 200), strat, threshold=5).strata["g"]["A"].numerator == 6
    assert suppress((46, 200), strat).strata["g"]["A"].numerator is SUPPRESSED


def test_margins_that_do_not_add_up_are_refused():
    with pytest.raises(ValueError):
        suppress((50, 100), {"g": {"A": (20, 50), "B": (20, 50)}})
    with pytest.raises(ValueError):
        suppress((10, 5), {"g": {"A": (10, 5)}})


# -- the attacker ------------------------------------------------------------------------

def equations(total, strat, cells, rows, cols):
    """Every equation a reader knows, written here from the table's shape (not from the
    module): each stratifier sums to the total; the intersection sums to both margins."""
    eqs = []
    for kind in ("num", "den"):
        for name, strata in strat.items():
            eqs.append([((kind, "total"), 1)] + [((kind, name, s), -1) for s in strata])
        if cells is not None:
            for r in strat[rows]:
                eqs.append([((kind, rows, r), 1)] + [((kind, "cell", r, c), -1) for c in strat[cols]])
            for c in strat[cols]:
                eqs.append([((kind, cols, c), 1)] + [((kind, "cell", r, c), -1) for r in strat[rows]])
    return eqs


def published_values(table, strat, cells):
    out = {("num", "total"): table.total.numerator, ("den", "total"): table.total.denominator}
    for name, strata in strat.items():
        for s in strata:
            out[("num", name, s)] = table.strata[name][s].numerator
            out[("den", name, s)] = table.strata[name][s].denominator
    if cells is not None:
        for (r, c) in cells:
            out[("num", "cell", r, c)] = table.intersection[(r, c)].numerator
            out[("den", "cell", r, c)] = table.intersection[(r, c)].denominator
    return out


def feasible_alternative(target, truth, shown, eqs, window=3):
    """Search for integers, agreeing with every published value and equation and with
    0 <= num <= den, in which `target` differs from its true value. Zeros are published,
    so the attacker also takes every hidden count to be at least 1 (at least 0 for a
    hidden true zero, so the truth stays feasible). Branching stays within `window` of the
    truth (forced values may go anywhere), so a found solution is real; not finding one
    only makes this test stricter."""
    unknown = [k for k, v in shown.items() if hidden(v)]
    known = {k: v for k, v in shown.items() if not hidden(v)}
    floor = {k: min(1, truth[k]) for k in unknown}
    pairs = [(k, ("den",) + k[1:]) for k in shown if k[0] == "num"]

    def consistent(assign):
        assign = dict(assign)
        while True:
            progress = False
            for eq in eqs:
                total, free = 0, []
                for key, sign in eq:
                    value = known.get(key, assign.get(key))
                    if value is None:
                        free.append((key, sign))
                    else:
                        total += sign * value
                if not free and total != 0:
                    return None
                if len(free) == 1:
                    key, sign = free[0]
                    value = -total * sign
                    if value < floor[key]:
                        return None
                    assign[key] = value
                    progress = True
            for num, den in pairs:
                n, d = known.get(num, assign.get(num)), known.get(den, assign.get(den))
                if n is not None and d is not None and n > d:
                    return None
            if not progress:
                return assign

    def search(assign):
        assign = consistent(assign)
        if assign is None:
            return False
        rest = [k for k in unknown if k not in assign]
        if not rest:
            return True
        # branch on a cell of the equation with the fewest open cells, nearest values first:
        # a small change to the truth is the likeliest other solution
        open_cells = [[k for k, _ in eq if k in rest] for eq in eqs]
        key = min((cells for cells in open_cells if cells), key=len, default=rest)[0]
        return any(search({**assign, key: v}) for v in nearby(truth[key]))

    def nearby(value):
        return sorted(range(max(min(1, value), value - window), value + window + 1), key=lambda v: abs(v - value))

    return any(search({target: v}) for v in nearby(truth[target]) if v != truth[target])


@st.composite
def tables(draw):
    small = st.one_of(st.integers(0, 12), st.integers(0, 60))
    n_rows = draw(st.integers(2, 4))
    two_way = draw(st.booleans())
    n_cols = draw(st.integers(2, 3)) if two_way else 1
    rows = [f"r{i}" for i in range(n_rows)]
    cols = [f"c{j}" for j in range(n_cols)]
    cells = {}
    for r in rows:
        for c in cols:
            den = draw(small)
            num = draw(st.one_of(st.integers(0, min(den, 12)), st.integers(0, den)))
            cells[(r, c)] = (num, den)

    def margin(keys):
        return (sum(cells[k][0] for k in keys), sum(cells[k][1] for k in keys))

    strat = {"rows": {r: margin([(r, c) for c in cols]) for r in rows}}
    if two_way:
        strat["cols"] = {c: margin([(r, c) for r in rows]) for c in cols}
    total = margin(list(cells))
    publish_cells = two_way and draw(st.booleans())
    return total, strat, (cells if publish_cells else None)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_hidden_count_can_be_recovered(case):
    total, strat, cells = case
    table = suppress(total, strat, Intersection("rows", "cols", cells) if cells else None)
    truth = {("num", "total"): total[0], ("den", "total"): total[1]}
    for name, strata in strat.items():
        for s, (num, den) in strata.items():
            truth[("num", name, s)], truth[("den", name, s)] = num, den
    for (r, c), (num, den) in (cells or {}).items():
        truth[("num", "cell", r, c)], truth[("den", "cell", r, c)] = num, den
    shown = published_values(table, strat, cells)
    eqs = equations(total, strat, cells, "rows", "cols")

    for key, value in shown.items():
        # never a small count in print, and never the complement of one
        assert hidden(value) or not 1 <= value < T, key
        if key[0] == "num" and not hidden(value):
            den = shown[("den",) + key[1:]]
            assert hidden(den) or not 1 <= den - value < T, key
    for key in (k for k, v in shown.items() if hidden(v)):
        assert feasible_alternative(key, truth, shown, eqs), f"{key} is pinned to {truth[key]}"
    # a hidden complement (num shown, den hidden or the reverse) is covered by the same search


def test_a_cell_pinned_by_several_equations_together_is_covered():
    """Two 2×2 blocks of small cells joined by one more: every row and column has two or
    more hidden cells summing to 11 or more, yet the joining cell is fixed by the margins
    (column c0 + column c1 − row r0 leaves r1's first two cells, and row r1 then gives it).
    The group rule alone would publish a table that gives it away."""
    rows, cols = ["r0", "r1", "r2", "r3"], ["c0", "c1", "c2", "c3"]
    small = {("r0", "c0"), ("r0", "c1"), ("r1", "c0"), ("r1", "c1"), ("r1", "c2"),
             ("r2", "c2"), ("r2", "c3"), ("r3", "c2"), ("r3", "c3")}
    cells = {(r, c): (6 if (r, c) in small else 50, 100) for r in rows for c in cols}

    def margin(keys):
        return (sum(cells[k][0] for k in keys), sum(cells[k][1] for k in keys))

    strat = {"rows": {r: margin([(r, c) for c in cols]) for r in rows},
             "cols": {c: margin([(r, c) for r in rows]) for c in cols}}
    total = margin(list(cells))
    table = suppress(total, strat, Intersection("rows", "cols", cells), proportion=False)
    assert table.intersection[("r1", "c2")].numerator is SUPPRESSED
    truth = {("num", "total"): total[0], ("den", "total"): total[1]}
    for name, strata in strat.items():
        for s, (num, den) in strata.items():
            truth[("num", name, s)], truth[("den", name, s)] = num, den
    for (r, c), (num, den) in cells.items():
        truth[("num", "cell", r, c)], truth[("den", "cell", r, c)] = num, den
    shown = published_values(table, strat, cells)
    eqs = equations(total, strat, cells, "rows", "cols")
    for key in (k for k, v in shown.items() if hidden(v)):
        assert feasible_alternative(key, truth, shown, eqs), f"{key} is pinned to {truth[key]}"


def test_two_ones_hidden_across_a_table_are_not_readable_as_ones():
    """Found by the property test: every row and column had two hidden cells, but the two
    small interior denominators had to sum to 13 − 11 = 2, and hidden counts are not zero
    (zeros are shown), so both were 1. Hiding the 11 as well reopens the question."""
    cells = {("r0", "c0"): (0, 1), ("r0", "c1"): (0, 11), ("r1", "c0"): (0, 0), ("r1", "c1"): (0, 1)}
    strat = {"rows": {"r0": (0, 12), "r1": (0, 1)}, "cols": {"c0": (0, 1), "c1": (0, 12)}}
    table = suppress((0, 13), strat, Intersection("rows", "cols", cells))
    assert table.intersection[("r0", "c1")].denominator is SUPPRESSED
    truth = {("num", "total"): 0, ("den", "total"): 13}
    for name, strata in strat.items():
        for s, (num, den) in strata.items():
            truth[("num", name, s)], truth[("den", name, s)] = num, den
    for (r, c), (num, den) in cells.items():
        truth[("num", "cell", r, c)], truth[("den", "cell", r, c)] = num, den
    shown = published_values(table, strat, cells)
    eqs = equations((0, 13), strat, cells, "rows", "cols")
    for key in (k for k, v in shown.items() if hidden(v)):
        assert feasible_alternative(key, truth, shown, eqs), f"{key} is pinned to {truth[key]}"


def test_a_pinned_count_whose_neighbours_are_all_hidden_still_gets_cover():
    """Found by the property test: the count first found pinned had no shown neighbour, and
    the search gave up, publishing a table whose row r0 denominator could be read off."""
    cells = {("r0", "c0"): (0, 1), ("r0", "c1"): (1, 11), ("r1", "c0"): (0, 0), ("r1", "c1"): (0, 1)}
    strat = {"rows": {"r0": (1, 12), "r1": (0, 1)}, "cols": {"c0": (0, 1), "c1": (1, 12)}}
    table = suppress((1, 13), strat, Intersection("rows", "cols", cells))
    truth = {("num", "total"): 1, ("den", "total"): 13}
    for name, strata in strat.items():
        for s, (num, den) in strata.items():
            truth[("num", name, s)], truth[("den", name, s)] = num, den
    for (r, c), (num, den) in cells.items():
        truth[("num", "cell", r, c)], truth[("den", "cell", r, c)] = num, den
    shown = published_values(table, strat, cells)
    eqs = equations((1, 13), strat, cells, "rows", "cols")
    assert hidden(shown[("den", "rows", "r0")])
    for key in (k for k, v in shown.items() if hidden(v)):
        assert feasible_alternative(key, truth, shown, eqs), f"{key} is pinned to {truth[key]}"
