"""Plain-language explanations of chart signals, in an app context with Flask-Babel."""
from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import Flask
from flask_babel import Babel

from hub.projects import shewhart as sh
from hub.projects import signal_words as words
from hub.projects.run_rules import RunSummary, Signal

MONTHS = ["January 2026", "February 2026", "March 2026", "April 2026", "May 2026", "June 2026", "July 2026",
          "August 2026", "September 2026", "October 2026", "November 2026", "December 2026"]
SHIFT_SINCE = "%(num)d points in a row above the median since %(start)s: a shift, likely a real change."


def make_app(translations=None, locale="en"):
    app = Flask(__name__)
    if translations:
        app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(translations)
    Babel(app, locale_selector=lambda: locale)
    return app


@pytest.fixture
def context():
    with make_app().test_request_context():
        yield


def test_an_ongoing_shift(context):
    shift = Signal("long_run", tuple(range(3, 12)), "above")
    assert words.explain(shift, MONTHS, last_index=11) == \
        "9 points in a row above the median since April 2026: a shift, likely a real change."


def test_a_shift_that_ended(context):
    shift = Signal("shift", (1, 2, 3, 4, 5, 6), "below")
    assert words.explain(shift, MONTHS, on_median=False, last_index=11) == (
        "6 points in a row below the centre line from February 2026 to July 2026: a shift, likely a real change.")


def test_trends_and_limits(context):
    assert words.explain(Signal("trend", (0, 1, 2, 3, 4), "down"), MONTHS) == \
        "5 points going down from January 2026 to May 2026: a trend, a sign of gradual change."
    assert words.explain(Signal("outside_limits", (7,), "above"), MONTHS) == \
        "August 2026 is above the upper control limit: special-cause variation, likely a real change."
    assert "astronomical" in words.explain(Signal("astronomical", (2,), "below"), MONTHS)


def test_crossings_and_runs_say_their_numbers(context):
    summary = RunSummary(n_useful=20, longest_run=7, longest_run_limit=7, crossings=1, crossings_min=6, runs=2,
                         runs_limits=(6, 16))
    crossing = words.explain(Signal("few_crossings", tuple(range(20))), MONTHS * 2, summary=summary)
    assert crossing.startswith("The points cross the median only 1 time in 20 points, fewer than the 6 ")
    few = words.explain(Signal("few_runs", tuple(range(20))), MONTHS * 2, summary=summary)
    assert few.startswith("Only 2 runs in 20 points, fewer than the 6 ")
    many = RunSummary(20, 1, 7, 19, 6, 20, (6, 16))
    assert "more than the 16" in words.explain(Signal("many_runs", tuple(range(20))), MONTHS * 2, summary=many)


def test_unknown_rules_are_refused(context):
    with pytest.raises(ValueError):
        words.explain(Signal("vibes", (0,)), MONTHS)


def test_improving_depends_on_the_direction():
    up = Signal("shift", (1,), "above")
    assert words.improving(up, "up") is True and words.improving(up, "down") is False
    assert words.improving(Signal("trend", (1,), "down"), "down") is True
    assert words.improving(Signal("few_crossings", (1,)), "up") is None
    with pytest.raises(ValueError):
        words.improving(up, "sideways")


def test_summary_of_an_improving_run_chart(context):
    # screening rate, higher is better: a six-month baseline around 40%, then six months above
    values = [40, 42, 39, 41, 40, 38, 55, 57, 56, 58, 60, 59]
    result = sh.analyse(values, chart="run", rules="ihi", baseline=6)
    text = words.summarise(result, MONTHS, "up")
    assert text.startswith("The median is 40. The latest point, December 2026, is 59. Higher is better.")
    assert "1 signal points to improvement." in text
    assert "getting worse" not in text
    assert "6 points in a row above the median since July 2026: a shift, likely a real change." in text


def test_summary_says_worse_when_the_shift_goes_the_wrong_way(context):
    values = [40, 42, 39, 41, 40, 38, 55, 57, 56, 58, 60, 59]
    text = words.summarise(sh.analyse(values, chart="run", rules="ihi", baseline=6), MONTHS, "down")
    assert "Lower is better." in text and "getting worse" in text and "improvement" not in text


def test_summary_without_signals(context):
    values = [40, 42, 39, 41, 40, 38, 41, 39, 42, 40, 41, 39]
    text = words.summarise(sh.analyse(values, chart="i"), MONTHS, "up")
    assert "The centre line is 40.17." in text and "no signals" in text


def test_the_words_are_translatable(tmp_path):
    catalog = Catalog(locale="es")
    catalog.add((SHIFT_SINCE.replace("points", "point"), SHIFT_SINCE),
                ("%(num)d punto seguido por encima de la mediana desde %(start)s: un cambio, probablemente real.",
                 "%(num)d puntos seguidos por encima de la mediana desde %(start)s: un cambio, probablemente real."))
    (tmp_path / "es" / "LC_MESSAGES").mkdir(parents=True)
    with open(tmp_path / "es" / "LC_MESSAGES" / "messages.mo", "wb") as handle:
        write_mo(handle, catalog)
    with make_app(tmp_path, "es").test_request_context():
        shift = Signal("long_run", tuple(range(3, 12)), "above")
        assert words.explain(shift, ["marzo"] * 3 + ["abril de 2026"] * 9, last_index=11) == \
            "9 puntos seguidos por encima de la mediana desde abril de 2026: un cambio, probablemente real."
