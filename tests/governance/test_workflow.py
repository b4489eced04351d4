"""Assessments move draft → submitted → approved / rejected → suspended, by the right people."""

from __future__ import annotations

import pytest

from tests.governance.conftest import People, answers_at
from tests.governance.tools.high_risk.analyzer import HighRiskTool
from tests.governance.tools.low_risk.analyzer import LowRiskTool
from tests.governance.tools.plain_step.analyzer import PlainStep
from vigil.governance import workflow
from vigil.governance.standing import standing
from vigil.governance.workflow import GovernanceError


def submitted(tool: type, level: str, people: People) -> None:
    workflow.assess(tool, answers_at(level), people.ivan, agency=people.agency, submit_now=True)


def test_an_assessment_starts_as_a_draft_with_its_level_and_the_installed_model(
    people: People,
) -> None:
    assessment = workflow.assess(
        HighRiskTool, answers_at("high"), people.ivan, agency=people.agency
    )
    assert (assessment.state, assessment.level, assessment.version) == ("draft", "high", 1)
    assert assessment.model_digest == "a" * 64 and assessment.tool_version == "1.0"


def test_without_answers_the_packages_own_risk_file_is_used(people: People) -> None:
    assessment = workflow.assess(HighRiskTool, None, people.ivan, agency=people.agency)
    assert assessment.answers["use_case"]["purpose"].startswith("Group faces")


def test_a_draft_with_unanswered_questions_cannot_be_submitted(people: People) -> None:
    workflow.assess(HighRiskTool, None, people.ivan, agency=people.agency)
    with pytest.raises(GovernanceError, match=r"leaves questions unanswered: .*robustness"):
        workflow.submit(HighRiskTool, people.ivan, agency=people.agency)


def test_a_use_that_is_not_lawful_is_rejected_at_once(people: People) -> None:
    answers = answers_at("low", legal_basis=False)
    assessment = workflow.assess(LowRiskTool, answers, people.ivan, agency=people.agency)
    assert assessment.state == "rejected"
    assert assessment.state_reason == "rejected: not lawful: no legal basis"
    assert assessment.level == ""


def test_one_approval_suffices_for_a_medium_risk_tool(people: People) -> None:
    submitted(LowRiskTool, "medium", people)
    assessment = workflow.vote(LowRiskTool, people.olga, True, agency=people.agency)
    assert assessment.state == "approved"
    assert assessment.state_reason == f"approved by {people.olga.username}"
    assert assessment.reassess_by is not None


def test_a_high_risk_tool_needs_two_distinct_approvers(people: People) -> None:
    submitted(HighRiskTool, "high", people)
    assert workflow.vote(HighRiskTool, people.olga, True, agency=people.agency).state == "submitted"
    with pytest.raises(GovernanceError, match="already voted"):
        workflow.vote(HighRiskTool, people.olga, True, agency=people.agency)
    assert workflow.vote(HighRiskTool, people.omar, True, agency=people.agency).state == "approved"


def test_an_investigator_cannot_approve(people: People) -> None:
    submitted(LowRiskTool, "low", people)
    with pytest.raises(GovernanceError, match="is not a governance officer"):
        workflow.vote(LowRiskTool, people.ivan, True, agency=people.agency)


def test_a_user_of_another_agency_cannot_assess(people: People) -> None:
    from vigil.records.accounts.models import Agency

    elsewhere = Agency.objects.create(name=f"elsewhere-{people.agency.name}", country="DE")
    with pytest.raises(GovernanceError, match="is not a member of"):
        workflow.assess(LowRiskTool, answers_at("low"), people.ivan, agency=elsewhere)


def test_an_unknown_user_is_told_how_to_be_added(people: People) -> None:
    with pytest.raises(GovernanceError, match="vigil user add nobody"):
        workflow.assess(LowRiskTool, answers_at("low"), "nobody", agency=people.agency)


def test_one_rejection_rejects_even_after_an_approval(people: People) -> None:
    submitted(HighRiskTool, "high", people)
    workflow.vote(HighRiskTool, people.olga, True, agency=people.agency)
    assessment = workflow.vote(
        HighRiskTool, people.omar, False, "bias not measured", agency=people.agency
    )
    assert assessment.state == "rejected"
    assert assessment.votes.count() == 2  # the approval is kept beside the rejection


