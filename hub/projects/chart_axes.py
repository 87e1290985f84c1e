"""Axes for the server-drawn charts: round tick values, value formatting, x labels that never overlap."""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import format_decimal

from hub.projects.svg_markup import text_width


def _nice(x: float, round_it: bool) -> float:
    """1, 2, 5 or 10 times a power of ten, near x (rounded) or at least x (not rounded)."""
    exponent = math.floor(math.log10(x))
    fraction = x / 10 ** exponent
    if round_it:
        steps = ((1.5, 1), (3, 2), (7, 5))
        nice = next((n for limit, n in steps if fraction < limit), 10)
    else:
        nice = next((n for n in (1, 2, 5) if fraction <= n), 10)
    return nice * 10 ** exponent


def nice_ticks(lo: float, hi: float, max_ticks: int = 6) -> list[float]:
    """Round tick values covering [lo, hi]: the first at or below lo, the last at or above hi.
    0–0.87 gives 0, 0.2, …, 1.0; 3–47 gives 0, 10, …, 50."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError("tick range must be finite")
    lo, hi = min(lo, hi), max(lo, hi)
    if hi == lo:  # one value: give it room either side
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    step = _nice(_nice(hi - lo, False) / max(max_ticks - 1, 1), True)
    decimals = max(0, -math.floor(math.log10(step)) + 1)
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [round(i * step, decimals) + 0.0 for i in range(first, last + 1)]


def tick_decimals(ticks: list[float]) -> int:
    """How many decimals make every tick distinct and exact (0.2 needs one; 10 needs none)."""
    for decimals in range(0, 7):
        if all(abs(round(t, decimals) - t) < 1e-9 for t in ticks):
            return decimals
    return 6


def format_value(value: float, *, percent: bool, decimals: int = 1, signed: bool = False) -> str:
    """A value as the reader sees it, in the reader's locale. Percent values are proportions
    (0.453 is shown as 45.3%); a signed value (a difference) always shows its sign."""
    shown = value * 100 if percent else value
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    text = format_decimal(abs(shown) if signed else shown, format=pattern)
    if percent:
        text += "%"
    if signed:
        rounded_zero = round(abs(shown), decimals) == 0
        text = text if rounded_zero else ("+" if shown > 0 else "\u2212") + text
    return text


def format_tick(value: float, ticks: list[float], *, percent: bool, signed: bool = False) -> str:
    decimals = tick_decimals([t * 100 for t in ticks] if percent else ticks)
    return format_value(value, percent=percent, decimals=decimals, signed=signed)


@dataclass(frozen=True)
class Scale:
    """A linear map from a data domain onto a pixel range (the range may run backwards, as y does)."""
    domain_lo: float
    domain_hi: float
    range_lo: float
    range_hi: float

    def __call__(self, value: float) -> float:
        span = self.domain_hi - self.domain_lo or 1.0
        return self.range_lo + (value - self.domain_lo) / span * (self.range_hi - self.range_lo)

    def contains(self, value: float) -> bool:
        return min(self.domain_lo, self.domain_hi) - 1e-12 <= value <= max(self.domain_lo, self.domain_hi) + 1e-12


def value_span(values: Iterable[float | None]) -> tuple[float, float] | None:
    """The smallest and largest of the values that are there, or None when none are."""
    present = [v for v in values if v is not None and math.isfinite(v)]
    return (min(present), max(present)) if present else None


def y_domain(values: Iterable[float | None], *, percent: bool,
             y_range: tuple[float, float] | None = None, include: Iterable[float] = ()) -> list[float]:
    """The y ticks for a chart; the first and last are the domain. A given y_range wins (small
    multiples share one); percent charts never reach below 0% or above 100%."""
    if y_range is not None:
        lo, hi = y_range
    else:
        span = value_span([*values, *include])
        lo, hi = span if span else (0.0, 1.0)
        if percent:  # steps of 1, 2 or 5 x 10^k divide 1, so the ticks stay inside 0-100% too
            lo, hi = max(0.0, min(lo, 1.0)), min(1.0, max(hi, 0.0))
    ticks = nice_ticks(lo, hi)
    if percent and y_range is None:  # one value at 100% is padded past it: trim back
        ticks = [t for t in ticks if -1e-9 <= t <= 1 + 1e-9]
    return ticks


def thinned_label_indexes(labels: list[str], slot_px: float, font_px: float = 11, gap_px: float = 6) -> list[int]:
    """Which x labels to print: every k-th one, k the smallest step at which the widest label
    (plus a gap) fits in k slots, so no two printed labels can overlap."""
    if not labels:
        return []
    widest = max(text_width(text, font_px) for text in labels) + gap_px
    every = max(1, math.ceil(widest / slot_px)) if slot_px > 0 else len(labels)
    return list(range(0, len(labels), every))
