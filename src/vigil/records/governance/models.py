"""A tool's risk assessment in one agency, versioned, and the governance officers' votes.

An approval holds for the tool version and model digest it was given for: a new model makes a
new assessment necessary (see vigil.governance.workflow for the states and who moves them).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from vigil.records.accounts.models import Agency


class ToolAssessment(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft"
        SUBMITTED = "submitted"
        APPROVED = "approved"
        REJECTED = "rejected"
        SUSPENDED = "suspended"

    class Level(models.TextChoices):
        LOW = "low"
        MEDIUM = "medium"
        HIGH = "high"
        VERY_HIGH = "very high"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="assessments")
    tool = models.CharField(max_length=64)
    tool_version = models.CharField(max_length=32)
    model_digest = models.CharField(max_length=64, blank=True, default="")
    version = models.PositiveIntegerField(help_text="1, 2, ... per agency and tool")
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    answers = models.JSONField(help_text="The normalised questionnaire answers")
    level = models.CharField(
        max_length=16,
        choices=Level.choices,
        blank=True,
        default="",
        help_text="Highest residual risk band; empty when the lawfulness gate failed",
    )
    state_reason = models.TextField(blank=True, default="", help_text="Why the last change")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reassess_by = models.DateField(null=True, blank=True, help_text="Approval lapses after it")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "tool", "version"], name="assessment_unique_version"
            )
        ]
        indexes = [models.Index(fields=["agency", "tool"], name="assessment_agency_tool")]

    def __str__(self) -> str:
        return f"{self.tool} v{self.version} at {self.agency}: {self.state}"


class ApprovalVote(models.Model):
    class Verdict(models.TextChoices):
        APPROVE = "approve"
        REJECT = "reject"

    assessment = models.ForeignKey(ToolAssessment, on_delete=models.PROTECT, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(max_length=8, choices=Verdict.choices)
    reason = models.TextField(blank=True, default="")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "user"], name="vote_one_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.verdict}s {self.assessment}"
