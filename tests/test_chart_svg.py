"""The server-drawn charts: well-formed, accessible, private (a hidden value leaves no trace) and
safe (escaped text, no scripts, handlers or links). Each chart is parsed as XML and read back."""
from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from flask import Flask
from flask_babel import Babel

from hub.projects.chart_axes import format_value, nice_ticks, thinned_label_indexes
from hub.projects.chart_funnel import FunnelPoint, render_funnel
from hub.projects.chart_gap import render_gap_chart
from hub.projects.chart_svg import Band, ChartSeries, render, render_small_multiples, shared_y_range
from hub.projects.svg_markup import contrast_ratio, element, text_width

NS = "{http://www.w3.org/2000/svg}"
NASTY = "<script>alert(\"x\")</script> & 'q'"


@pytest.fixture(autouse=True)
def request_context():
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        yield


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def role(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("data-role") == name]


def texts(root: ET.Element, name: str) -> list[str]:
    return [e.text or "" for e in role(root, name)]


def months(n: int) -> list[str]:
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return [f"{names[i % 12]} {2024 + i // 12}" for i in range(n)]


def spc_series(**changes) -> ChartSeries:
    """24 months of a P chart: a missing month, a hidden one, an excluded one, a signal at the end."""
    n = 24
    values: list[float | None] = [0.40 + 0.01 * (i % 7) for i in range(n)]
    values[5] = None
    values[8] = 0.7777  # hidden: this number must never reach the markup
    base = dict(labels=months(n), values=values,
                suppressed=[i == 8 for i in range(n)],
                centre=[0.43 if i < 12 else 0.47 for i in range(n)],
                ucl=[0.60 + 0.002 * i for i in range(n)], lcl=[0.26 - 0.002 * i for i in range(n)],
                signal=[i >= 20 for i in range(n)],
                excluded=["coding change" if i == 3 else None for i in range(n)],
                goal=0.8, bands=[Band(13, 16, "PDSA 1: reminder calls")], phase_starts=[12],
                y_label="Screened", percent=True, title="Colorectal screening", description="Monthly rate.")
    base.update(changes)
    return ChartSeries(**base)


def points(root: ET.Element) -> list[ET.Element]:
    return role(root, "point") + role(root, "signal")


def path_xs(d: str) -> list[float]:
    return [float(x) for x in re.findall(r"[ML]([-\d.]+) ", d)]


def test_the_chart_is_well_formed_and_named_by_its_title_and_desc():
    root = parse(render(spc_series(), id_prefix="screening-7"))
    assert root.tag == f"{NS}svg" and root.get("role") == "img"
    assert root.get("viewBox") == "0 0 720 300" and root.get("width") == "100%"
    title_id, desc_id = root.get("aria-labelledby").split()
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id) == ("screening-7-title", "screening-7-desc")
    assert title.text == "Colorectal screening"
    assert desc.text.startswith("Monthly rate.")
    assert "22 of 24 periods plotted" in desc.text and "1 period is hidden to protect privacy" in desc.text


def test_two_charts_on_one_page_have_different_ids():
    page = f"<div>{render(spc_series(), id_prefix='a')}{render(spc_series(), id_prefix='b')}</div>"
    ids = [e.get("id") for e in ET.fromstring(page).iter() if e.get("id")]
    assert len(ids) == len(set(ids)) == 6


def test_one_point_per_shown_value():
    series = spc_series()
    root = parse(render(series))
    shown = sum(1 for v, s in zip(series.values, series.suppressed) if v is not None and not s)
    assert shown == 22
    assert len(points(root)) == shown
    assert len(role(root, "hidden")) == 1  # the hidden month is marked; the missing one is simply a gap


def test_a_hidden_value_leaves_no_trace_in_the_markup():
    first = str(render(spc_series()))
    other = spc_series()
    other.values[8] = 0.1234
    other.ucl[8], other.lcl[8] = 0.99, 0.01  # a hidden period's limits would give its denominator away
    assert str(render(other)) == first
    for leaked in ("0.7777", "77.77", "77.8", "7777"):
        assert leaked not in first
    marker = role(parse(first), "hidden")[0]
    assert marker.find(f"{NS}title").text == "Sep 2024: value hidden to protect privacy"


def test_hidden_values_do_not_stretch_the_axis():
    series = spc_series(goal=None, ucl=[], lcl=[])
    series.values[8] = 5.0  # way off the top, but hidden
    ticks = texts(parse(render(replace(series, percent=False))), "y-tick")
    assert max(float(t) for t in ticks) < 1.0


