"""Shewhart charts against textbook examples and limits worked out here from the formulas."""
from __future__ import annotations

import math
import random

import pytest

from hub.projects import shewhart as sh
from hub.projects.run_rules import Signal

# Montgomery, Introduction to Statistical Quality Control, Example 7.1: 30 samples of 50
# orange-juice cans, nonconforming counts; p̄ = 0.2313, UCL 0.4102, LCL 0.0524, and
# samples 15 and 23 plot above the upper limit.
MONTGOMERY = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13,
              9, 6]


def test_p_chart_reproduces_montgomerys_example():
    result = sh.analyse([(d, 50) for d in MONTGOMERY], chart="p")
    first = result.points[0]
    assert round(first.centre, 4) == 0.2313
    assert round(first.ucl, 4) == 0.4102 and round(first.lcl, 4) == 0.0524
    assert [s.indices[0] for s in result.signals if s.rule == "outside_limits"] == [14, 22]
    assert all(s.side == "above" for s in result.signals if s.rule == "outside_limits")


def test_p_chart_limits_vary_with_each_denominator():
    pairs = [(10, 100), (30, 200), (4, 50), (45, 300), (12, 80)]
    pbar = (10 + 30 + 4 + 45 + 12) / (100 + 200 + 50 + 300 + 80)
    result = sh.analyse(pairs, chart="p", multiplier=100)
    for point, (num, den) in zip(result.points, pairs):
        half = 3 * math.sqrt(pbar * (1 - pbar) / den)
        assert point.value == pytest.approx(100 * num / den)
        assert point.centre == pytest.approx(100 * pbar)
        assert point.ucl == pytest.approx(100 * (pbar + half))
        assert point.lcl == pytest.approx(100 * max(pbar - half, 0))


def test_p_chart_limits_are_clamped_to_zero_and_one():
    result = sh.analyse([(1, 5), (0, 4), (1, 6), (5, 5)], chart="p")
    assert all(p.lcl == 0 for p in result.points)
    assert all(p.ucl <= 1 for p in result.points)


def test_xmr_screens_out_the_moving_ranges_of_an_outlier():
    values = [10, 12, 11, 13, 12, 30, 11, 12, 10, 13, 12, 11]
    # moving ranges 2 1 2 1 18 19 1 2 3 1 1: mean 51/11; 3.267 × that is 15.15, so 18 and
    # 19 go, and the rest average 14/9
    mean = sum(values) / 12
    screened = 14 / 9
    result = sh.analyse(values, chart="i")
    point = result.points[0]
    assert point.centre == pytest.approx(mean)
    assert point.ucl == pytest.approx(mean + 2.66 * screened)
    assert point.lcl == pytest.approx(mean - 2.66 * screened)
    assert result.phases[0].mr_bar == pytest.approx(screened)
    assert result.phases[0].mr_ucl == pytest.approx(3.267 * 51 / 11)
    assert [s for s in result.signals if s.rule == "outside_limits"] == [Signal("outside_limits", (5,), "above")]
    assert result.points[5].outside and "outside_limits" in result.points[5].flags
    assert not result.points[4].outside and "outside_limits" not in result.points[4].flags


def test_screening_lets_a_second_point_signal_that_the_outlier_would_have_masked():
    values = [10, 12, 11, 13, 12, 30, 11, 12, 10, 13, 12, 11, 20]
    ranges = [abs(values[i] - values[i - 1]) for i in range(1, len(values))]
    first = sum(ranges) / len(ranges)
    kept = [r for r in ranges if r <= 3.267 * first]
    mean = sum(values) / len(values)
    screened_ucl = mean + 2.66 * sum(kept) / len(kept)
    unscreened_ucl = mean + 2.66 * first
    assert screened_ucl < 20 < unscreened_ucl  # the example does what it says
    result = sh.analyse(values, chart="i")
    assert result.points[12].ucl == pytest.approx(screened_ucl)
    assert {s.indices[0] for s in result.signals if s.rule == "outside_limits"} == {5, 12}


def test_a_gap_breaks_the_moving_range_chain():
    values = [10, 12, None, 20, 22]
    # moving ranges 2 (10→12) and 2 (20→22); none bridges the gap
    result = sh.analyse(values, chart="i")
    assert result.phases[0].mr_bar == pytest.approx(2)
    assert result.points[2].value is None and result.points[2].used is False


