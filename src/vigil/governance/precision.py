"""Each tool's measured precision in this agency: how often reviewers confirm what it suggests.

Only the latest decision on each suggestion counts (a reviewer may change their mind);
suggestions nobody decided on are left out rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from vigil.records.analysis.models import Decision, Suggestion

Verdict = Decision.Verdict


@dataclass(frozen=True, slots=True)
class Precision:
    confirmed: int
    rejected: int

    @property
    def decided(self) -> int:
        return self.confirmed + self.rejected

    @property
    def value(self) -> float | None:
        return self.confirmed / self.decided if self.decided else None

    def __str__(self) -> str:
        if self.value is None:
            return "no decisions yet"
        return f"{self.value:.0%} ({self.confirmed} confirmed of {self.decided} decided)"


def _with_latest_verdict() -> QuerySet[Suggestion]:
    latest = Decision.objects.filter(suggestion=OuterRef("pk")).order_by("-decided_at", "-pk")
    return Suggestion.objects.annotate(verdict=Subquery(latest.values("verdict")[:1]))


def _confirmed() -> Count:
    return Count("pk", filter=Q(verdict=Verdict.CONFIRMED))


def _rejected() -> Count:
    return Count("pk", filter=Q(verdict=Verdict.REJECTED))


def measured_precision(tool: str) -> Precision:
    counts = (
        _with_latest_verdict()
        .filter(tool=tool)
        .aggregate(confirmed=_confirmed(), rejected=_rejected())
    )
    return Precision(counts["confirmed"], counts["rejected"])


def precision_by_tool() -> dict[str, Precision]:
    """Every tool with at least one suggestion, in one query (for `vigil tools ls`)."""
    rows = (
        _with_latest_verdict()
        .values("tool")
        .annotate(confirmed=_confirmed(), rejected=_rejected())
        .order_by("tool")
    )
    return {row["tool"]: Precision(row["confirmed"], row["rejected"]) for row in rows}
