"""Run-chart rules against limits computed here, independently, and hand-worked series."""
from __future__ import annotations

import itertools
import math
from functools import lru_cache

import pytest

from hub.projects import run_rules as rr


# -- Anhøj's limits, from their definitions -----------------------------------------------

def independent_crossings_min(n: int) -> int:
    """qbinom(0.05, n − 1, 0.5) in integers: the smallest x with 20·Σ_{k≤x} C(n−1, k) ≥ 2^(n−1)."""
    running = 0
    for x in range(n):
        running += math.comb(n - 1, x)
        if 20 * running >= 2 ** (n - 1):
            return x
    raise AssertionError


def independent_longest_run_limit(n: int) -> int:
    """round-half-up(log2 n + 3) without floating point: L is the integer with
    L − 3.5 <= log2 n < L − 2.5, i.e. 2^(2L − 7) <= n² < 2^(2L − 5)."""
    for limit in range(1, 64):
        if 2 ** (2 * limit - 7) <= n * n < 2 ** (2 * limit - 5):
            return limit
    raise AssertionError


def test_anhoej_limits_for_10_to_100_useful_points():
    for n in range(10, 101):
        assert rr.crossings_min(n) == independent_crossings_min(n), n
        assert rr.longest_run_limit(n) == independent_longest_run_limit(n), n


def test_longest_run_limits_agree_with_a_published_table():
    # spot values from a published table of log2(n) + 3 rounded (n: upper limit)
    published = {10: 6, 11: 6, 12: 7, 22: 7, 23: 8, 45: 8, 46: 9, 90: 9, 91: 10, 100: 10}
    assert {n: rr.longest_run_limit(n) for n in published} == published


def test_log2_never_lands_on_a_half_so_bankers_rounding_cannot_bite():
    # log2(n) = k + 1/2 would make n = 2^k·√2, irrational; the float is never even close
    for n in range(1, 10_001):
        frac = math.log2(n) % 1
        assert abs(frac - 0.5) > 1e-6, n


def test_qbinom_follows_rs_definition():
    # Binomial(4, 1/2): P(X<=0)=1/16, P(X<=1)=5/16, P(X<=2)=11/16
    assert rr.qbinom(0.0625, 4) == 0  # "≥ p", not "> p"
    assert rr.qbinom(0.07, 4) == 1
    assert rr.qbinom(0.5, 4) == 2
    assert rr.qbinom(1.0, 4) == 4


# -- the IHI runs table --------------------------------------------------------------------

@lru_cache(maxsize=None)
def count_arrangements(a: int, b: int, last: int, runs: int) -> int:
    """Arrangements of a points above and b below that end on side `last` (1 above,
    0 below) and have exactly `runs` runs: a recursion, not Swed & Eisenhart's formula."""
    if a < 0 or b < 0 or runs < 1:
        return 0
    if a + b == 1:
        return int(runs == 1 and ((last == 1 and a == 1) or (last == 0 and b == 1)))
    if last == 1:
        if a == 0:
            return 0
        return count_arrangements(a - 1, b, 1, runs) + count_arrangements(a - 1, b, 0, runs - 1)
    if b == 0:
        return 0
    return count_arrangements(a, b - 1, 0, runs) + count_arrangements(a, b - 1, 1, runs - 1)


def independent_runs_limits(n: int) -> tuple[int, int]:
    a, b = n // 2, n - n // 2
    counts = {r: count_arrangements(a, b, 1, r) + count_arrangements(a, b, 0, r) for r in range(1, n + 1)}
    total = math.comb(n, a)
    lower = max(r for r in counts if 20 * sum(counts[s] for s in counts if s <= r) <= total)
    upper = min(r for r in counts if 20 * sum(counts[s] for s in counts if s >= r) <= total)
    return lower, upper


def test_the_recursion_agrees_with_brute_force():
    for n in range(10, 17):
        a = n // 2
        tally: dict[int, int] = {}
        for above in itertools.combinations(range(n), a):
            seq = [i in above for i in range(n)]
            runs = 1 + sum(seq[i] != seq[i - 1] for i in range(1, n))
            tally[runs] = tally.get(runs, 0) + 1
        for r, count in tally.items():
            assert count_arrangements(a, n - a, 1, r) + count_arrangements(a, n - a, 0, r) == count


def test_ihi_runs_limits_match_an_independent_derivation_for_10_to_60():
    for n in range(10, 61):
        assert rr.runs_limits(n) == independent_runs_limits(n), n


def test_ihi_runs_limits_match_the_published_table_rows():
    # Perla, Provost & Murray 2011, Table 1 (rows for an even number of useful points)
    published = {10: (3, 9), 12: (3, 11), 14: (4, 12), 16: (5, 13), 18: (6, 14), 20: (6, 16),
                 22: (7, 17), 24: (8, 18), 26: (9, 19), 28: (10, 20), 30: (11, 21), 40: (15, 27),
                 50: (19, 33), 60: (24, 38)}
    assert {n: rr.runs_limits(n) for n in published} == published


# -- hand-worked series --------------------------------------------------------------------

