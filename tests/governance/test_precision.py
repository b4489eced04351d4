"""A tool's measured precision: what reviewers confirmed, of what they decided, latest word."""

from __future__ import annotations

import hashlib

from tests.governance.conftest import People
from vigil.governance.precision import measured_precision, precision_by_tool
from vigil.records.analysis.models import AnalysisRun, Decision, Suggestion
from vigil.records.cases.models import Blob, Case


def suggest(tool: str, case: Case, n: int) -> list[Suggestion]:
    run = AnalysisRun.objects.create(case=case, tool=tool, tool_version="1", started_by="ivan")
    suggestions = []
    for index in range(n):
        sha = hashlib.sha256(f"{tool}-{index}".encode()).hexdigest()
        blob, _ = Blob.objects.get_or_create(
            sha256=sha, defaults={"md5": sha[:32], "sha1": sha[:40], "size": 1}
        )
        suggestions.append(
            Suggestion.objects.create(
                run=run, case=case, blob=blob, tool=tool, tool_version="1", label="face"
            )
        )
    return suggestions


def decide(suggestion: Suggestion, verdict: str, people: People) -> None:
    Decision.objects.create(suggestion=suggestion, verdict=verdict, decided_by=people.olga)


def test_a_tool_nobody_decided_on_has_no_precision(people: People, case_name: str) -> None:
    tool = f"undecided_{people.agency.pk}"
    suggest(tool, Case.objects.create(name=case_name), 2)
    precision = measured_precision(tool)
    assert (precision.value, precision.decided) == (None, 0)
    assert str(precision) == "no decisions yet"


def test_precision_counts_the_latest_decision_of_each_suggestion(
    people: People, case_name: str
) -> None:
    tool = f"measured_{people.agency.pk}"
    first, second, third, _undecided = suggest(tool, Case.objects.create(name=case_name), 4)
    decide(first, "confirmed", people)
    decide(second, "confirmed", people)
    decide(second, "rejected", people)  # the reviewer changed their mind: rejected counts
    decide(third, "rejected", people)
    precision = measured_precision(tool)
    assert (precision.confirmed, precision.rejected) == (1, 2)
    assert precision.value == 1 / 3
    assert str(precision) == "33% (1 confirmed of 3 decided)"
    assert precision_by_tool()[tool] == precision
