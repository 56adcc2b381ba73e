"""Sorted ranges of text: "is this span inside one of them?" in O(log n)."""

from __future__ import annotations


def last_le(values: list[int], x: int) -> int:
    """Index of the last value <= x in a sorted list, or -1."""
    lo, hi = 0, len(values)
    while lo < hi:
        mid = (lo + hi) // 2
        if values[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1


class Cover:
    """Ranges [a, b) answering "is [x, y) inside one of them?" in O(log n)."""

    def __init__(self, ranges) -> None:
        ranges = sorted(ranges)
        self.starts = [r[0] for r in ranges]
        self.max_end = []
        best = -1
        for r in ranges:
            best = max(best, r[1])
            self.max_end.append(best)

    def contains(self, x: int, y: int | None = None) -> bool:
        i = last_le(self.starts, x)
        end = x + 1 if y is None else y
        return i >= 0 and self.max_end[i] >= end
