"""A tool's assessment through its states, and who may move it.

    draft ──submit──▶ submitted ──votes──▶ approved ──suspend──▶ suspended
      │                   └──any reject──▶ rejected        ◀──reinstate──┘
      └─ not lawful ──▶ rejected (at once: "rejected: not lawful")

Any member of the agency may draft and submit an assessment; only governance officers vote,
suspend and reinstate. Low and medium risk need one approval, high and very high two from
distinct officers; a single rejection rejects. Each function checks, acts, and writes the
audit log in one transaction, and raises GovernanceError with a plain message when it cannot.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from vigil.accounts.services import default_agency, roles_of
from vigil.analyzers.base import Analyzer
from vigil.audit.log import record
from vigil.governance import scoring
from vigil.governance.answers import Answers, load_answers, parse_answers
from vigil.governance.standing import (
    APPROVED_BY_DEFAULT,
    approved_by_default,
    identity,
    latest_assessment,
)
from vigil.records.accounts.models import Agency, Role
from vigil.records.governance.models import ApprovalVote, ToolAssessment

State = ToolAssessment.State


class GovernanceError(Exception):
    """A governance action that is not allowed or not possible now, said plainly."""


def default_answers(tool: type[Analyzer]) -> Answers:
    """The package's own risk assessment (risk.yaml), the starting point of every agency."""
    return load_answers(tool.risk_file())


def stored_answers(assessment: ToolAssessment) -> Answers:
    return parse_answers(assessment.answers, source=f"{assessment.tool} v{assessment.version}")


def resolve_user(actor: User | str) -> User:
    if isinstance(actor, User):
        return actor
    user = User.objects.filter(username=actor, is_active=True).first()
    if user is None:
        raise GovernanceError(
            f"there is no Vigil user named {actor!r}: add one with "
            f"`vigil user add {actor} --role ROLE --password-stdin`"
        )
    return user


@transaction.atomic
def assess(
    tool: type[Analyzer],
    answers: Answers | None,
    actor: User | str,
    *,
    agency: Agency | None = None,
    submit_now: bool = False,
) -> ToolAssessment:
    """Records the agency's answers (default: the package's risk.yaml) for the installed tool.
    A draft is revised in place; otherwise a new version starts."""
    agency = agency or default_agency()
    user = _member(actor, agency)
    if approved_by_default(tool):
        raise GovernanceError(f"{tool.name} is {APPROVED_BY_DEFAULT}: it needs no assessment")
    answers = answers if answers is not None else default_answers(tool)
    version, digest = identity(tool)
    latest = latest_assessment(tool.name, agency)
    if latest is not None and latest.state == State.DRAFT:
        assessment = latest
    else:
        number = latest.version + 1 if latest else 1
        assessment = ToolAssessment(agency=agency, tool=tool.name, version=number)
    assessment.tool_version, assessment.model_digest = version, digest
    assessment.answers = answers.as_dict()
    assessment.level = answers.level or ""
    assessment.created_by = user
    assessment.state, assessment.state_reason = State.DRAFT, ""
    if not answers.lawfulness.passed:
        # The lawfulness gate: nothing else is weighed for a use that is not lawful.
        assessment.state = State.REJECTED
        assessment.state_reason = "rejected: not lawful: no " + ", no ".join(
            answers.lawfulness.failures
        )
        assessment.decided_at = timezone.now()
    assessment.save()
    _audit("governance.assess", user, assessment, source=answers.source)
    if submit_now and assessment.state == State.DRAFT:
        return submit(tool, user, agency=agency)
    return assessment


@transaction.atomic
def submit(
    tool: type[Analyzer], actor: User | str, *, agency: Agency | None = None
) -> ToolAssessment:
    agency = agency or default_agency()
    user = _member(actor, agency)
    assessment = _latest(tool, agency)
    if assessment.state != State.DRAFT:
        raise GovernanceError(
            f"{tool.name} v{assessment.version} is {assessment.state}; only a draft can be "
            f"submitted (`vigil tools assess {tool.name}` starts a new one)"
        )
    _same_tool(tool, assessment)
    unanswered = stored_answers(assessment).unanswered()
    if unanswered:
        raise GovernanceError(
            f"{tool.name} v{assessment.version} leaves questions unanswered: "
            f"{', '.join(unanswered)}; answer each (present: true or false) before submitting"
        )
    assessment.state, assessment.submitted_at = State.SUBMITTED, timezone.now()
    assessment.save()
    _audit("governance.submit", user, assessment)
    return assessment


