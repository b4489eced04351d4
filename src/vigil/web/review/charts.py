"""Counts as bar charts drawn on the server (inline SVG in the page: no chart library)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Bar:
    key: str
    label: str
    count: int
    percent: float  # of the largest bar, for the bar's length


def bars(counts: Iterable[tuple[str, str, int]]) -> list[Bar]:
    """(key, label, count) → bars, largest first; lengths relative to the largest."""
    rows = sorted(counts, key=lambda row: (-row[2], row[0]))
    largest = max((count for _, _, count in rows), default=0)
    return [
        Bar(key, label, count, round(100 * count / largest, 1) if largest else 0.0)
        for key, label, count in rows
    ]
