"""The one check before a tool runs in casework, for the CLI, the web app and the API alike.

A tool runs only when this agency approved its assessment for the installed version and model
(or it is a non-AI triage step), the approval is neither suspended nor lapsed, and, for a tool
rated high or very high, the use comes with a legal basis and a necessity statement.
Every answer, permit or refusal, is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from vigil.accounts.services import default_agency, usernames_with_role
from vigil.analyzers.base import RiskLevel
from vigil.analyzers.registry import AnalyzerRegistry, default_registry
from vigil.audit.log import record
from vigil.governance import scoring
from vigil.governance.standing import APPROVED_BY_DEFAULT, identity, standing
from vigil.records.accounts.models import Agency, Role


class ToolRefused(Exception):
    """The tool may not run in this case; the message says why and who can approve it."""


@dataclass(frozen=True, slots=True)
class Permit:
    """Leave to run one tool in one case: what the run records as its governance basis."""

    tool: str
    tool_version: str
    model_digest: str
    level: RiskLevel | None
    basis: str  # "approved assessment v3 (low)" or APPROVED_BY_DEFAULT
    case_name: str
    actor: str
    legal_basis: str
    necessity: str


def check_tool_allowed(
    tool_name: str,
    *,
    case_name: str,
    actor: str,
    legal_basis: str = "",
    necessity: str = "",
    agency: Agency | None = None,
    registry: AnalyzerRegistry | None = None,
) -> Permit:
    agency = agency or default_agency()
    registry = registry if registry is not None else default_registry()
    legal_basis, necessity = legal_basis.strip(), necessity.strip()
    details = {"agency": agency.name, "tool": tool_name}
    try:
        tool = registry.get(tool_name)
    except KeyError as error:
        _refuse(str(error.args[0]), actor, case_name, details)
    version, digest = identity(tool)
    details |= {"tool_version": version, "model_digest": digest}
    now = standing(tool, agency)
    if now.problem is not None:
        _refuse(f"{now.problem}. {who_can_approve(agency, tool_name)}", actor, case_name, details)
    if now.level is not None and scoring.needs_legal_basis(now.level):
        missing = [
            label
            for label, text in (
                ("a legal basis", legal_basis),
                ("a necessity statement", necessity),
            )
            if not text
        ]
        if missing:
            _refuse(
                f"{tool_name} is rated {now.level} risk: each use in a case needs "
                f"{' and '.join(missing)}, recorded with the run (case {case_name})",
                actor,
                case_name,
                details,
            )
    basis = (
        APPROVED_BY_DEFAULT
        if now.in_force is None
        else f"approved assessment v{now.in_force.version} ({now.level})"
    )
    record(
        "governance.permit",
        actor=actor,
        case_name=case_name,
        purpose=necessity,
        details={**details, "basis": basis, "level": now.level, "legal_basis": legal_basis},
    )
    return Permit(
        tool_name, version, digest, now.level, basis, case_name, actor, legal_basis, necessity
    )


def who_can_approve(agency: Agency, tool_name: str) -> str:
    officers = usernames_with_role(agency, Role.GOVERNANCE_OFFICER)
    if not officers:
        return (
            "No governance officer is registered: an agency admin must add one with "
            "`vigil user add NAME --role governance_officer`."
        )
    return (
        f"Governance officers who can approve it: {', '.join(officers)} "
        f"(`vigil tools approve {tool_name} --user NAME`)."
    )


def _refuse(message: str, actor: str, case_name: str, details: dict[str, str]) -> NoReturn:
    record(
        "governance.refuse",
        actor=actor,
        case_name=case_name,
        outcome="refused",
        details={**details, "reason": message},
    )
    raise ToolRefused(message)
