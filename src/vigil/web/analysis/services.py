"""A person's decision on an AI suggestion: one function for the CLI, the API and the web app."""

from __future__ import annotations

from typing import Any

from vigil.audit.log import record
from vigil.web.analysis.models import Decision, Suggestion


def decide(suggestion: Suggestion, verdict: str, user: Any, reason: str, purpose: str) -> Decision:
    """Records the verdict (the latest one counts; earlier ones are kept) and audits it."""
    if verdict not in Decision.Verdict.values:
        raise ValueError("verdict must be 'confirmed' or 'rejected'")
    decision = Decision.objects.create(
        suggestion=suggestion, verdict=verdict, decided_by=user, reason=reason
    )
    record(
        "suggestion.decide",
        actor=user.username,
        case_name=suggestion.case.name,
        item_id=suggestion.item_id,
        purpose=purpose,
        details={
            "suggestion": suggestion.pk,
            "tool": suggestion.tool,
            "verdict": verdict,
            "reason": reason,
        },
    )
    return decision