def test_median_skips_gaps_and_unused_points():
    assert rr.median([1, None, 3, 100, 2]) == 2.5
    assert rr.median([1, None, 3, 100, 2], used=[True, True, True, False, True]) == 2
    assert rr.median([None, None]) is None


def test_a_long_run_and_few_crossings():
    # 12 useful points: the limit for the longest run is 7 and for crossings 3
    values = [1, 2, 1, 2, 9, 9, 9, 9, 9, 9, 9, 9]
    signals = rr.anhoej(values, centre=5)
    long_runs = [s for s in signals if s.rule == "long_run"]
    assert long_runs == [rr.Signal("long_run", (4, 5, 6, 7, 8, 9, 10, 11), "above")]
    assert [s.rule for s in signals if s.rule == "few_crossings"] == ["few_crossings"]


def test_seven_in_a_row_with_twelve_points_is_not_long():
    values = [9, 9, 9, 9, 9, 9, 9, 1, 9, 1, 9, 1]  # longest run 7 = limit; 5 crossings >= 3
    assert rr.anhoej(values, centre=5) == []


def test_points_on_the_median_neither_break_nor_count():
    # 8 points above with two on the median between them: still one run of 8, and only
    # the 8 + 2 useful points count towards n (10: longest-run limit 6)
    values = [9, 9, 9, 5, 9, 9, 5, 9, 9, 9, 1, 1]
    summary = rr.summarise_runs(values, 5)
    assert summary.n_useful == 10 and summary.longest_run == 8 and summary.longest_run_limit == 6
    assert rr.Signal("long_run", (0, 1, 2, 4, 5, 7, 8, 9), "above") in rr.anhoej(values, 5)
    assert rr.Signal("shift", (0, 1, 2, 4, 5, 7, 8, 9), "above") in rr.ihi(values, 5)


def test_gaps_do_not_break_runs():
    values = [9, 9, None, 9, 9, None, None, 9, 9, 1, 1, 1, 1]
    shifts = [s for s in rr.ihi(values, 5) if s.rule == "shift"]
    assert shifts == [rr.Signal("shift", (0, 1, 3, 4, 7, 8), "above")]


def test_a_shift_needs_six():
    assert not [s for s in rr.ihi([9, 9, 9, 9, 9, 1, 1, 1, 1, 1], 5) if s.rule == "shift"]
    below = [s for s in rr.ihi([9, 1, 1, 1, 1, 1, 1, 9], 5) if s.rule == "shift"]
    assert below == [rr.Signal("shift", (1, 2, 3, 4, 5, 6), "below")]


def test_trends_of_five_count_a_repeated_value_once():
    assert rr.trends([1, 2, 3, 4]) == []
    assert rr.trends([1, 2, 3, 4, 5]) == [rr.Signal("trend", (0, 1, 2, 3, 4), "up")]
    # 1 2 2 3 4: the repeat neither breaks nor adds, so only four distinct steps
    assert rr.trends([1, 2, 2, 3, 4]) == []
    assert rr.trends([5, 4, 4, 3, None, 2, 1]) == [rr.Signal("trend", (0, 1, 2, 3, 5, 6), "down")]
    # a turning point ends one trend and starts the next
    assert [s.side for s in rr.trends([1, 2, 3, 4, 5, 4, 3, 2, 1])] == ["up", "down"]


def test_too_few_and_too_many_runs():
    clustered = [9] * 5 + [1] * 5 + [9] * 5 + [1] * 5  # 20 useful, 4 runs < 6
    assert [s.rule for s in rr.ihi(clustered, 5) if s.rule.endswith("runs")] == ["few_runs"]
    alternating = [9, 1] * 10  # 20 runs > 16
    assert [s.rule for s in rr.ihi(alternating, 5) if s.rule.endswith("runs")] == ["many_runs"]
    steady = [9, 9, 1, 1] * 5  # 10 runs: inside 6..16
    assert not [s for s in rr.ihi(steady, 5) if s.rule.endswith("runs")]


def test_astronomical_points_are_spikes_not_steps():
    values = [5, 6, 5, 40, 6, 5, 20, 21, 20, 2]
    assert not [s for s in rr.ihi(values, 5.5) if s.rule == "astronomical"]  # no limit, no judgement
    found = [s for s in rr.ihi(values, 5.5, spike_limit=10) if s.rule == "astronomical"]
    # 40 jumps from both neighbours; 6 → 20 is a step (one jump); the last point falls 18 from its one neighbour
    assert found == [rr.Signal("astronomical", (3,), "above"), rr.Signal("astronomical", (9,), "below")]
    assert rr.spikes([5, None, 40, None, 5], 10) == [rr.Signal("astronomical", (2,), "above")]
    assert rr.spikes([5, 16, 5], 11) == []  # a jump of exactly the limit is not beyond it
    assert rr.spikes([5, 5, 5, 30], 10) == [rr.Signal("astronomical", (3,), "above")]  # the latest point
    assert rr.spikes([40, 5, 5, 45], 10) == [rr.Signal("astronomical", (3,), "above")]  # 40 is not beyond 45


def test_longest_run_limit_refuses_nothing_to_count():
    with pytest.raises(ValueError):
        rr.longest_run_limit(0)
    assert rr.anhoej([5, 5, None], 5) == []