def test_u_chart_per_thousand():
    pairs = [(3, 1200), (7, 1500), (2, 800), (9, 2500), (4, 1000)]
    ubar = 25 / 7000
    result = sh.analyse(pairs, chart="u", multiplier=1000)
    for point, (count, exposure) in zip(result.points, pairs):
        half = 3 * math.sqrt(ubar / exposure)
        assert point.value == pytest.approx(1000 * count / exposure)
        assert point.centre == pytest.approx(1000 * ubar)
        assert point.ucl == pytest.approx(1000 * (ubar + half))
        assert point.lcl == pytest.approx(1000 * max(ubar - half, 0))


def test_c_chart():
    counts = [4, 6, 3, 5, 7, 2, 5, 16]
    cbar = sum(counts) / 8
    result = sh.analyse(counts, chart="c")
    assert result.points[0].ucl == pytest.approx(cbar + 3 * math.sqrt(cbar))
    assert result.points[0].lcl == 0  # 6 − 3·√6 < 0
    assert [s.indices for s in result.signals if s.rule == "outside_limits"] == [(7,)]


def test_chart_for_each_measure_type():
    assert [sh.chart_for(t) for t in ("proportion", "rate", "count", "measurement")] == ["p", "u", "c", "i"]
    with pytest.raises(ValueError):
        sh.chart_for("vibes")


# -- Laney -------------------------------------------------------------------------------

