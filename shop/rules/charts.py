"""Chart geometry for server-drawn SVG: bars placed in a fixed view box, no markup here.

Public API:
- ``nice_ceiling(value) -> int``: a round axis top at or above ``value`` (1, 2, 5 x 10^n).
- ``column_chart(points, width, height) -> Chart``: one vertical bar per (label, value),
  left to right (sales per day); the axis has ``ticks`` at round values.
- ``row_chart(points, width, row_height) -> Chart``: one horizontal bar per (label, value),
  top to bottom (orders by status, top products, low stock).
Values are ints (cents or counts) and never negative; the template formats them. The
template draws each ``Bar`` as a <rect> inside ``viewBox="0 0 width height"``, so the
chart scales to the page on any screen.
"""
from dataclasses import dataclass

PLOT_LEFT = 64     # room for the axis labels of a column chart
PLOT_BOTTOM = 22   # room for the day labels under the columns
PLOT_TOP = 8
ROW_LABEL = 170    # room for the labels left of a row chart's bars
ROW_VALUE = 90     # room for the value right of a row chart's bars


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    top: int                      # the value at the top of the axis
    ticks: tuple[Tick, ...] = ()  # column charts: horizontal grid lines
    plot_left: float = 0
    plot_bottom: float = 0        # y of the axis line (column charts)

    @property
    def empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is at least ``value`` (1 for 0)."""
    if value < 0:
        raise ValueError("chart values are never negative")
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return max(step * factor, 1)
        step *= 10


def _check(points) -> list[tuple[str, int]]:
    points = [(str(label), value) for label, value in points]
    for _, value in points:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"chart values must be ints >= 0, got {value!r}")
    return points


def column_chart(points, width: int = 720, height: int = 220, ticks: int = 4) -> Chart:
    """Vertical bars, one per point, scaled to a round axis top, with grid ticks."""
    points = _check(points)
    top = nice_ceiling(max((value for _, value in points), default=0))
    plot_height = height - PLOT_TOP - PLOT_BOTTOM
    base = PLOT_TOP + plot_height
    slot = (width - PLOT_LEFT) / max(len(points), 1)
    bars = []
    for index, (label, value) in enumerate(points):
        bar_height = plot_height * value / top
        bars.append(Bar(label, value, x=round(PLOT_LEFT + index * slot + slot * 0.15, 2),
                        y=round(base - bar_height, 2), width=round(slot * 0.7, 2),
                        height=round(bar_height, 2)))
    grid = tuple(Tick(top * step // ticks, round(base - plot_height * step / ticks, 2))
                 for step in range(ticks + 1))
    return Chart(width, height, tuple(bars), top, grid, PLOT_LEFT, base)


def row_chart(points, width: int = 720, row_height: int = 28, label_width: int = ROW_LABEL,
              value_width: int = ROW_VALUE) -> Chart:
    """Horizontal bars, one row per point, the longest reaching the axis top; labels get
    `label_width` on the left, values `value_width` on the right."""
    points = _check(points)
    top = max((value for _, value in points), default=0) or 1
    room = width - label_width - value_width
    if room <= 0:
        raise ValueError("no room left for the bars")
    bars = tuple(Bar(label, value, x=label_width, y=index * row_height + 4,
                     width=round(room * value / top, 2), height=row_height - 8)
                 for index, (label, value) in enumerate(points))
    return Chart(width, max(len(points), 1) * row_height, bars, top, (), label_width, 0)