def test_a_rejection_needs_a_reason(people: People) -> None:
    submitted(LowRiskTool, "low", people)
    with pytest.raises(GovernanceError, match="needs a reason"):
        workflow.vote(LowRiskTool, people.olga, False, " ", agency=people.agency)


def test_a_draft_cannot_be_voted_on(people: People) -> None:
    workflow.assess(LowRiskTool, answers_at("low"), people.ivan, agency=people.agency)
    with pytest.raises(GovernanceError, match="submit it first"):
        workflow.vote(LowRiskTool, people.olga, True, agency=people.agency)


def test_suspension_and_reinstatement_need_an_officer_and_a_reason(people: People) -> None:
    submitted(LowRiskTool, "low", people)
    workflow.vote(LowRiskTool, people.olga, True, agency=people.agency)
    with pytest.raises(GovernanceError, match="is not a governance officer"):
        workflow.suspend(LowRiskTool, people.ivan, "errors", agency=people.agency)
    with pytest.raises(GovernanceError, match="needs a reason"):
        workflow.suspend(LowRiskTool, people.omar, "", agency=people.agency)
    assert workflow.suspend(LowRiskTool, people.omar, "errors", agency=people.agency).state == (
        "suspended"
    )
    assert not standing(LowRiskTool, people.agency).allowed
    workflow.reinstate(LowRiskTool, people.olga, "fixed", agency=people.agency)
    assert standing(LowRiskTool, people.agency).allowed


def test_a_tool_that_is_not_approved_cannot_be_suspended(people: People) -> None:
    with pytest.raises(GovernanceError, match=r"is not assessed .*cannot be suspended"):
        workflow.suspend(LowRiskTool, people.olga, "errors", agency=people.agency)


def test_a_reassessment_starts_a_new_version_and_the_approval_stays_until_it_is_decided(
    people: People,
) -> None:
    submitted(LowRiskTool, "low", people)
    workflow.vote(LowRiskTool, people.olga, True, agency=people.agency)
    again = workflow.assess(LowRiskTool, answers_at("medium"), people.ivan, agency=people.agency)
    assert (again.version, again.state) == (2, "draft")
    now = standing(LowRiskTool, people.agency)
    assert now.allowed and now.in_force is not None and now.in_force.version == 1


def test_a_new_model_digest_invalidates_the_approval(people: People) -> None:
    submitted(HighRiskTool, "medium", people)
    workflow.vote(HighRiskTool, people.olga, True, agency=people.agency)
    assert standing(HighRiskTool, people.agency).allowed
    HighRiskTool.digest = "c" * 64
    now = standing(HighRiskTool, people.agency)
    assert not now.allowed
    assert "must be assessed and approved" in str(now.problem)


def test_votes_on_an_assessment_of_an_older_model_are_refused(people: People) -> None:
    submitted(HighRiskTool, "medium", people)
    HighRiskTool.digest = "c" * 64
    with pytest.raises(GovernanceError, match="changed since assessment v1"):
        workflow.vote(HighRiskTool, people.olga, True, agency=people.agency)


def test_an_approval_lapses_after_its_reassessment_date(people: People) -> None:
    submitted(LowRiskTool, "low", people)
    assessment = workflow.vote(LowRiskTool, people.olga, True, agency=people.agency)
    assert assessment.reassess_by is not None
    later = assessment.reassess_by.replace(year=assessment.reassess_by.year + 1)
    assert "lapsed" in str(standing(LowRiskTool, people.agency, today=later).problem)


def test_a_non_ai_triage_step_is_approved_by_default_and_needs_no_assessment(
    people: People,
) -> None:
    assert standing(PlainStep, people.agency).state == "approved by default: a non-AI step"
    with pytest.raises(GovernanceError, match="approved by default"):
        workflow.assess(PlainStep, None, people.ivan, agency=people.agency)


def test_every_governance_action_is_audit_logged(people: People) -> None:
    from vigil.records.audit.models import AuditEntry

    submitted(LowRiskTool, "low", people)
    workflow.vote(LowRiskTool, people.olga, True, agency=people.agency)
    actions = list(
        AuditEntry.objects.filter(details__agency=people.agency.name)
        .order_by("seq")
        .values_list("action", "actor")
    )
    assert actions == [
        ("governance.assess", people.ivan.username),
        ("governance.submit", people.ivan.username),
        ("governance.vote", people.olga.username),
    ]
