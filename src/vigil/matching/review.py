"""The order in which a reviewer sees a case's items: what no list knows comes first.

unknown (possible new material, possible new victim) → near (a PDQ near match: a person must
confirm it) → known_illicit (exact match on an illicit list) → known_good (filtered by a
known-good list such as the NSRL). Within a rank, items keep their triage order.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from vigil.records.cases.models import Item

UNKNOWN, NEAR, KNOWN_ILLICIT, KNOWN_GOOD = "unknown", "near", "known_illicit", "known_good"
REVIEW_RANK = {UNKNOWN: 0, NEAR: 1, KNOWN_ILLICIT: 2, KNOWN_GOOD: 3}


def review_rank(status: str) -> int:
    return REVIEW_RANK.get(status, 0)  # an unexpected status is reviewed first, never hidden


def in_review_order(items: QuerySet[Item]) -> QuerySet[Item]:
    rank = Case(
        *(When(match_status=status, then=Value(rank)) for status, rank in REVIEW_RANK.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    return items.annotate(review_rank=rank).order_by("review_rank", "id")
