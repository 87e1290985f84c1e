"""Shewhart (control) charts for one measure: P, U, C, I (XmR) and Laney's P′ and U′,
with a frozen baseline, phases a person chose, and excluded points.

Every chart here gets its centre and limits from the points a person agreed to use: the
first `baseline` points when the baseline is frozen, else all points of the phase, never
the excluded ones or the gaps. Points past a frozen baseline are drawn against it."""
from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hub.projects.run_rules import RunSummary, Signal, anhoej, ihi, median, summarise_runs

CHARTS = ("run", "p", "pp", "u", "up", "c", "i")  # pp and up are Laney's P′ and U′
RULES = ("anhoej", "ihi")
CHART_FOR_MEASURE = {"proportion": "p", "rate": "u", "count": "c", "measurement": "i"}

I_FACTOR = 2.66  # 3 / d2, d2 = 1.128 for moving ranges of two
MR_UCL_FACTOR = 3.267  # D4 for moving ranges of two
D2 = 1.128
# Laney: prefer P′/U′ when the between-point spread is half again what the binomial or
# Poisson model allows, judged on enough points for the estimate to mean something.
LANEY_SIGMA_Z = 1.5
LANEY_MIN_POINTS = 12

Point = float | int | tuple[float, float] | None


@dataclass(frozen=True)
class ChartPoint:
    index: int
    value: float | None  # as plotted (times the multiplier); None is a gap, not drawn
    centre: float | None
    ucl: float | None
    lcl: float | None
    phase: int
    used: bool  # counted in the centre and limits
    excluded: str | None  # why a person left it out, when they did
    outside: bool
    signal: bool  # part of any signal
    flags: tuple[str, ...] = ()  # the rules of the signals it is part of, e.g. ("outside_limits", "long_run")


@dataclass(frozen=True)
class PhaseSummary:
    phase: int
    start: int
    end: int  # exclusive
    baseline_end: int  # exclusive; < end when the baseline is frozen
    centre: float | None
    mr_bar: float | None = None  # I chart: the screened mean moving range
    mr_ucl: float | None = None  # the MR chart's upper limit, 3.267 × the unscreened mean
    sigma_z: float | None = None  # Laney's ratio of observed to model spread
    runs: RunSummary | None = None


@dataclass(frozen=True)
class ChartResult:
    chart: str
    rules: str
    multiplier: float
    points: tuple[ChartPoint, ...]
    signals: tuple[Signal, ...]
    phases: tuple[PhaseSummary, ...]


def chart_for(measure_type: str) -> str:
    """proportion → P, rate per N → U, count → C, measurement → I (XmR)."""
    try:
        return CHART_FOR_MEASURE[measure_type]
    except KeyError:
        raise ValueError(f"unknown measure type {measure_type!r}") from None


def _ratio(point: Point) -> tuple[float, float] | None:
    """(value, denominator) for a (num, den) pair or a plain value (denominator 1)."""
    if point is None:
        return None
    if isinstance(point, tuple):
        num, den = point
        if den is None or num is None or den <= 0:
            return None  # nothing to plot over an empty denominator
        return num / den, float(den)
    return float(point), 1.0


def moving_ranges(values: Sequence[float | None], used: Sequence[bool]) -> list[float]:
    """|x_i − x_{i−1}| for neighbouring points both used; a gap or an excluded point
    breaks the chain rather than bridging it (as qicharts2 does)."""
    return [abs(values[i] - values[i - 1]) for i in range(1, len(values))
            if used[i] and used[i - 1] and values[i] is not None and values[i - 1] is not None]


def screened_mr_bar(ranges: Sequence[float]) -> float | None:
    """Mean moving range after dropping ranges above 3.267 × the first mean, recomputed
    once (Provost & Murray; Nelson 1982), so one wild point does not widen the limits."""
    if not ranges:
        return None
    first = statistics.fmean(ranges)
    kept = [r for r in ranges if r <= MR_UCL_FACTOR * first]
    return statistics.fmean(kept) if kept else first


