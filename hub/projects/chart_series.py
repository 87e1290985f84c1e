"""What a chart is drawn from: an already-analysed series (the SPC engine's output, adapted)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Band:
    """A PDSA cycle (or any span of periods) shown as a shaded time band; indexes inclusive."""
    start_index: int
    end_index: int
    label: str


@dataclass
class ChartSeries:
    """One measure over time. Every per-period list is as long as `labels`; an empty list means
    "none" (no suppression, no limits, no signals, nothing excluded).

    values: proportions (0.453 for 45.3%) when `percent`, else plain numbers; None is missing.
    suppressed: True where the value is withheld for small-cell privacy; it is never drawn,
        and neither are that period's control limits (a P or U chart's limit width gives away n).
    centre, ucl, lcl: per period, so P and U charts' limits are drawn as steps.
    signal: True where the point belongs to a signal (a run-chart or Shewhart rule).
    excluded: a reason where the point is left out of the calculations (drawn hollow, not joined).
    phase_starts: indexes at which a new phase (new centre and limits) begins.
    """
    labels: list[str]
    values: list[float | None]
    suppressed: list[bool] = field(default_factory=list)
    centre: list[float | None] = field(default_factory=list)
    ucl: list[float | None] = field(default_factory=list)
    lcl: list[float | None] = field(default_factory=list)
    signal: list[bool] = field(default_factory=list)
    excluded: list[str | None] = field(default_factory=list)
    goal: float | None = None
    bands: list[Band] = field(default_factory=list)
    phase_starts: list[int] = field(default_factory=list)
    y_label: str = ""
    percent: bool = False
    title: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        n = len(self.labels)
        defaults: dict[str, object] = {"suppressed": False, "centre": None, "ucl": None, "lcl": None,
                                       "signal": False, "excluded": None}
        if len(self.values) != n:
            raise ValueError(f"values has {len(self.values)} entries for {n} labels")
        for name, empty in defaults.items():
            column = list(getattr(self, name))
            if not column:
                column = [empty] * n
            if len(column) != n:
                raise ValueError(f"{name} has {len(column)} entries for {n} labels")
            setattr(self, name, column)
        self.values = list(self.values)
        for band in self.bands:
            if not 0 <= band.start_index <= band.end_index < n:
                raise ValueError(f"band {band.label!r} runs outside the series")
        self.phase_starts = sorted({p for p in self.phase_starts if 0 < p < n})

    def __len__(self) -> int:
        return len(self.labels)

    def shown(self, i: int) -> bool:
        """Whether period i has a value that may be plotted."""
        return not self.suppressed[i] and self.values[i] is not None

    def limit(self, column: list[float | None], i: int) -> float | None:
        """A control limit at period i, withheld where the value is."""
        return None if self.suppressed[i] else column[i]

    def visible_numbers(self) -> list[float]:
        """Everything the y axis must reach: shown values, their limits, centre and goal."""
        found: list[float] = []
        for i in range(len(self)):
            if self.shown(i):
                found.append(self.values[i])  # type: ignore[arg-type]
            found.extend(v for v in (self.limit(self.ucl, i), self.limit(self.lcl, i), self.centre[i])
                         if v is not None)
        if self.goal is not None:
            found.append(self.goal)
        return found
