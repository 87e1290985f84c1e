"""Run-chart rules: Anhøj's (the default) and the IHI's, over one series of values.

A value of None is a missing or suppressed point: it is skipped, so it neither breaks
nor extends a run. Indices in signals are positions in the series as given."""
from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

Value = float | None


@dataclass(frozen=True)
class Signal:
    """One detected pattern. side is "above"/"below" (runs about the centre),
    "up"/"down" (trends), or None (too few crossings, too few or too many runs)."""
    rule: str
    indices: tuple[int, ...]
    side: str | None = None


@dataclass(frozen=True)
class RunSummary:
    """The numbers behind the runs rules, for a renderer's table or a test."""
    n_useful: int
    longest_run: int
    longest_run_limit: int | None
    crossings: int
    crossings_min: int | None
    runs: int
    runs_limits: tuple[int, int] | None


def median(values: Sequence[Value], used: Sequence[bool] | None = None) -> float | None:
    """The median of the present values whose `used` flag is true (excluded points are not used)."""
    chosen = [v for i, v in enumerate(values) if v is not None and (used is None or used[i])]
    return statistics.median(chosen) if chosen else None


def longest_run_limit(n: int) -> int:
    """round(log2(n) + 3), rounding half up as the paper does.

    Python's round() rounds half to even, but it cannot matter here: log2(n) + 3 ends in
    exactly .5 only if n = 2**(k + 1/2), which is irrational, so no integer n reaches a tie
    (tests check the distance from .5 for n up to 10,000). floor(x + 0.5) says what we mean."""
    if n < 1:
        raise ValueError("n must be positive")
    return math.floor(math.log2(n) + 3 + 0.5)


def qbinom(p: float, size: int, prob: Fraction = Fraction(1, 2)) -> int:
    """R's qbinom: the smallest x with P(X <= x) >= p for X ~ Binomial(size, prob), exactly."""
    target = Fraction(str(p))
    cumulative = Fraction(0)
    for x in range(size + 1):
        cumulative += math.comb(size, x) * prob**x * (1 - prob) ** (size - x)
        if cumulative >= target:
            return x
    return size


def crossings_min(n: int) -> int:
    """Anhøj's lower limit for the number of median crossings among n useful observations."""
    return qbinom(0.05, n - 1)


@lru_cache(maxsize=256)
def runs_distribution(above: int, below: int) -> dict[int, Fraction]:
    """Swed & Eisenhart (1943): the exact distribution of the number of runs when `above`
    and `below` points are arranged at random."""
    if above == 0 or below == 0:
        return {1: Fraction(1)}
    total = math.comb(above + below, above)
    dist: dict[int, Fraction] = {}
    for r in range(2, above + below + 1):
        k, odd = divmod(r, 2)
        if odd:
            ways = math.comb(above - 1, k) * math.comb(below - 1, k - 1) + \
                math.comb(above - 1, k - 1) * math.comb(below - 1, k)
        else:
            ways = 2 * math.comb(above - 1, k - 1) * math.comb(below - 1, k - 1)
        if ways:
            dist[r] = Fraction(ways, total)
    return dist


