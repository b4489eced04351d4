"""Where a tool stands in an agency: may it run, and if not, why not. Reads only.

The assessment *in force* is the latest one that was decided (approved, rejected or
suspended): a newer draft or submitted re-assessment changes nothing until it is decided.
An approval counts only for the tool version and model digest it was given for, and only
until its re-assessment date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from django.utils import timezone

from vigil.analyzers.base import Analyzer, RiskLevel
from vigil.records.accounts.models import Agency
from vigil.records.governance.models import ToolAssessment

State = ToolAssessment.State
DECIDED = (State.APPROVED, State.REJECTED, State.SUSPENDED)
APPROVED_BY_DEFAULT = "approved by default: a non-AI step"


def approved_by_default(tool: type[Analyzer]) -> bool:
    """Deterministic triage steps (hashing, typing, metadata) need no assessment."""
    return tool.triage_step and not tool.uses_ai


def identity(tool: type[Analyzer]) -> tuple[str, str]:
    """What an approval is bound to: the tool version and the SHA-256 of its model."""
    model = tool.model()
    return tool.version, model.digest if model is not None else ""


@dataclass(frozen=True, slots=True)
class Standing:
    tool: type[Analyzer]
    agency: Agency
    state: str  # a ToolAssessment state, "not assessed" or APPROVED_BY_DEFAULT
    level: RiskLevel | None
    in_force: ToolAssessment | None
    latest: ToolAssessment | None
    #: Why the tool may not run in casework now; None when it may.
    problem: str | None

    @property
    def allowed(self) -> bool:
        return self.problem is None


def latest_assessment(tool_name: str, agency: Agency) -> ToolAssessment | None:
    return ToolAssessment.objects.filter(agency=agency, tool=tool_name).order_by("-version").first()


def standing(tool: type[Analyzer], agency: Agency, *, today: dt.date | None = None) -> Standing:
    if approved_by_default(tool):
        return Standing(tool, agency, APPROVED_BY_DEFAULT, "low", None, None, None)
    latest = latest_assessment(tool.name, agency)
    in_force = (
        ToolAssessment.objects.filter(agency=agency, tool=tool.name, state__in=DECIDED)
        .order_by("-version")
        .first()
    )
    shown = in_force or latest
    level = cast("RiskLevel", shown.level) if shown and shown.level else None
    state = shown.state if shown else "not assessed"
    problem = _problem(tool, agency, in_force, latest, today or timezone.localdate())
    return Standing(tool, agency, state, level, in_force, latest, problem)


def _problem(
    tool: type[Analyzer],
    agency: Agency,
    in_force: ToolAssessment | None,
    latest: ToolAssessment | None,
    today: dt.date,
) -> str | None:
    name = tool.name
    pending = ""
    if latest is not None and latest.state in (State.DRAFT, State.SUBMITTED):
        pending = f" (assessment version {latest.version} is {latest.state})"
    if in_force is None:
        return f"{name} has no approved risk assessment in {agency}{pending}"
    when = in_force.decided_at.date().isoformat() if in_force.decided_at else "?"
    if in_force.state == State.REJECTED:
        why = f": {in_force.state_reason}" if in_force.state_reason else ""
        return f"{name} was rejected in {agency} on {when}{why}{pending}"
    if in_force.state == State.SUSPENDED:
        why = f": {in_force.state_reason}" if in_force.state_reason else ""
        return f"{name} is suspended in {agency}{why}{pending}"
    version, digest = identity(tool)
    if (in_force.tool_version, in_force.model_digest) != (version, digest):
        return (
            f"{name} was approved for version {in_force.tool_version}"
            f"{_model(in_force.model_digest)}, but version {version}{_model(digest)} is "
            f"installed: the new version must be assessed and approved{pending}"
        )
    if in_force.reassess_by is not None and today > in_force.reassess_by:
        return (
            f"the approval of {name} lapsed on {in_force.reassess_by.isoformat()}: "
            f"it must be re-assessed{pending}"
        )
    return None


def _model(digest: str) -> str:
    return f" with model {digest[:12]}" if digest else " (no model)"
