"""The dashboard's figures for one case: by match status, type, category, processing state.

Callers pass a case the user may view (vigil.web.access): the counts are as much the case's
content as its items are.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

from vigil.matching.categories import UNCATEGORISED
from vigil.records.cases.models import Case, Item, Source
from vigil.web.review.charts import Bar, bars
from vigil.web.review.labels import (
    FAMILY_LABELS,
    ITEM_STATUS_LABELS,
    STATUS_LABELS,
    category_label,
)


@dataclass(frozen=True, slots=True)
class CaseFigures:
    total: int
    by_status: list[Bar]
    by_family: list[Bar]
    by_category: list[Bar]
    by_state: list[Bar]


def case_figures(case: Case) -> CaseFigures:
    items = Item.objects.filter(case=case)
    by_status = Counter(dict(items.values_list("match_status").annotate(n=Count("id")).order_by()))
    by_family = Counter(dict(items.values_list("blob__family").annotate(n=Count("id")).order_by()))
    by_state = Counter(dict(items.values_list("status").annotate(n=Count("id")).order_by()))
    by_category: Counter[str] = Counter()
    rows = items.values_list("match_category", "review__category").annotate(n=Count("id"))
    for listed, reviewed, count in rows.order_by():
        by_category[reviewed or listed or UNCATEGORISED] += count
    return CaseFigures(
        total=sum(by_state.values()),
        by_status=bars((k, str(STATUS_LABELS.get(k, k)), n) for k, n in by_status.items()),
        by_family=bars(
            (k or "", str(FAMILY_LABELS.get(k or "", k)), n) for k, n in by_family.items()
        ),
        by_category=bars((k, category_label(k), n) for k, n in by_category.items()),
        by_state=bars((k, str(ITEM_STATUS_LABELS.get(k, k)), n) for k, n in by_state.items()),
    )


@dataclass(frozen=True, slots=True)
class SourceProgress:
    source: Source
    recorded: int  # items written so far (a running source's totals come at its end)
    failed: int
    running: bool


def source_progress(case: Case) -> list[SourceProgress]:
    progress = []
    for source in Source.objects.filter(case=case).order_by("started_at", "pk"):
        running = source.status == Source.Status.RUNNING
        if running:
            states = dict(
                Item.objects.filter(source=source)
                .values_list("status")
                .annotate(n=Count("id"))
                .order_by()
            )
            recorded, failed = sum(states.values()), states.get(Item.Status.FAILED, 0)
        else:
            recorded, failed = source.processed + source.failed, source.failed
        progress.append(SourceProgress(source, recorded, failed, running))
    return progress