def runs_limits(n: int, alpha: float = 0.05) -> tuple[int, int]:
    """The IHI table's (lower, upper) limits for the number of runs among n useful points.

    The published table rests on Swed & Eisenhart's runs distribution; here it is derived
    from that exact distribution with the useful points split as evenly as the count allows
    (about the median, half lie on each side). lower is the largest r with P(R <= r) <= alpha
    and upper the smallest r with P(R >= r) <= alpha; fewer runs than lower, or more than
    upper, signal. The tests compare the result with the published rows."""
    dist = runs_distribution(n // 2, n - n // 2)
    a = Fraction(str(alpha))
    lower, cum = 1, Fraction(0)
    for r in sorted(dist):
        cum += dist[r]
        if cum > a:
            break
        lower = r
    upper, tail = n, Fraction(0)
    for r in sorted(dist, reverse=True):
        tail += dist[r]
        if tail > a:
            break
        upper = r
    return lower, upper


def _sides(values: Sequence[Value], centre: float) -> list[tuple[int, int]]:
    """(index, +1/-1) for each useful point: present and not on the centre line."""
    return [(i, 1 if v > centre else -1) for i, v in enumerate(values) if v is not None and v != centre]


def _runs(sides: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    runs: list[list[tuple[int, int]]] = []
    for point in sides:
        if runs and runs[-1][-1][1] == point[1]:
            runs[-1].append(point)
        else:
            runs.append([point])
    return runs


def _side_name(sign: int) -> str:
    return "above" if sign > 0 else "below"


def summarise_runs(values: Sequence[Value], centre: float, with_ihi_limits: bool = False) -> RunSummary:
    runs = _runs(_sides(values, centre))
    n = sum(len(r) for r in runs)
    return RunSummary(
        n_useful=n,
        longest_run=max((len(r) for r in runs), default=0),
        longest_run_limit=longest_run_limit(n) if n else None,
        crossings=max(len(runs) - 1, 0),
        crossings_min=crossings_min(n) if n else None,
        runs=len(runs),
        runs_limits=runs_limits(n) if with_ihi_limits and n >= 2 else None,
    )


def anhoej(values: Sequence[Value], centre: float) -> list[Signal]:
    """Unusually long runs and unusually few crossings (Anhøj & Olesen 2014)."""
    runs = _runs(_sides(values, centre))
    n = sum(len(r) for r in runs)
    if n == 0:
        return []
    limit = longest_run_limit(n)
    signals = [Signal("long_run", tuple(i for i, _ in run), _side_name(run[0][1]))
               for run in runs if len(run) > limit]
    if len(runs) - 1 < crossings_min(n):
        signals.append(Signal("few_crossings", tuple(i for run in runs for i, _ in run)))
    return signals


def trends(values: Sequence[Value], length: int = 5) -> list[Signal]:
    """Runs of `length` or more points all going up or all going down. A repeated value is
    counted once: it neither breaks the trend nor adds to it. A turning point belongs to
    the stretch that ends there and to the one that starts there."""
    groups: list[tuple[float, list[int]]] = []  # distinct consecutive values and their indices
    for i, v in enumerate(values):
        if v is None:
            continue
        if groups and groups[-1][0] == v:
            groups[-1][1].append(i)
        else:
            groups.append((v, [i]))
    signals: list[Signal] = []
    start = 0
    while start < len(groups) - 1:
        up = groups[start + 1][0] > groups[start][0]
        end = start + 1
        while end + 1 < len(groups) and (groups[end + 1][0] > groups[end][0]) == up:
            end += 1
        if end - start + 1 >= length:
            covered = tuple(i for _, indices in groups[start:end + 1] for i in indices)
            signals.append(Signal("trend", covered, "up" if up else "down"))
        start = end
    return signals


def spikes(values: Sequence[Value], limit: float) -> list[Signal]:
    """Astronomical points, as this module operationalises IHI's judgement rule: a point
    that differs from both its neighbours by more than `limit`, in the same direction (a
    spike, not a step: a step change moves one moving range, a spike two). The first and
    last points have one neighbour: a jump from it counts when the point is also beyond
    every other value (so the neighbour of a spike is not flagged too). Gaps are skipped."""
    present = [(i, v) for i, v in enumerate(values) if v is not None]
    found: list[Signal] = []
    for k, (i, v) in enumerate(present):
        steps = [v - present[j][1] for j in (k - 1, k + 1) if 0 <= j < len(present)]
        others = [w for j, (_, w) in enumerate(present) if j != k]
        end = len(steps) == 1
        if steps and all(d > limit for d in steps) and (not end or v > max(others)):
            found.append(Signal("astronomical", (i,), "above"))
        elif steps and all(d < -limit for d in steps) and (not end or v < min(others)):
            found.append(Signal("astronomical", (i,), "below"))
    return found


def ihi(values: Sequence[Value], centre: float, spike_limit: float | None = None,
        shift_length: int = 6, trend_length: int = 5) -> list[Signal]:
    """The IHI's four run-chart rules (Perla, Provost & Murray 2011): shift, trend, too few
    or too many runs, and astronomical points, found by `spikes` when a spike_limit is
    given (shewhart.analyse passes the moving-range chart's upper limit, 3.267 × the
    screened mean moving range); without one that judgement rule is not applied."""
    runs = _runs(_sides(values, centre))
    signals = [Signal("shift", tuple(i for i, _ in run), _side_name(run[0][1]))
               for run in runs if len(run) >= shift_length]
    signals += trends(values, trend_length)
    n = sum(len(r) for r in runs)
    if n >= 10:  # the published table starts at 10 useful observations
        lower, upper = runs_limits(n)
        useful = tuple(i for run in runs for i, _ in run)
        if len(runs) < lower:
            signals.append(Signal("few_runs", useful))
        elif len(runs) > upper:
            signals.append(Signal("many_runs", useful))
    if spike_limit is not None:
        signals += spikes(values, spike_limit)
    return signals
