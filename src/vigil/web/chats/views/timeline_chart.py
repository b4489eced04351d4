"""Messages per day by participant as a stacked bar chart, drawn on the server as inline SVG
(no script library, like the dashboard's charts): the page works without JavaScript."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _

# Okabe-Ito: told apart with the common colour-vision deficiencies; grey for everyone else.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000")
OTHERS_COLOUR = "#999999"
MAX_DAYS = 3660  # ten years of days: beyond that the chart counts by week
BAR_WIDTH = 10
HEIGHT = 200


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    messages: int


@dataclass(frozen=True)
class Rect:
    x: int
    y: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    rects: list[Rect]
    series: list[Series]
    first: date | None
    last: date | None
    busiest: int
    per_week: bool


def timeline_chart(rows: list[dict[str, Any]]) -> Chart:
    """`rows` as vigil.chats.importing.queries.timeline gives them: {day, participant, name,
    messages}. Every day from the first to the last has its place, quiet days too."""
    if not rows:
        return Chart(0, HEIGHT, [], [], None, None, 0, False)
    totals: dict[Any, int] = defaultdict(int)
    names: dict[Any, str] = {}
    for row in rows:
        totals[row["participant"]] += row["messages"]
        names[row["participant"]] = row["name"] or (
            _("(no sender)") if row["participant"] is None else f"#{row['participant']}"
        )
    ranked = sorted(totals, key=lambda person: (-totals[person], str(person)))
    shown = ranked[: len(PALETTE)]
    colours = {person: PALETTE[index] for index, person in enumerate(shown)}
    series = [Series(names[p], colours[p], totals[p]) for p in shown]
    others = sum(totals[p] for p in ranked[len(PALETTE) :])
    if others:
        series.append(Series(_("Others"), OTHERS_COLOUR, others))

    first, last = rows[0]["day"], rows[-1]["day"]
    per_week = (last - first).days + 1 > MAX_DAYS
    start = first - timedelta(days=first.weekday()) if per_week else first

    def slot(day: date) -> int:
        return (day - start).days // (7 if per_week else 1)

    stacks: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    labels: dict[str, str] = {s.colour: s.name for s in series}
    for row in rows:
        colour = colours.get(row["participant"], OTHERS_COLOUR)
        stacks[slot(row["day"])][colour] += row["messages"]
    busiest = max(sum(stack.values()) for stack in stacks.values())
    rects = []
    for index, stack in sorted(stacks.items()):
        day = start + timedelta(days=index * (7 if per_week else 1))
        top = float(HEIGHT)
        for colour in [s.colour for s in series]:
            count = stack.get(colour, 0)
            if not count:
                continue
            height = HEIGHT * count / busiest
            top -= height
            title = f"{day.isoformat()} · {labels[colour]}: {count}"
            rects.append(Rect(index * BAR_WIDTH, round(top, 2), round(height, 2), colour, title))
    width = (slot(last) + 1) * BAR_WIDTH
    return Chart(width, HEIGHT, rects, series, first, last, busiest, per_week)
