"""A person's decision on an AI suggestion: one function for the CLI, the API and the web app."""

from __future__ import annotations

from typing import Any

from vigil.audit.log import record
from vigil.records.analysis.models import Decision, Suggestion


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


def suggestion_document(suggestion: Any) -> dict[str, Any]:
    decisions = sorted(suggestion.decisions.all(), key=lambda d: d.decided_at)
    latest = decisions[-1] if decisions else None
    return {
        "id": suggestion.pk,
        "tool": suggestion.tool,
        "tool_version": suggestion.tool_version,
        "model_digest": suggestion.model_digest,
        "parameters": suggestion.parameters,
        "run_id": str(suggestion.run.run_id),
        "created_at": suggestion.created_at.isoformat(),
        "label": suggestion.label,
        "confidence": suggestion.confidence,
        "data": suggestion.data,
        "sha256": suggestion.blob_id,
        "item_path": suggestion.item.path if suggestion.item else None,
        "decision": None
        if latest is None
        else {
            "verdict": latest.verdict,
            "by": latest.decided_by.username,
            "at": latest.decided_at.isoformat(),
            "reason": latest.reason,
        },
    }