OVERDISPERSED = [(n * p // 1000, n) for n, p in
                 [(20000, 210), (21000, 190), (19500, 230), (20500, 200), (22000, 180), (20000, 240),
                  (21500, 205), (19000, 195), (20800, 225), (21200, 185), (20100, 215), (19900, 198)]]


def test_laney_p_prime_widens_limits_by_sigma_z():
    pairs = OVERDISPERSED
    pbar = sum(d for d, _ in pairs) / sum(n for _, n in pairs)
    z = [(d / n - pbar) / math.sqrt(pbar * (1 - pbar) / n) for d, n in pairs]
    sigma_z = sum(abs(z[i] - z[i - 1]) for i in range(1, len(z))) / (len(z) - 1) / 1.128
    assert sigma_z > 3  # the example is overdispersed, as very large denominators usually are
    result = sh.analyse(pairs, chart="pp")
    assert result.phases[0].sigma_z == pytest.approx(sigma_z)
    for point, (d, n) in zip(result.points, pairs):
        half = 3 * math.sqrt(pbar * (1 - pbar) / n) * sigma_z
        assert point.ucl == pytest.approx(pbar + half) and point.lcl == pytest.approx(pbar - half)
    plain = sh.analyse(pairs, chart="p")
    assert len([s for s in plain.signals if s.rule == "outside_limits"]) > 0
    assert not [s for s in result.signals if s.rule == "outside_limits"]


def test_prefer_laney_for_overdispersion_only():
    assert sh.prefer_laney(OVERDISPERSED) is True
    rng = random.Random(7)
    binomial = [(sum(rng.random() < 0.2 for _ in range(300)), 300) for _ in range(20)]
    assert sh.laney_sigma_z(binomial) < 1.5
    assert sh.prefer_laney(binomial) is False
    assert sh.prefer_laney(OVERDISPERSED[:8]) is False  # too few points to judge


def test_laney_u_prime():
    pairs = [(c, 10000) for c in (50, 80, 45, 90, 60, 30, 85, 55, 70, 40, 95, 50)]
    ubar = sum(c for c, _ in pairs) / sum(e for _, e in pairs)
    z = [(c / e - ubar) / math.sqrt(ubar / e) for c, e in pairs]
    sigma_z = sum(abs(z[i] - z[i - 1]) for i in range(1, 12)) / 11 / 1.128
    result = sh.analyse(pairs, chart="up", multiplier=1000)
    assert result.points[0].ucl == pytest.approx(1000 * (ubar + 3 * math.sqrt(ubar / 10000) * sigma_z))


# -- baseline, phases, exclusions ---------------------------------------------------------

def test_a_frozen_baseline_is_extended():
    values = [10, 11, 9, 10, 11, 9, 10, 11, 14, 15, 14, 15, 16, 14, 15, 16]
    result = sh.analyse(values, chart="i", baseline=8)
    base = values[:8]
    mean = sum(base) / 8
    mr = sum(abs(base[i] - base[i - 1]) for i in range(1, 8)) / 7
    assert all(p.centre == pytest.approx(mean) for p in result.points)
    assert all(p.ucl == pytest.approx(mean + 2.66 * mr) for p in result.points)
    assert [p.used for p in result.points] == [True] * 8 + [False] * 8
    assert result.phases[0].baseline_end == 8
    # everything after the baseline sits above its limit and above its centre
    assert {s.indices[0] for s in result.signals if s.rule == "outside_limits"} == set(range(8, 16))
    assert any(s.rule == "long_run" and s.side == "above" for s in result.signals)


def test_phases_get_their_own_centre_and_limits():
    before = [(30, 100), (28, 100), (33, 100), (31, 100), (29, 100), (32, 100)]
    after = [(50, 100), (52, 100), (49, 100), (51, 100), (48, 100), (50, 100)]
    result = sh.analyse(before + after, chart="p", phases=(6,))
    assert [p.phase for p in result.points] == [0] * 6 + [1] * 6
    assert result.points[0].centre == pytest.approx(183 / 600)
    assert result.points[6].centre == pytest.approx(300 / 600)
    assert not [s for s in result.signals if s.rule == "outside_limits"]  # each phase is stable
    assert sh.analyse(before + after, chart="p").signals  # one phase over both would not be


def test_phases_are_only_where_a_person_put_them():
    with pytest.raises(ValueError):
        sh.analyse([1, 2, 3], chart="i", phases=(0,))
    with pytest.raises(ValueError):
        sh.analyse([1, 2, 3, 4], chart="i", phases=(3, 2))
    assert len(sh.analyse([1, 2, 3, 40, 41, 42] * 3, chart="i").phases) == 1


def test_excluded_points_stay_on_the_chart_but_out_of_the_sums():
    pairs = [(10, 100), (12, 100), (60, 100), (11, 100), (9, 100), (13, 100)]
    result = sh.analyse(pairs, chart="p", excluded={2: "data entry error, fixed in April"})
    pbar = (10 + 12 + 11 + 9 + 13) / 500
    excluded = result.points[2]
    assert excluded.value == pytest.approx(0.6) and excluded.excluded == "data entry error, fixed in April"
    assert excluded.used is False and excluded.outside is False and excluded.signal is False
    assert excluded.centre == pytest.approx(pbar)
    assert all(p.centre == pytest.approx(pbar) for p in result.points)


def test_missing_points_are_gaps():
    result = sh.analyse([(10, 100), None, (12, 100), (0, 0), (11, 100)], chart="p")
    assert result.points[1].value is None and result.points[3].value is None
    assert not result.points[1].used and not result.points[3].used
    assert result.points[0].centre == pytest.approx(33 / 300)


def test_run_chart_uses_the_median_and_ihi_astronomical_points():
    values = [10, 12, 11, 13, 12, 30, 11, 12, 10, 13, 12, 11]
    result = sh.analyse(values, chart="run", rules="ihi")
    assert result.points[0].centre == 12
    assert result.points[0].ucl is None
    # 30 is outside the screened I chart of the same points (13.08 + 2.66 × 14/9)
    assert [s for s in result.signals if s.rule == "astronomical"] == [Signal("astronomical", (5,), "above")]
    assert result.phases[0].runs.runs_limits is not None


def test_run_rules_run_about_the_centre_line_of_a_control_chart():
    values = [10, 11, 10, 11, 10, 11, 10, 11, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12]
    anhoej = sh.analyse(values, chart="i")
    assert any(s.rule == "long_run" for s in anhoej.signals)
    ihi = sh.analyse(values, chart="i", rules="ihi")
    assert any(s.rule == "shift" for s in ihi.signals) and not any(s.rule == "long_run" for s in ihi.signals)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        sh.analyse([1, 2], chart="xbar")
    with pytest.raises(ValueError):
        sh.analyse([1, 2], rules="western_electric")
    with pytest.raises(ValueError):
        sh.analyse([1, 2, 3], chart="p")
    with pytest.raises(ValueError):
        sh.analyse([1, 2, 3], chart="i", baseline=1)