def xmr_limits(values: Sequence[float | None], used: Sequence[bool]) -> tuple[float, float, float, float] | None:
    """(x̄, MR̄ screened, LCL, UCL) of an I chart over the used points."""
    chosen = [v for v, u in zip(values, used) if u and v is not None]
    mr_bar = screened_mr_bar(moving_ranges(values, used))
    if not chosen or mr_bar is None:
        return None
    mean = statistics.fmean(chosen)
    return mean, mr_bar, mean - I_FACTOR * mr_bar, mean + I_FACTOR * mr_bar


def _binomial_sigma(centre: float, den: float) -> float:
    return math.sqrt(centre * (1 - centre) / den)


def _poisson_sigma(centre: float, den: float) -> float:
    return math.sqrt(centre / den)


def laney_sigma_z(data: Sequence[Point], kind: str = "p", used: Sequence[bool] | None = None) -> float | None:
    """Laney (2002): σ_z = mean moving range of z_i = (p_i − p̄)/σ_i, divided by 1.128.
    About 1 when the binomial (kind "p") or Poisson ("u") model fits; above 1 when the
    points vary more than it allows, as they do when denominators run to thousands."""
    pairs = [_ratio(p) for p in data]
    used = [True] * len(pairs) if used is None else list(used)
    mask = [u and p is not None for u, p in zip(used, pairs)]
    num = sum(p[0] * p[1] for p, m in zip(pairs, mask) if m)
    den = sum(p[1] for p, m in zip(pairs, mask) if m)
    if den <= 0:
        return None
    centre = num / den
    sigma = _binomial_sigma if kind == "p" else _poisson_sigma
    z: list[float | None] = []
    for p, m in zip(pairs, mask):
        s = sigma(centre, p[1]) if m else 0.0
        z.append((p[0] - centre) / s if m and s > 0 else None)
    ranges = moving_ranges(z, [v is not None for v in z])
    return statistics.fmean(ranges) / D2 if ranges else None


def prefer_laney(data: Sequence[Point], kind: str = "p") -> bool:
    """Whether P′/U′ should replace P/U: at least LANEY_MIN_POINTS points and σ_z of
    LANEY_SIGMA_Z or more. Below that the ordinary chart's limits are trusted."""
    usable = sum(1 for p in data if _ratio(p) is not None)
    sigma_z = laney_sigma_z(data, kind)
    return usable >= LANEY_MIN_POINTS and sigma_z is not None and sigma_z >= LANEY_SIGMA_Z


def _phase_bounds(n: int, phases: Sequence[int], baseline: int | None) -> list[tuple[int, int, int]]:
    cuts = list(phases)
    if any(not 0 < c < n for c in cuts) or cuts != sorted(set(cuts)):
        raise ValueError("phase splits must be increasing indices inside the series")
    edges = [0, *cuts, n]
    bounds = []
    for k in range(len(edges) - 1):
        start, end = edges[k], edges[k + 1]
        frozen = end
        if k == 0 and baseline is not None:
            if not 2 <= baseline <= end:
                raise ValueError("a frozen baseline needs at least 2 points inside the first phase")
            frozen = baseline
        bounds.append((start, end, frozen))
    return bounds