def test_signal_points_differ_in_shape_and_colour_from_ordinary_ones():
    root = parse(render(spc_series()))
    signals, ordinary = role(root, "signal"), role(root, "point")
    assert len(signals) == 4 and ordinary
    signal_shapes = {child.tag for g in signals for child in g if child.tag != f"{NS}title"}
    ordinary_shapes = {child.tag for g in ordinary for child in g if child.tag != f"{NS}title"}
    assert signal_shapes == {f"{NS}path"} and ordinary_shapes == {f"{NS}circle"}
    assert signals[0].find(f"{NS}path").get("fill") != ordinary[0].find(f"{NS}circle").get("fill")
    assert "(part of a signal)" in signals[0].find(f"{NS}title").text


def test_an_excluded_point_is_hollow_and_not_joined():
    root = parse(render(spc_series()))
    excluded = [g for g in points(root) if g.get("data-excluded") == "true"]
    assert len(excluded) == 1
    dot = excluded[0].find(f"{NS}circle")
    assert dot.get("fill") == "#FFFFFF" and dot.get("stroke") != "#FFFFFF"
    ordinary = [g.find(f"{NS}circle") for g in role(root, "point") if g.get("data-excluded") is None]
    assert all(c.get("fill") != "#FFFFFF" for c in ordinary)
    line_xs = [x for p in role(root, "data-line") for x in path_xs(p.get("d"))]
    assert float(dot.get("cx")) not in line_xs
    assert float(ordinary[0].get("cx")) in line_xs
    assert "(excluded: coding change)" in excluded[0].find(f"{NS}title").text


def test_the_line_breaks_at_gaps():
    root = parse(render(spc_series()))
    # joined runs: Jan-Mar, (Apr excluded), May, (Jun missing), Jul-Aug, (Sep hidden), Oct-Dec 2025
    assert len(role(root, "data-line")) == 3


def test_bands_phase_dividers_and_stepped_limits_are_drawn():
    root = parse(render(spc_series()))
    bands = role(root, "band")
    assert len(bands) == 1
    assert bands[0].find(f"{NS}title").text == "PDSA 1: reminder calls"
    assert bands[0].find(f"{NS}rect").get("fill") == "#E4F1FA"
    phases = role(root, "phase")
    assert len(phases) == 1 and phases[0].get("stroke-dasharray")
    assert len(role(root, "centre")) == 2  # one run per phase
    assert all(p.get("stroke-dasharray") is None for p in role(root, "centre"))
    ucl = role(root, "ucl")
    assert ucl and all(p.get("stroke-dasharray") for p in ucl)
    assert len(set(re.findall(r" ([-\d.]+)", ucl[0].get("d")))) > 2  # per-period limits step
    assert ucl[0].find(f"{NS}title").text == "Upper limit"


def test_the_goal_line_is_dotted_and_labelled():
    root = parse(render(spc_series()))
    goal = role(root, "goal")
    assert len(goal) == 1 and goal[0].get("stroke-dasharray") == "2 3"
    assert texts(root, "goal-label") == ["Goal: 80.0%"]


def test_text_is_escaped_everywhere():
    series = spc_series(labels=[NASTY] + months(24)[1:], title=NASTY, description=NASTY, y_label=NASTY,
                        bands=[Band(13, 16, NASTY)])
    markup = str(render(series, id_prefix='x" onload="alert(1)'))
    assert "<script" not in markup and 'onload="' not in markup
    root = parse(markup)
    assert root.find(f"{NS}title").text == NASTY
    assert root.find(f"{NS}desc").text.startswith(NASTY)
    assert texts(root, "x-tick")[0] == NASTY and texts(root, "y-label") == [NASTY]
    assert role(root, "band")[0].find(f"{NS}title").text == NASTY


def test_element_refuses_handlers_and_links():
    for name in ("onclick", "onLoad", "href", "xlink-href"):
        with pytest.raises(ValueError):
            element("rect", {name: "x"})


def every_chart():
    yield render(spc_series())
    yield render_gap_chart(months(6), [0.1, None, -0.05, 0.02, 0.0, 0.03], [1.2, None, 0.9, 1.05, 1.0, 1.1],
                           [False, True, False, False, False, False], title=NASTY)
    yield render_funnel([("A", 0.5, 100, False), (NASTY, 0.2, 10, True)], 0.5,
                        lambda n: (0.5 - 1 / math.sqrt(n), 0.5 + 1 / math.sqrt(n)),
                        lambda n: (0.5 - 1.5 / math.sqrt(n), 0.5 + 1.5 / math.sqrt(n)), title="Funnel")
    yield from render_small_multiples([("A", spc_series()), ("B", spc_series())])