@transaction.atomic
def vote(
    tool: type[Analyzer],
    actor: User | str,
    approve: bool,
    reason: str = "",
    *,
    agency: Agency | None = None,
) -> ToolAssessment:
    agency = agency or default_agency()
    user = _officer(actor, agency)
    assessment = _latest(tool, agency)
    if assessment.state != State.SUBMITTED:
        hint = (
            f"; submit it first (`vigil tools assess {tool.name} --submit`)"
            if assessment.state == State.DRAFT
            else ""
        )
        raise GovernanceError(
            f"{tool.name} v{assessment.version} is {assessment.state}: only a submitted "
            f"assessment can be voted on{hint}"
        )
    _same_tool(tool, assessment)
    if assessment.votes.filter(user=user).exists():
        raise GovernanceError(
            f"{user.username} already voted on {tool.name} v{assessment.version}; "
            "a second approval must come from another governance officer"
        )
    if not approve and not reason.strip():
        raise GovernanceError("a rejection needs a reason: it is kept with the assessment")
    verdict = ApprovalVote.Verdict.APPROVE if approve else ApprovalVote.Verdict.REJECT
    ApprovalVote.objects.create(
        assessment=assessment, user=user, verdict=verdict, reason=reason.strip()
    )
    approvals = assessment.votes.filter(verdict=ApprovalVote.Verdict.APPROVE).count()
    needed = scoring.approvers_needed(assessment.level or "low")
    if not approve:
        _decide(assessment, State.REJECTED, f"rejected by {user.username}: {reason.strip()}")
    elif approvals >= needed:
        months = stored_answers(assessment).reassess_after_months
        assessment.reassess_by = _add_months(timezone.localdate(), months)
        _decide(assessment, State.APPROVED, f"approved by {_approvers(assessment)}")
    _audit(
        "governance.vote",
        user,
        assessment,
        verdict=verdict,
        reason=reason.strip(),
        approvals=approvals,
        approvals_needed=needed,
    )
    return assessment


def suspend(
    tool: type[Analyzer], actor: User | str, reason: str, *, agency: Agency | None = None
) -> ToolAssessment:
    """Stops a tool at once, e.g. after errors in casework, until it is reinstated."""
    return _switch(tool, actor, reason, agency, State.APPROVED, State.SUSPENDED, "suspension")


def reinstate(
    tool: type[Analyzer], actor: User | str, reason: str, *, agency: Agency | None = None
) -> ToolAssessment:
    return _switch(tool, actor, reason, agency, State.SUSPENDED, State.APPROVED, "reinstatement")


@transaction.atomic
def _switch(
    tool: type[Analyzer],
    actor: User | str,
    reason: str,
    agency: Agency | None,
    current: str,
    target: str,
    act: str,
) -> ToolAssessment:
    """An officer moves an approval in or out of suspension, always with a stated reason."""
    agency = agency or default_agency()
    user = _officer(actor, agency)
    if not reason.strip():
        raise GovernanceError(f"a {act} needs a reason")
    verb = {"suspension": "suspend", "reinstatement": "reinstate"}[act]
    done = {"suspension": "suspended", "reinstatement": "reinstated"}[act]
    assessment = _in_force(tool, agency, current, done)
    _decide(assessment, target, f"{done} by {user.username}: {reason.strip()}")
    _audit(f"governance.{verb}", user, assessment, reason=reason.strip())
    return assessment


# -- helpers -----------------------------------------------------------------------------------


def _member(actor: User | str, agency: Agency) -> User:
    user = resolve_user(actor)
    if not roles_of(user, agency):
        raise GovernanceError(f"{user.username} is not a member of {agency}")
    return user


def _officer(actor: User | str, agency: Agency) -> User:
    user = resolve_user(actor)
    if Role.GOVERNANCE_OFFICER not in roles_of(user, agency):
        raise GovernanceError(
            f"{user.username} is not a governance officer of {agency}: only governance "
            "officers approve, reject, suspend and reinstate tools"
        )
    return user


def _latest(tool: type[Analyzer], agency: Agency) -> ToolAssessment:
    assessment = latest_assessment(tool.name, agency)
    if assessment is None:
        raise GovernanceError(
            f"{tool.name} has not been assessed in {agency}: run `vigil tools assess {tool.name}`"
        )
    return assessment


def _in_force(tool: type[Analyzer], agency: Agency, state: str, verb: str) -> ToolAssessment:
    assessment = (
        ToolAssessment.objects.filter(agency=agency, tool=tool.name, state=state)
        .order_by("-version")
        .first()
    )
    latest_decided = (
        ToolAssessment.objects.filter(agency=agency, tool=tool.name)
        .exclude(state__in=(State.DRAFT, State.SUBMITTED))
        .order_by("-version")
        .first()
    )
    if assessment is None or assessment != latest_decided:
        now = latest_decided.state if latest_decided else "not assessed"
        raise GovernanceError(f"{tool.name} is {now} in {agency}: it cannot be {verb}")
    return assessment


def _same_tool(tool: type[Analyzer], assessment: ToolAssessment) -> None:
    """Votes bind to what was assessed: a model changed since then needs a new assessment."""
    version, digest = identity(tool)
    if (assessment.tool_version, assessment.model_digest) != (version, digest):
        raise GovernanceError(
            f"{tool.name} changed since assessment v{assessment.version} (version "
            f"{assessment.tool_version} → {version}, model {assessment.model_digest[:12] or '-'}"
            f" → {digest[:12] or '-'}): assess it again with `vigil tools assess {tool.name}`"
        )


def _decide(assessment: ToolAssessment, state: str, reason: str) -> None:
    assessment.state, assessment.state_reason = state, reason
    assessment.decided_at = timezone.now()
    assessment.save()


def _approvers(assessment: ToolAssessment) -> str:
    names = assessment.votes.filter(verdict=ApprovalVote.Verdict.APPROVE).order_by("at")
    return " and ".join(vote.user.username for vote in names.select_related("user"))


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _audit(action: str, user: User, assessment: ToolAssessment, **details: Any) -> None:
    record(
        action,
        actor=user.username,
        details={
            "agency": assessment.agency.name,
            "tool": assessment.tool,
            "tool_version": assessment.tool_version,
            "model_digest": assessment.model_digest,
            "assessment_version": assessment.version,
            "state": assessment.state,
            "level": assessment.level,
            **details,
        },
    )
