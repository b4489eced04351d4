"""The gate every way of running a tool passes: it says why not, and who can approve."""

from __future__ import annotations

import pytest

from tests.governance.conftest import People, answers_at
from tests.governance.tools.high_risk.analyzer import HighRiskTool
from tests.governance.tools.low_risk.analyzer import LowRiskTool
from vigil.analyzers.registry import AnalyzerRegistry
from vigil.governance import workflow
from vigil.governance.gate import ToolRefused, check_tool_allowed


def approved(tool: type, level: str, people: People) -> None:
    workflow.assess(tool, answers_at(level), people.ivan, agency=people.agency, submit_now=True)
    workflow.vote(tool, people.olga, True, agency=people.agency)
    if level in ("high", "very high"):
        workflow.vote(tool, people.omar, True, agency=people.agency)


def test_an_unapproved_tool_is_refused_naming_the_governance_officers(
    people: People, registry: AnalyzerRegistry
) -> None:
    with pytest.raises(ToolRefused) as refused:
        check_tool_allowed(
            "gov_low_risk", case_name="op", actor="ivan", agency=people.agency, registry=registry
        )
    message = str(refused.value)
    assert "gov_low_risk has no approved risk assessment" in message
    assert f"{people.olga.username}, {people.omar.username}" in message


def test_without_governance_officers_the_refusal_says_how_to_add_one(
    registry: AnalyzerRegistry, django_instance: object
) -> None:
    from vigil.records.accounts.models import Agency

    agency = Agency.objects.create(name="agency without officers", country="ZZ")
    with pytest.raises(ToolRefused, match="vigil user add NAME --role governance_officer"):
        check_tool_allowed(
            "gov_low_risk", case_name="op", actor="ivan", agency=agency, registry=registry
        )


def test_an_approved_low_risk_tool_runs_without_a_legal_basis(
    people: People, registry: AnalyzerRegistry
) -> None:
    approved(LowRiskTool, "low", people)
    permit = check_tool_allowed(
        "gov_low_risk", case_name="op", actor="ivan", agency=people.agency, registry=registry
    )
    assert (permit.tool_version, permit.model_digest) == ("2.1", "b" * 64)
    assert permit.basis == "approved assessment v1 (low)"


def test_a_high_risk_tool_is_refused_without_a_legal_basis_and_necessity(
    people: People, registry: AnalyzerRegistry
) -> None:
    approved(HighRiskTool, "high", people)
    with pytest.raises(ToolRefused, match="needs a legal basis and a necessity statement"):
        check_tool_allowed(
            "gov_high_risk", case_name="op", actor="ivan", agency=people.agency, registry=registry
        )
    with pytest.raises(ToolRefused, match="needs a necessity statement"):
        check_tool_allowed(
            "gov_high_risk",
            case_name="op",
            actor="ivan",
            legal_basis="Warrant 7",
            agency=people.agency,
            registry=registry,
        )


def test_a_high_risk_tool_runs_with_a_legal_basis_and_necessity(
    people: People, registry: AnalyzerRegistry
) -> None:
    approved(HighRiskTool, "very high", people)
    permit = check_tool_allowed(
        "gov_high_risk",
        case_name="op",
        actor="ivan",
        legal_basis="Warrant 7",
        necessity="Victim identification",
        agency=people.agency,
        registry=registry,
    )
    assert (permit.level, permit.legal_basis, permit.necessity) == (
        "very high",
        "Warrant 7",
        "Victim identification",
    )


def test_a_high_risk_tool_with_one_approval_is_still_refused(
    people: People, registry: AnalyzerRegistry
) -> None:
    workflow.assess(
        HighRiskTool, answers_at("high"), people.ivan, agency=people.agency, submit_now=True
    )
    workflow.vote(HighRiskTool, people.olga, True, agency=people.agency)
    with pytest.raises(ToolRefused, match="assessment version 1 is submitted"):
        check_tool_allowed(
            "gov_high_risk",
            case_name="op",
            actor="ivan",
            legal_basis="Warrant 7",
            necessity="Victim identification",
            agency=people.agency,
            registry=registry,
        )


def test_a_suspended_tool_is_refused_with_the_reason(
    people: People, registry: AnalyzerRegistry
) -> None:
    approved(LowRiskTool, "low", people)
    workflow.suspend(LowRiskTool, people.omar, "false positives in op X", agency=people.agency)
    with pytest.raises(ToolRefused, match=r"is suspended .*false positives in op X"):
        check_tool_allowed(
            "gov_low_risk", case_name="op", actor="ivan", agency=people.agency, registry=registry
        )


def test_a_tool_with_a_new_model_is_refused_until_it_is_reassessed(
    people: People, registry: AnalyzerRegistry
) -> None:
    approved(HighRiskTool, "medium", people)
    HighRiskTool.digest = "d" * 64
    with pytest.raises(ToolRefused, match=r"but version 1.0 with model dddddddddddd is installed"):
        check_tool_allowed(
            "gov_high_risk", case_name="op", actor="ivan", agency=people.agency, registry=registry
        )


def test_a_non_ai_triage_step_passes_without_an_assessment(
    people: People, registry: AnalyzerRegistry
) -> None:
    permit = check_tool_allowed(
        "gov_plain_step", case_name="op", actor="ivan", agency=people.agency, registry=registry
    )
    assert permit.basis == "approved by default: a non-AI step"


def test_an_unknown_tool_is_refused(people: People, registry: AnalyzerRegistry) -> None:
    with pytest.raises(ToolRefused, match="no analyzer named 'nope'"):
        check_tool_allowed(
            "nope", case_name="op", actor="ivan", agency=people.agency, registry=registry
        )


def test_refusals_and_permits_are_audit_logged(people: People, registry: AnalyzerRegistry) -> None:
    from vigil.records.audit.models import AuditEntry

    with pytest.raises(ToolRefused):
        check_tool_allowed(
            "gov_low_risk", case_name="op-a", actor="ivan", agency=people.agency, registry=registry
        )
    check_tool_allowed(
        "gov_plain_step", case_name="op-a", actor="ivan", agency=people.agency, registry=registry
    )
    logged = AuditEntry.objects.filter(details__agency=people.agency.name).order_by("seq")
    assert [(e.action, e.outcome, e.case_name) for e in logged] == [
        ("governance.refuse", "refused", "op-a"),
        ("governance.permit", "ok", "op-a"),
    ]