def test_no_chart_carries_scripts_handlers_links_styles_or_foreign_content():
    for chart in every_chart():
        root = parse(chart)
        for e in root.iter():
            assert e.tag.split("}")[-1] not in ("script", "foreignObject", "a", "image", "style", "use")
            for name in e.attrib:
                assert not name.lower().startswith("on") and "href" not in name
                assert name not in ("style", "class")
        outside = str(chart).replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "url(" not in outside and "http://" not in outside and "https://" not in outside


def test_every_text_colour_has_at_least_4_5_to_1_contrast_on_white():
    for chart in every_chart():
        fills = {e.get("fill") for e in parse(chart).iter(f"{NS}text")}
        assert fills and all(contrast_ratio(f) >= 4.5 for f in fills), fills


@pytest.mark.parametrize(("lo", "hi", "expected"), [
    (0, 0.87, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
    (3, 47, [0, 10, 20, 30, 40, 50]),
    (0.93, 0.99, [0.92, 0.94, 0.96, 0.98, 1.0]),
    (-3.2, 4.1, [-4, -2, 0, 2, 4, 6]),
])
def test_nice_ticks(lo, hi, expected):
    assert nice_ticks(lo, hi) == pytest.approx(expected)


def test_nice_ticks_give_a_single_value_room_either_side():
    ticks = nice_ticks(5, 5)
    assert ticks[0] < 5 < ticks[-1] and 5.0 in ticks
    assert nice_ticks(0, 0)[0] < 0 < nice_ticks(0, 0)[-1]


@pytest.mark.parametrize(("lo", "hi"), [(0, 1), (0.001, 0.0137), (12, 13.5), (-250, 3), (0, 98765)])
def test_nice_ticks_cover_the_range_in_round_even_steps(lo, hi):
    ticks = nice_ticks(lo, hi)
    assert ticks[0] <= lo and ticks[-1] >= hi and 3 <= len(ticks) <= 11
    steps = {round(b - a, 12) for a, b in zip(ticks, ticks[1:])}
    assert len(steps) == 1
    step = steps.pop()
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 9) in (1, 2, 5)


def test_percent_charts_label_ticks_as_percentages():
    ticks = texts(parse(render(spc_series())), "y-tick")
    assert ticks and all(t.endswith("%") for t in ticks) and "80%" in ticks
    assert format_value(0.453, percent=True) == "45.3%"
    assert format_value(-0.052, percent=False, signed=True, decimals=3) == "\u22120.052"
    plain = texts(parse(render(spc_series(percent=False, goal=None, ucl=[], lcl=[]))), "y-tick")
    assert not any(t.endswith("%") for t in plain)


def test_numbers_follow_the_readers_locale():
    app = Flask(__name__)
    app.config["BABEL_DEFAULT_LOCALE"] = "de"
    Babel(app)
    with app.test_request_context():
        assert format_value(0.453, percent=True) == "45,3%"
        assert "Goal: 80,0%" in texts(parse(render(spc_series())), "goal-label")


def test_x_labels_are_thinned_so_they_never_overlap():
    series = spc_series(labels=months(36), values=[0.5] * 36, suppressed=[], centre=[], ucl=[], lcl=[],
                        signal=[], excluded=[], bands=[], phase_starts=[])
    root = parse(render(series))
    shown = role(root, "x-tick")
    assert 4 <= len(shown) < 36
    xs = [float(t.get("x")) for t in shown]
    for (a, b), text in zip(zip(xs, xs[1:]), [t.text for t in shown]):
        assert b - a >= text_width(text, 11)
    assert thinned_label_indexes(["a", "b", "c"], 100) == [0, 1, 2]
    assert thinned_label_indexes(months(36), 18) == list(range(0, 36, 4))


