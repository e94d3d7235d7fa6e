"""Geometry for the inline SVG charts (the template draws them).

Charts are computed here, not with a charting library: a few rectangles are
all a stacked bar chart needs, and the output stays small, offline and
byte-for-byte deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 56  # room for three-digit ticks and two rows of labels in a phone's larger type
LABEL_EVERY_ON_A_PHONE = 3  # a phone labels every third month (back from the last), in larger type


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    series: int
    label: str


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class Column:
    x: float  # centre, for the label
    label: str
    total: int
    on_a_phone: bool = False  # labelled on a narrow screen too (every LABEL_EVERY_ON_A_PHONE-th month)


@dataclass(frozen=True)
class StackedBars:
    width: int
    height: int
    segments: list[Segment]
    ticks: list[Tick]
    columns: list[Column]
    series: list[str]
    baseline: float
    left: float = LEFT  # the plot's x range, for axis lines and tick labels
    right: float = WIDTH - RIGHT


def _nice_max(value: int) -> int:
    """A round upper bound for a four-step axis: 4 x (1, 2, 3, 4, 5, 10, 15, 20, 25, 30, 40, 50, 75, ...)."""
    steps = (int(s * 10 ** k) for k in range(12) for s in (1, 1.5, 2, 2.5, 3, 4, 5, 7.5) if s * 10 ** k >= 1
             and float(s * 10 ** k).is_integer())
    return 4 * next(step for step in steps if 4 * step >= value)


def stacked_bars(rows: dict[str, dict[str, int]], series: list[str], label=lambda key: key) -> StackedBars:
    """Bars for ``rows`` (column key -> series -> count), stacked in ``series`` order."""
    top = _nice_max(max((sum(r.values()) for r in rows.values()), default=0) or 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(rows), 1)
    bar_w = slot * 0.7
    baseline = TOP + plot_h
    segments, columns = [], []
    for i, (key, counts) in enumerate(rows.items()):
        x = LEFT + i * slot + (slot - bar_w) / 2
        y = float(baseline)
        for s, name in enumerate(series):
            n = counts.get(name, 0)
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            segments.append(Segment(round(x, 2), round(y, 2), round(bar_w, 2), round(h, 2), s,
                                    f"{label(key)}: {n} {name}"))
        on_a_phone = (len(rows) - 1 - i) % LABEL_EVERY_ON_A_PHONE == 0
        columns.append(Column(round(x + bar_w / 2, 2), label(key), sum(counts.values()), on_a_phone))
    ticks = [Tick(round(baseline - plot_h * k / 4, 2), top * k // 4) for k in range(5)]
    return StackedBars(WIDTH, HEIGHT, segments, ticks, columns, series, baseline)


@dataclass(frozen=True)
class Bar:
    y: float  # top of the bar
    width: float
    height: float
    label: str
    value: int
    text_y: float  # baseline for the label and the value, centred on the bar


@dataclass(frozen=True)
class HorizontalBars:
    width: int
    height: int
    label_width: int  # left of the bars: the row labels (right-aligned at label_width - 8)
    bars: list[Bar]


def horizontal_bars(rows: list[tuple[str, int]], width: int = 560, label_width: int = 150,
                    row_height: int = 26) -> HorizontalBars:
    """One bar per row (label, count), longest at the largest count; every row kept, zeros too,
    so the chart always shows every category and its number is written beside the bar."""
    top = max((n for _, n in rows), default=0) or 1
    plot_w = width - label_width - 40  # room for the value after the longest bar
    bars = []
    for i, (label, n) in enumerate(rows):
        y = 6 + i * row_height
        bar_h = row_height - 8
        bars.append(Bar(y, round(plot_w * n / top, 2), bar_h, label, n, round(y + bar_h / 2 + 4, 2)))
    return HorizontalBars(width, 12 + len(rows) * row_height, label_width, bars)