def analyse(data: Sequence[Point], chart: str = "run", rules: str = "anhoej", baseline: int | None = None,
            phases: Sequence[int] = (), excluded: Mapping[int, str] | None = None,
            multiplier: float = 1) -> ChartResult:
    """Centre, limits and signals for one series.

    data holds plain values (run, c, i) or (numerator, denominator) pairs (p, pp, u, up; a
    run chart takes either); None is a missing or suppressed point. multiplier scales the
    plotted values, centre and limits (100 for percent, 1,000 for a rate per 1,000)."""
    if chart not in CHARTS:
        raise ValueError(f"chart must be one of {CHARTS}")
    if rules not in RULES:
        raise ValueError(f"rules must be one of {RULES}")
    excluded = dict(excluded or {})
    n = len(data)
    if any(not 0 <= i < n for i in excluded):
        raise ValueError("excluded index outside the series")
    if chart in ("p", "pp", "u", "up") and any(p is not None and not isinstance(p, tuple) for p in data):
        raise ValueError(f"a {chart} chart needs (numerator, denominator) pairs")
    pairs = [_ratio(p) for p in data]
    raw = [p[0] if p else None for p in pairs]
    dens = [p[1] if p else None for p in pairs]

    centre: list[float | None] = [None] * n
    ucl: list[float | None] = [None] * n
    lcl: list[float | None] = [None] * n
    phase_of = [0] * n
    used = [False] * n
    summaries: list[PhaseSummary] = []
    signals: list[Signal] = []
    for k, (start, end, frozen) in enumerate(_phase_bounds(n, phases, baseline)):
        for i in range(start, end):
            phase_of[i] = k
            used[i] = start <= i < frozen and raw[i] is not None and i not in excluded
        mask = [used[i] if start <= i < end else False for i in range(n)]
        extra: dict[str, float | None] = {}
        sigmas: list[float | None] = [None] * n
        if not any(mask):
            summaries.append(PhaseSummary(k, start, end, frozen, None))
            continue
        if chart == "run":
            cl = median(raw, mask)
        elif chart == "i":
            cl, mr_bar, _, _ = xmr_limits(raw, mask) or (statistics.fmean(v for v, m in zip(raw, mask) if m), None, 0, 0)
            ranges = moving_ranges(raw, mask)
            extra = {"mr_bar": mr_bar, "mr_ucl": MR_UCL_FACTOR * statistics.fmean(ranges) if ranges else None}
            if mr_bar is not None:
                sigmas = [mr_bar * I_FACTOR / 3 if start <= i < end else None for i in range(n)]
        elif chart == "c":
            cl = statistics.fmean(v for v, m in zip(raw, mask) if m)
            sigmas = [math.sqrt(cl) if start <= i < end else None for i in range(n)]
        else:
            cl = sum(raw[i] * dens[i] for i in range(n) if mask[i]) / sum(dens[i] for i in range(n) if mask[i])
            model = _binomial_sigma if chart in ("p", "pp") else _poisson_sigma
            sigmas = [model(cl, dens[i]) if start <= i < end and dens[i] else None for i in range(n)]
            if chart in ("pp", "up"):
                sz = laney_sigma_z(data, "p" if chart == "pp" else "u", mask)
                extra = {"sigma_z": sz}
                sigmas = [s * sz if s is not None and sz is not None else s for s in sigmas]
        for i in range(start, end):
            centre[i] = cl * multiplier
            if sigmas[i] is None:
                continue
            hi, lo = cl + 3 * sigmas[i], cl - 3 * sigmas[i]
            if chart in ("p", "pp"):
                hi, lo = min(hi, 1.0), max(lo, 0.0)
            elif chart in ("u", "up", "c"):
                lo = max(lo, 0.0)
            ucl[i], lcl[i] = hi * multiplier, lo * multiplier
        # the run rules see the phase's points that were not excluded, about its centre line
        ruled = [raw[i] * multiplier if start <= i < end and raw[i] is not None and i not in excluded else None
                 for i in range(n)]
        line = cl * multiplier
        if rules == "anhoej":
            signals += anhoej(ruled, line)
        else:
            spike = None
            if chart == "run":  # astronomical: a spike beyond the MR chart's limit of the same points
                mr_bar = screened_mr_bar(moving_ranges(raw, mask))
                spike = MR_UCL_FACTOR * mr_bar * multiplier if mr_bar else None
            signals += ihi(ruled, line, spike)
        summaries.append(PhaseSummary(k, start, end, frozen, line, runs=summarise_runs(ruled, line, rules == "ihi"),
                                      **{key: (v * multiplier if v is not None and key != "sigma_z" else v)
                                         for key, v in extra.items()}))
        for i in range(start, end):
            value = raw[i]
            if value is None or i in excluded or ucl[i] is None:
                continue
            if value * multiplier > ucl[i]:
                signals.append(Signal("outside_limits", (i,), "above"))
            elif lcl[i] is not None and value * multiplier < lcl[i]:
                signals.append(Signal("outside_limits", (i,), "below"))

    flags: dict[int, list[str]] = {}
    for s in signals:
        for i in s.indices:
            if s.rule not in flags.setdefault(i, []):
                flags[i].append(s.rule)
    points = tuple(ChartPoint(i, raw[i] * multiplier if raw[i] is not None else None, centre[i], ucl[i], lcl[i],
                              phase_of[i], used[i], excluded.get(i), "outside_limits" in flags.get(i, ()),
                              i in flags, tuple(flags.get(i, ()))) for i in range(n))
    return ChartResult(chart, rules, multiplier, points, tuple(signals), tuple(summaries))