def test_small_multiples_share_one_y_scale():
    low = spc_series(title="Screening")
    high = spc_series(values=[0.9] * 24, suppressed=[], title="Screening")
    strata = [("Black or African American", low), ("White", high), ("Hispanic & <Latino>", low)]
    charts = render_small_multiples(strata, columns=3)
    assert len(charts) == 3
    roots = [parse(c) for c in charts]
    tick_sets = [texts(r, "y-tick") for r in roots]
    assert tick_sets[0] == tick_sets[1] == tick_sets[2] and "100%" in tick_sets[0]
    ys = [[e.get("y") for e in role(r, "y-tick")] for r in roots]
    assert ys[0] == ys[1] == ys[2]  # same values at the same heights
    assert [r.find(f"{NS}title").text for r in roots] == [label for label, _s in strata]
    assert roots[2].find(f"{NS}desc").text.startswith("Screening for Hispanic & <Latino>. Monthly rate.")
    ids = [e.get("id") for r in roots for e in r.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    assert shared_y_range([low, high]) == (0.2, 1.0)
    assert roots[0].get("viewBox").startswith("0 0 240 ")


def test_a_hidden_value_does_not_stretch_the_shared_range():
    quiet = spc_series(goal=None, ucl=[], lcl=[], centre=[])
    quiet.values[8] = 0.99  # hidden
    assert shared_y_range([quiet, quiet])[1] < 0.99


def test_the_gap_chart_has_a_zero_line_and_hides_what_is_suppressed():
    labels = months(8)
    diff = [0.05, 0.04, -0.0321, 0.02, None, 0.01, 0.0, -0.01]
    hidden = [False, False, True, False, False, False, False, False]
    chart = render_gap_chart(labels, diff, None, hidden, title="Gap", focus_label="Black", reference_label="White",
                             id_prefix="gap-1")
    root = parse(chart)
    assert root.get("aria-labelledby") == "gap-1-title gap-1-desc"
    zero = role(root, "reference")
    assert len(zero) == 1 and zero[0].find(f"{NS}title").text == "Zero: no difference"
    assert len(points(root)) == 6 and len(role(root, "hidden")) == 1
    ticks = texts(root, "y-tick")
    assert "0" in ticks and any(t.startswith("+") for t in ticks) and any(t.startswith("\u2212") for t in ticks)
    assert "\u22123.2" not in str(chart) and "0.0321" not in str(chart)
    diff[2] = -0.0999
    assert str(render_gap_chart(labels, diff, None, hidden, title="Gap", focus_label="Black",
                                reference_label="White", id_prefix="gap-1")) == str(chart)
    assert "Black" in root.find(f"{NS}desc").text


def test_the_gap_chart_can_add_a_ratio_panel():
    root = parse(render_gap_chart(months(4), [0.1, 0.05, 0.0, -0.02], [1.3, 1.1, 1.0, 0.95], title="Gap"))
    references = role(root, "reference")
    assert [r.find(f"{NS}title").text for r in references] == ["Zero: no difference", "Ratio 1: no difference"]
    assert len(points(root)) == 8


def funnel_limits(z: float):
    return lambda n: (0.6 - z * math.sqrt(0.24 / n), 0.6 + z * math.sqrt(0.24 / n))


def test_the_funnel_draws_both_limits_and_leaves_suppressed_teams_off():
    teams = [FunnelPoint("North", 0.58, 120), FunnelPoint("South", 0.75, 400), ("East & <West>", 0.61, 60, False),
             FunnelPoint("Island", 0.1234, 7, True)]
    chart = render_funnel(teams, 0.6, funnel_limits(1.96), funnel_limits(3.09), title="Funnel", id_prefix="f")
    root = parse(chart)
    assert len(role(root, "limit95")) == 2 and len(role(root, "limit998")) == 2  # both sides of each
    assert all(p.get("stroke-dasharray") for p in role(root, "limit95") + role(root, "limit998"))
    assert len(role(root, "centre")) == 1
    plotted = [g.find(f"{NS}text").text for g in points(root)]
    assert sorted(plotted) == ["East & <West>", "North", "South"]
    assert [g.find(f"{NS}text").text for g in role(root, "signal")] == ["South"]  # outside 99.8%
    desc = root.find(f"{NS}desc").text
    assert "Island" in desc and "3 teams plotted" in desc
    assert "12.3%" not in str(chart) and "0.1234" not in str(chart)
    teams[3] = FunnelPoint("Island", 0.9, 2, True)
    assert str(render_funnel(teams, 0.6, funnel_limits(1.96), funnel_limits(3.09), title="Funnel",
                             id_prefix="f")) == str(chart)


def test_the_funnel_takes_precomputed_limits_too():
    ns = [10, 50, 100, 200, 400]
    l95 = [(n, *funnel_limits(1.96)(n)) for n in ns]
    l998 = [(n, *funnel_limits(3.09)(n)) for n in ns]
    root = parse(render_funnel([("A", 0.6, 100, False), ("B", 0.2, 300, False)], 0.6, l95, l998))
    assert len(role(root, "limit95")) == 2
    assert [g.find(f"{NS}text").text for g in role(root, "signal")] == ["B"]


def test_a_chart_with_nothing_to_show_says_so():
    series = ChartSeries(months(3), [0.2, None, 0.3], [True, False, True], percent=True, title="All hidden")
    root = parse(render(series))
    assert points(root) == [] and len(role(root, "hidden")) == 2
    assert any(t.text == "No values to show" for t in root.iter(f"{NS}text"))


def test_a_series_must_be_as_long_as_its_labels():
    with pytest.raises(ValueError):
        ChartSeries(["a", "b"], [1.0])
    with pytest.raises(ValueError):
        ChartSeries(["a", "b"], [1.0, 2.0], signal=[True])
    with pytest.raises(ValueError):
        ChartSeries(["a", "b"], [1.0, 2.0], bands=[Band(1, 2, "too long")])
