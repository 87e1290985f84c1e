"""Plain-language words for chart signals and a one-paragraph summary of a chart.

Every sentence is whole and translatable (no sentence assembled from translated words);
period labels come from the caller, already formatted, so this module formats no dates.
Call inside an app context: the strings go through Flask-Babel."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from flask_babel import format_decimal, gettext as _, ngettext

from hub.projects.run_rules import RunSummary, Signal
from hub.projects.shewhart import ChartResult

RUN_RULES = ("long_run", "shift")


def improving(signal: Signal, direction: str) -> bool | None:
    """Whether a signal points the way the measure should go ("up" or "down"); None
    for signals with no direction (too few crossings, too few or too many runs)."""
    if direction not in ("up", "down"):
        raise ValueError("direction must be 'up' or 'down'")
    if signal.side is None:
        return None
    return (signal.side in ("above", "up")) == (direction == "up")


def _run_words(signal: Signal, labels: Sequence[str], on_median: bool, ongoing: bool) -> str:
    num = len(signal.indices)
    start, end = labels[signal.indices[0]], labels[signal.indices[-1]]
    above = signal.side == "above"
    if ongoing:
        if on_median:
            text = ngettext("%(num)d point in a row above the median since %(start)s: a shift, likely a real change.",
                            "%(num)d points in a row above the median since %(start)s: a shift, likely a real change.",
                            num, start=start) if above else \
                ngettext("%(num)d point in a row below the median since %(start)s: a shift, likely a real change.",
                         "%(num)d points in a row below the median since %(start)s: a shift, likely a real change.",
                         num, start=start)
        else:
            text = ngettext(
                "%(num)d point in a row above the centre line since %(start)s: a shift, likely a real change.",
                "%(num)d points in a row above the centre line since %(start)s: a shift, likely a real change.",
                num, start=start) if above else ngettext(
                "%(num)d point in a row below the centre line since %(start)s: a shift, likely a real change.",
                "%(num)d points in a row below the centre line since %(start)s: a shift, likely a real change.",
                num, start=start)
        return text
    if on_median:
        return ngettext(
            "%(num)d point in a row above the median from %(start)s to %(end)s: a shift, likely a real change.",
            "%(num)d points in a row above the median from %(start)s to %(end)s: a shift, likely a real change.",
            num, start=start, end=end) if above else ngettext(
            "%(num)d point in a row below the median from %(start)s to %(end)s: a shift, likely a real change.",
            "%(num)d points in a row below the median from %(start)s to %(end)s: a shift, likely a real change.",
            num, start=start, end=end)
    return ngettext(
        "%(num)d point in a row above the centre line from %(start)s to %(end)s: a shift, likely a real change.",
        "%(num)d points in a row above the centre line from %(start)s to %(end)s: a shift, likely a real change.",
        num, start=start, end=end) if above else ngettext(
        "%(num)d point in a row below the centre line from %(start)s to %(end)s: a shift, likely a real change.",
        "%(num)d points in a row below the centre line from %(start)s to %(end)s: a shift, likely a real change.",
        num, start=start, end=end)


def explain(signal: Signal, labels: Sequence[str], *, on_median: bool = True, summary: RunSummary | None = None,
            last_index: int | None = None) -> str:
    """One sentence for one signal. labels[i] names period i ("March 2026"). A run that
    reaches last_index (the latest plotted point) is told as still going on."""
    first, last = labels[signal.indices[0]], labels[signal.indices[-1]]
    if signal.rule in RUN_RULES:
        return _run_words(signal, labels, on_median, last_index is not None and signal.indices[-1] == last_index)
    if signal.rule == "trend":
        num = len(signal.indices)
        if signal.side == "up":  # ngettext although num >= 5: plural forms differ by number in many languages
            return ngettext("%(num)d point going up from %(start)s to %(end)s: a trend, a sign of gradual change.",
                            "%(num)d points going up from %(start)s to %(end)s: a trend, a sign of gradual change.",
                            num, start=first, end=last)
        return ngettext("%(num)d point going down from %(start)s to %(end)s: a trend, a sign of gradual change.",
                        "%(num)d points going down from %(start)s to %(end)s: a trend, a sign of gradual change.",
                        num, start=first, end=last)
    if signal.rule == "few_crossings":
        if summary and summary.crossings_min is not None:
            return ngettext(
                "The points cross the median only %(num)d time in %(points)d points, fewer than the %(min)d "
                "chance alone would give: a sign the process has shifted.",
                "The points cross the median only %(num)d times in %(points)d points, fewer than the %(min)d "
                "chance alone would give: a sign the process has shifted.",
                summary.crossings, points=summary.n_useful, min=summary.crossings_min)
        return _("The points cross the median fewer times than chance alone would give: a sign the process has "
                 "shifted.")
    if signal.rule == "few_runs":
        if summary and summary.runs_limits:
            return ngettext(
                "Only %(num)d run in %(points)d points, fewer than the %(min)d chance alone would give: the points "
                "cluster, a sign the process has shifted.",
                "Only %(num)d runs in %(points)d points, fewer than the %(min)d chance alone would give: the points "
                "cluster, a sign the process has shifted.",
                summary.runs, points=summary.n_useful, min=summary.runs_limits[0])
        return _("Fewer runs than chance alone would give: the points cluster, a sign the process has shifted.")
    if signal.rule == "many_runs":
        if summary and summary.runs_limits:
            return ngettext("%(num)d run in %(points)d points, more than the %(max)d chance alone would give: the "
                            "points zigzag, which can mean the data mix two sources.",
                            "%(num)d runs in %(points)d points, more than the %(max)d chance alone would give: the "
                            "points zigzag, which can mean the data mix two sources.",
                            summary.runs, points=summary.n_useful, max=summary.runs_limits[1])
        return _("More runs than chance alone would give: the points zigzag, which can mean the data mix two sources.")
    if signal.rule == "astronomical":
        return _("%(period)s is far from all the others: an astronomical point, worth finding out why.", period=first)
    if signal.rule == "outside_limits":
        if signal.side == "above":
            return _("%(period)s is above the upper control limit: special-cause variation, likely a real change.",
                     period=first)
        return _("%(period)s is below the lower control limit: special-cause variation, likely a real change.",
                 period=first)
    raise ValueError(f"no words for the rule {signal.rule!r}")


def _number(value: float) -> str:
    return format_decimal(value, format="#,##0.##")


def summarise(result: ChartResult, labels: Sequence[str], direction: str,
              number: Callable[[float], str] = _number) -> str:
    """One paragraph: the centre, the latest point, which way is better, and the signals,
    sorted into those in the improving direction, the worsening one, and neither."""
    if direction not in ("up", "down"):
        raise ValueError("direction must be 'up' or 'down'")
    present = [p for p in result.points if p.value is not None]
    if not present:
        return _("No data yet.")
    latest = present[-1]
    sentences = []
    if latest.centre is not None:
        if result.chart == "run":
            sentences.append(_("The median is %(centre)s.", centre=number(latest.centre)))
        else:
            sentences.append(_("The centre line is %(centre)s.", centre=number(latest.centre)))
    sentences.append(_("The latest point, %(period)s, is %(value)s.", period=labels[latest.index],
                       value=number(latest.value)))
    sentences.append(_("Higher is better.") if direction == "up" else _("Lower is better."))
    if not result.signals:
        sentences.append(_("There are no signals: the ups and downs look like chance alone."))
        return " ".join(sentences)
    verdicts = [improving(s, direction) for s in result.signals]
    better, worse, neither = verdicts.count(True), verdicts.count(False), verdicts.count(None)
    if better:
        sentences.append(ngettext("%(num)d signal points to improvement.", "%(num)d signals point to improvement.",
                                  better))
    if worse:
        sentences.append(ngettext("%(num)d signal points to things getting worse.",
                                  "%(num)d signals point to things getting worse.", worse))
    if neither:
        sentences.append(ngettext("%(num)d signal shows non-random variation without a direction.",
                                  "%(num)d signals show non-random variation without a direction.", neither))
    on_median = result.chart == "run"
    summaries = {p.phase: p.runs for p in result.phases}
    for signal in result.signals:
        phase = result.points[signal.indices[0]].phase
        sentences.append(explain(signal, labels, on_median=on_median, summary=summaries.get(phase),
                                 last_index=latest.index))
    return " ".join(sentences)
